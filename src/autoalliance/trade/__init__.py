"""Trade rules as data and the tariff exposure engine."""

from autoalliance.trade.exposure import duty_for_flows, exposure, summarise, unit_duty
from autoalliance.trade.measures import duty_for_entries, rates_for_keys

__all__ = ["duty_for_entries", "duty_for_flows", "exposure", "rates_for_keys", "summarise",
           "unit_duty"]
