"""Trade rules as data, the tariff exposure engine, exchange rates and calibration."""

from autoalliance.trade.exposure import (
    EXPOSURE_COLUMNS,
    current_flows,
    duty_for_flows,
    exposure,
    exposure_table,
    summarise,
    unit_duty,
)
from autoalliance.trade.fx import per_usd_on
from autoalliance.trade.measures import duty_for_entries, rates_for_keys, tariff_law

__all__ = ["EXPOSURE_COLUMNS", "current_flows", "duty_for_entries", "duty_for_flows", "exposure",
           "exposure_table", "per_usd_on", "rates_for_keys", "summarise", "tariff_law",
           "unit_duty"]
