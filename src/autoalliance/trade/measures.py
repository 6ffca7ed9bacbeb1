"""Dated trade rules: which rule of each layer applies to a good on a date, and the duty it owes.

Layers (one row of the ``measures`` table each rule):

- ``base``: the MFN or preference rate; ``additional``: stacks on base (Section 232);
- ``all_in``: a deal rate that replaces base + additional with ``max(rate, base)``, within its
  quota if it has one; ``offset``: a credit as a share of MSRP for vehicles assembled in the
  importing country, usable against parts duty, accruing from ``claims_from`` when it is set;
- ``surcharge``: charged on the customs value on top of everything else, deal rates included
  (Section 301, Section 122); every matching surcharge adds up (no most-specific rule).

A ``pending`` rule (a proposed measure) is never charged: a scenario turns it on by setting
``pending`` to false. :func:`as_known_on` gives the rules as they were known on a date (each
row's ``known`` and ``end_known`` dates).

Goods are ``vehicle``, ``part`` or ``metal`` (Section 232 steel, aluminium, copper: the category
names the metal).

Within a layer the most specific matching rule wins (origin named > category named > USMCA
status named); two equally specific matches are an error, since the data would be ambiguous.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from autoalliance.errors import AutoallianceError

LAYERS = ("base", "additional", "all_in", "offset")  # one rule each: the most specific
SURCHARGE = "surcharge"  # all matching rules add up
KEY = ["importer", "origin", "goods", "category", "usmca", "date"]


class AmbiguousMeasures(AutoallianceError):
    """Two rules of one layer match the same good on the same day with equal specificity."""


def in_force(measures: pd.DataFrame) -> pd.DataFrame:
    """The rules that are charged: every row not marked ``pending`` (proposed measures wait for
    a scenario that sets ``pending`` to false)."""
    if "pending" not in measures or not len(measures):
        return measures
    pending = measures["pending"].map(lambda v: False if pd.isna(v) else bool(v))
    return measures[~pending.to_numpy(dtype=bool)]


def as_known_on(measures: pd.DataFrame, date) -> pd.DataFrame:
    """The rules as they were known on ``date``: rows whose ``known`` day is later are left out
    (a deal made retroactive applies only once its notice is out, and then from its start), and
    a row whose end was announced after ``date`` (``end_known``) reads as still in force. A blank
    ``known`` is the rule's ``start``; a blank ``end_known`` means the end was known with it."""
    day = pd.Timestamp(date)
    m = measures.copy()
    start = pd.to_datetime(m["start"])
    known = pd.to_datetime(m["known"]) if "known" in m else pd.Series(pd.NaT, index=m.index)
    m = m[known.fillna(start).le(day).to_numpy()].copy()
    if "end_known" in m and len(m):
        later = pd.to_datetime(m["end_known"]).gt(day).to_numpy()
        if later.any():
            m["end"] = pd.to_datetime(m["end"]).astype("datetime64[ns]")
            m.loc[later, "end"] = pd.NaT
    return m


def _match(measures: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Boolean matrix keys x measures: does the rule cover the good on that day?"""
    n, m = len(keys), len(measures)
    out = np.zeros((n, m), dtype=bool)
    # each column converted once (with Arrow-backed strings every to_numpy() copies)
    date = keys["date"].to_numpy(dtype="datetime64[ns]")
    importer = keys["importer"].to_numpy(dtype=object)
    origin = keys["origin"].to_numpy(dtype=object)
    goods = keys["goods"].to_numpy(dtype=object)
    category = keys["category"].to_numpy(dtype=object)
    usmca = keys["usmca"].to_numpy(dtype=bool)
    for j, rule in enumerate(measures.itertuples(index=False)):  # one pass per rule, not per row
        ok = importer == rule.importer
        if rule.origin != "*":
            ok &= np.isin(origin, rule.origin.split("|"))
        ok &= goods == rule.goods
        if rule.category != "*":
            ok &= category == rule.category
        if rule.usmca != "*":
            ok &= usmca == (rule.usmca == "yes")
        ok &= date >= np.datetime64(rule.start, "ns")
        if not pd.isna(rule.end):
            ok &= date <= np.datetime64(rule.end, "ns")
        domestic = origin == rule.importer
        ok &= domestic if rule.layer == "offset" else ~domestic
        out[:, j] = ok
    return out


def _specificity(measures: pd.DataFrame) -> np.ndarray:
    return (4 * measures["origin"].ne("*") + 2 * measures["category"].ne("*")
            + measures["usmca"].ne("*")).to_numpy()


def rates_for_keys(measures: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """The rule of each layer that applies to each key (importer, origin, goods, category, usmca,
    date), with its rate. Returns ``keys`` plus, per layer, ``<layer>_rate`` (0 when no rule;
    NaN for ``all_in`` when no deal applies) and ``<layer>_measure``; plus ``additional_basis``
    and ``all_in_quota``; plus ``surcharge_rate`` (the sum of every matching surcharge) and
    ``surcharge_measure`` (their names joined by ``+``). Pending rules are left out.
    """
    keys = keys.reset_index(drop=True)
    measures = in_force(measures).reset_index(drop=True)
    matched = _match(measures, keys)
    spec = _specificity(measures) + 1
    out = keys.copy()
    for layer in LAYERS:
        in_layer = measures["layer"].eq(layer).to_numpy()
        score = np.where(matched & in_layer, spec, 0)
        best = score.max(axis=1) if len(measures) else np.zeros(len(keys), dtype=int)
        hit = best > 0
        ties = ((score == best[:, None]) & hit[:, None]).sum(axis=1) > 1
        if ties.any():
            i = int(np.flatnonzero(ties)[0])
            names = measures.loc[score[i] == best[i], "measure"].tolist()
            k = keys.iloc[i]
            raise AmbiguousMeasures(
                f"measures {', '.join(names)} ({layer} layer) both apply to {k.goods} of category "
                f"{k.category} from {k.origin} entering {k.importer} on {k.date:%Y-%m-%d} with "
                "equal specificity; make one of them more specific or end one before the other")
        idx = score.argmax(axis=1) if len(measures) else np.zeros(len(keys), dtype=int)
        rate = np.where(hit, measures["rate"].to_numpy(dtype=float)[idx] if len(measures) else 0,
                        np.nan if layer == "all_in" else 0.0)
        out[f"{layer}_rate"] = rate
        out[f"{layer}_measure"] = np.where(hit, measures["measure"].to_numpy()[idx]
                                           if len(measures) else "", "")
        if layer == "additional":
            out["additional_basis"] = np.where(hit, measures["basis"].to_numpy()[idx]
                                               if len(measures) else "", "customs_value")
        if layer == "all_in":
            quota = measures["quota_units"].to_numpy(dtype=float) if len(measures) else np.array([])
            out["all_in_quota"] = np.where(hit, quota[idx] if len(measures) else np.nan, np.nan)
        if layer == "offset" and len(measures) and "claims_from" in measures:
            # the credit accrues only on vehicles assembled from the day claims are credited
            claims = measures["claims_from"].to_numpy(dtype="datetime64[ns]")[idx]
            date = keys["date"].to_numpy(dtype="datetime64[ns]")
            early = hit & ~np.isnat(claims) & (date < claims)
            out["offset_rate"] = np.where(early, 0.0, out["offset_rate"])
    sur = measures["layer"].eq(SURCHARGE).to_numpy() if len(measures) else np.zeros(0, bool)
    hits = matched & sur
    out["surcharge_rate"] = hits.astype(float) @ (measures["rate"].to_numpy(dtype=float)
                                                  if len(measures) else np.zeros(0))
    names = measures["measure"].to_numpy(dtype=object) if len(measures) else np.zeros(0, object)
    out["surcharge_measure"] = ["+".join(names[row]) for row in hits] if sur.any() \
        else [""] * len(out)
    return out


def tariff_law(rates: pd.DataFrame) -> dict[str, np.ndarray]:
    """The law of the layers, per key, as duty per USD (the one place it is written):

    stacked (no deal, or beyond a deal's quota): ``base`` on the customs value plus
    ``additional`` on its basis (``additional_on_value`` or ``additional_on_non_us``); under a
    deal: ``max(all_in, base)`` on the customs value, nothing stacked (``deal_on_value``; NaN
    where no deal is in force). Either way ``surcharge`` is added on the customs value.
    """
    add = rates["additional_rate"].to_numpy(dtype=float)
    nonus = rates["additional_basis"].eq("non_us_content").to_numpy()
    base = rates["base_rate"].to_numpy(dtype=float)
    deal = rates["all_in_rate"].to_numpy(dtype=float)
    return {"base": base, "deal_on_value": np.where(np.isnan(deal), np.nan,
                                                     np.maximum(np.nan_to_num(deal), base)),
            "additional_on_value": np.where(nonus, 0.0, add),
            "additional_on_non_us": np.where(nonus, add, 0.0),
            "surcharge": (rates["surcharge_rate"].to_numpy(dtype=float)
                          if "surcharge_rate" in rates else np.zeros(len(base)))}


def unit_rates(rates: pd.DataFrame) -> pd.DataFrame:
    """Per key, the duty per USD of customs value split by basis, without quotas:

    ``on_value`` (charged on the full customs value), ``on_non_us`` (charged on the non-US
    content), ``base`` (what the base layer alone would charge) and ``offset`` (credit per USD
    of MSRP). With a deal in force, ``on_value = max(deal, base)`` and nothing stacks; a
    surcharge is added to ``on_value`` either way.
    """
    law = tariff_law(rates)
    deal = ~np.isnan(law["deal_on_value"])
    base = law["base"]
    on_value = np.where(deal, law["deal_on_value"], base + law["additional_on_value"]) \
        + law["surcharge"]
    on_non_us = np.where(deal, 0.0, law["additional_on_non_us"])
    return pd.DataFrame({"on_value": on_value, "on_non_us": on_non_us, "base": base,
                         "offset": rates["offset_rate"].to_numpy()}, index=rates.index)


def duty_for_entries(measures: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """Duty owed by each entry of goods.

    ``entries`` columns: date, importer, origin, goods (vehicle|part), category, usmca (bool),
    customs_value_usd (per unit), us_content_share, msrp_usd (per unit), units. Rows are taken in
    date order for quotas (ties in input order). Returns ``entries`` with the rules applied and
    ``duty_usd``, ``base_duty_usd`` (what the base layer alone owes), ``added_duty_usd``
    (duty - base), ``offset_credit_usd`` (before any cap) and ``within_quota`` (share of units
    inside a deal quota; 1 for a deal without quota, 0 without a deal).
    """
    e = entries.reset_index(drop=True).copy()
    e["date"] = pd.to_datetime(e["date"])
    keys = e[KEY].drop_duplicates().reset_index(drop=True)
    rates = rates_for_keys(measures, keys)
    e = e.merge(rates, on=KEY, how="left", sort=False)
    value = e["customs_value_usd"].to_numpy(float) * e["units"].to_numpy(float)
    non_us = value * (1.0 - e["us_content_share"].to_numpy(float))
    law = tariff_law(e)
    base = law["base"]
    surcharge = law["surcharge"] * value  # on top of a deal or the stacked rates alike
    stacked = base * value + (law["additional_on_value"] * value
                              + law["additional_on_non_us"] * non_us) + surcharge
    deal = ~np.isnan(law["deal_on_value"])
    on_deal = np.nan_to_num(law["deal_on_value"]) * value + surcharge
    within = deal.astype(float)
    quota = deal & e["all_in_quota"].notna().to_numpy()
    if quota.any():
        q = e.loc[quota, ["date", "all_in_measure", "all_in_quota", "units"]].copy()
        q["calendar_year"] = q["date"].dt.year
        q["order"] = np.arange(len(q))
        q = q.sort_values(["date", "order"], kind="stable")
        before = q.groupby(["all_in_measure", "calendar_year"])["units"].cumsum() - q["units"]
        room = (q["all_in_quota"] - before).clip(lower=0)
        share = np.where(q["units"] > 0, (room / q["units"].where(q["units"] > 0, 1)).clip(0, 1),
                         (room > 0).astype(float))
        within[q.index.to_numpy()] = share
    duty = within * on_deal + (1 - within) * stacked
    e["within_quota"] = within
    e["duty_usd"] = duty
    e["base_duty_usd"] = base * value
    e["added_duty_usd"] = duty - base * value
    e["offset_credit_usd"] = (e["offset_rate"].to_numpy() * e["msrp_usd"].to_numpy(float)
                              * e["units"].to_numpy(float))
    return e
