"""The exposure engine against hand-worked figures and an independent plain-loop recomputation."""

import calendar
import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoalliance.testing import LAW_2025, measure, tiny_footprint, tiny_tables
from autoalliance.trade import exposure, summarise, unit_duty


def test_tiny_dataset_by_hand(tmp_path):
    """60,000 Japanese-built cars at $24,000 and 60,000 US-built with 10% Japanese parts.

    A flat profile puts 1/12 of the year's units in each month, spread evenly over its days.
    Cars: Apr 1-2 at 2.5%, Apr 3 - Sep 15 at 27.5%, from Sep 16 at 15%.
    Parts: to May 2 at 2.5%, May 3 - Sep 15 at 27.5%, from Sep 16 at 15%.
    """
    fp = tiny_footprint(tmp_path)
    res = exposure(fp, [2025])
    car_rate = ((2 * 0.025 + 28 * 0.275) / 30 + 4 * 0.275 + (15 * 0.275 + 15 * 0.15) / 30
                + 6 * 0.15) / 12
    parts_rate = (0.025 + (2 * 0.025 + 29 * 0.275) / 31 + 3 * 0.275
                  + (15 * 0.275 + 15 * 0.15) / 30 + 6 * 0.15) / 12
    car = res[(res.goods == "vehicle") & (res.origin == "JP")].iloc[0]
    part = res[res.goods == "own_part"].iloc[0]
    assert car.duty_usd == pytest.approx(60000 * 24000 * car_rate)
    assert car.added_duty_usd == pytest.approx(60000 * 24000 * (car_rate - 0.025))
    assert part.duty_usd == pytest.approx(60000 * 2400 * parts_rate)
    # the offset (3.75% x $30,000 x 60,000 x 363/365 = $67M) exceeds the added parts duty, so
    # it is capped there: the US-built car's tariff cost nets to zero
    us = res[(res.goods == "vehicle") & (res.origin == "US")].iloc[0]
    assert us.offset_usd == pytest.approx(-part.added_duty_usd)
    total = summarise(res, "company").iloc[0]
    assert total.tariff_cost_usd == pytest.approx(car.added_duty_usd)
    assert total.tariff_cost_local == pytest.approx(150 * car.added_duty_usd)
    assert total.units == pytest.approx(120000)


def test_monthly_rows_add_up_to_the_year(tmp_path):
    fp = tiny_footprint(tmp_path)
    year = summarise(exposure(fp, [2025]), "company")
    months = exposure(fp, [2025], by_month=True)
    assert len(months["month"].unique()) == 12
    for col in ["units", "duty_usd", "tariff_cost_usd", "tariff_cost_local"]:
        assert months[col].sum() == pytest.approx(year[col].sum())
    april = months[(months.month == "2025-04-01") & (months.origin == "JP")
                   & (months.goods == "vehicle")]
    assert april["units"].sum() == pytest.approx(5000)


def test_offset_below_parts_duty_is_used_in_full(tmp_path):
    t = tiny_tables()
    t["parts_content"] = t["parts_content"].assign(share=0.5)
    fp = tiny_footprint(tmp_path, parts_content=t["parts_content"])
    res = exposure(fp, [2025])
    us = res[(res.goods == "vehicle") & (res.origin == "US")].iloc[0]
    credit_days = 363 / 365  # the offset starts 3 Apr 2025
    assert us.offset_usd == pytest.approx(-0.0375 * 30000 * 60000 * credit_days, rel=1e-3)


def test_unit_duty_is_duty_per_unit(tmp_path):
    fp = tiny_footprint(tmp_path)
    lanes = pd.DataFrame({"nameplate": ["sedan", "sedan"], "plant": ["us1", "jp1"],
                          "market": "US", "fiscal_year": 2025})
    per = unit_duty(fp, lanes).set_index("plant")
    res = exposure(fp, [2025])
    jp = res[(res.plant == "jp1")]
    assert per.at["jp1", "duty_usd"] == pytest.approx(jp.duty_usd.sum() / 60000)
    assert per.at["us1", "parts_added_duty_usd"] == pytest.approx(
        res[res.goods == "own_part"].added_duty_usd.sum() / 60000)


# --- independent recomputation: a plain loop over flows, days, goods and rules ----------------

def _pick(rules, layer, origin, goods, category, usmca, day):
    best, best_score = None, -1
    for m in rules:
        if m["layer"] != layer or m["goods"] != goods:
            continue
        if (origin == "US") != (layer == "offset"):
            continue
        if m["origin"] != "*" and origin not in m["origin"].split("|"):
            continue
        if m["category"] not in ("*", category):
            continue
        if m["usmca"] != "*" and (m["usmca"] == "yes") != usmca:
            continue
        if day < dt.date.fromisoformat(m["start"]):
            continue
        if m["end"] and day > dt.date.fromisoformat(m["end"]):
            continue
        score = 4 * (m["origin"] != "*") + 2 * (m["category"] != "*") + (m["usmca"] != "*")
        if score > best_score:
            best, best_score = m, score
    return best


def _days(fy):
    """(day, share of the year's entries) over an April fiscal year with a flat profile."""
    for m in range(12):
        y, mo = fy + (3 + m) // 12, (3 + m) % 12 + 1
        ndays = calendar.monthrange(y, mo)[1]
        for dd in range(1, ndays + 1):
            yield dt.date(y, mo, dd), 1 / 12 / ndays


def _charge(acc, rules, kind, origin, category, value, usc, q, day, borne, offsettable):
    """Add one entry's duty (the firm's share ``borne``) to ``acc``; returns nothing."""
    b = _pick(rules, "base", origin, kind, category, q, day)
    a = _pick(rules, "additional", origin, kind, category, q, day)
    deal = _pick(rules, "all_in", origin, kind, category, q, day)
    base = float(b["rate"]) if b else 0.0
    if deal:
        duty = max(float(deal["rate"]), base) * value
    else:
        duty = base * value
        if a:
            basis = value if a["basis"] == "customs_value" else value * (1 - usc)
            duty += float(a["rate"]) * basis
    acc["duty"] += borne * duty
    acc["added"] += borne * (duty - base * value)
    acc["parts"] += offsettable * borne * (duty - base * value)


def loop_tariff_cost(t, fy):
    """Per company: (duty, added duty, offset applied, tariff cost) in USD, by plain loops over
    flows, days, lines and rules: vehicles, own and suppliers' parts, metals, service parts."""
    rows = lambda name: t[name].to_dict("records") if name in t else []  # noqa: E731
    rules = rows("measures")
    plants = {p["plant"]: p for p in rows("plants")}
    names = {n["nameplate"]: n for n in rows("nameplates")}
    costs = {(c["nameplate"], c["plant"]): c for c in rows("costs")}
    firms = {c["company"]: c for c in rows("companies")}
    true = lambda v: str(v).lower() == "true"  # noqa: E731
    num = lambda v, default: float(v) if str(v) not in ("", "nan") else default  # noqa: E731
    out = {}
    for sp in rows("service_parts"):
        acc = out.setdefault(sp["company"], {"duty": 0.0, "added": 0.0, "parts": 0.0,
                                             "credit": 0.0})
        for day, w in _days(fy):
            _charge(acc, rules, "part", sp["origin"], "service_part",
                    float(sp["value_usd"]) * w, 0.0, true(sp["usmca_compliant"]), day, 1.0, 0.0)
    for d in rows("demand"):
        if int(d["fiscal_year"]) != fy:
            continue
        for s in rows("sourcing"):
            key = (s["nameplate"], s["market"], int(s["fiscal_year"]))
            if key != (d["nameplate"], d["market"], fy):
                continue
            units = float(d["units"]) * float(s["share"])
            n, p = names[d["nameplate"]], plants[s["plant"]]
            c = costs[(d["nameplate"], s["plant"])]
            acc = out.setdefault(n["company"], {"duty": 0.0, "added": 0.0, "parts": 0.0,
                                                "credit": 0.0})
            usmca = true(c["usmca_qualifying"])
            firm = firms[n["company"]]
            pass_through = num(firm.get("supplier_pass_through", ""), 1.0)
            to_suppliers = num(firm.get("offset_to_suppliers", ""), 0.0)
            # (goods, origin, category, value per unit, US content, usmca, borne, offsettable)
            goods = []
            if p["country"] != "US":
                goods.append(("vehicle", p["country"], n["category"],
                              float(c["customs_value_usd"]), float(c["us_content_share"]),
                              usmca, 1.0, 0.0))
            else:
                for pc in rows("parts_content"):
                    if pc["plant"] == s["plant"]:
                        value = float(c["customs_value_usd"]) * float(pc["share"])
                        own = num(pc.get("own_import_share", ""), 1.0)
                        q = true(pc["usmca_compliant"])
                        goods.append(("part", pc["origin"], n["category"], value * own, 0.0, q,
                                      1.0, 1.0))
                        goods.append(("part", pc["origin"], n["category"], value * (1 - own),
                                      0.0, q, pass_through, to_suppliers))
                for mt in rows("metals"):
                    if mt["plant"] == s["plant"]:
                        auto = true(mt["under_auto_tariff"])
                        goods.append(("part" if auto else "metal", mt["origin"],
                                      n["category"] if auto else mt["metal"],
                                      float(mt["value_usd"]), 0.0, False, 1.0,
                                      1.0 if auto else 0.0))
            for day, w in _days(fy):
                u = units * w
                if p["country"] == "US":
                    off = _pick(rules, "offset", "US", "vehicle", n["category"], usmca, day)
                    claims = off.get("claims_from", "") if off else ""
                    if off and (not claims or day >= dt.date.fromisoformat(claims)):
                        acc["credit"] += float(off["rate"]) * float(n["msrp_usd"]) * u
                for kind, origin, cat, value, usc, q, borne, offsettable in goods:
                    _charge(acc, rules, kind, origin, cat, value * u, usc, q, day, borne,
                            offsettable)
    return {k: (v["duty"], v["added"], min(v["credit"], v["parts"]),
                v["added"] - min(v["credit"], v["parts"])) for k, v in out.items()}


COUNTRIES = ["US", "JP", "MX", "CA", "KR", "DE"]


@st.composite
def datasets(draw):
    t = tiny_tables()
    n_plants = draw(st.integers(1, 3))
    n_names = draw(st.integers(1, 3))
    plants = [dict(t["plants"].iloc[0], plant=f"p{i}", country=draw(st.sampled_from(COUNTRIES)))
              for i in range(n_plants)]
    t["plants"] = pd.DataFrame(plants)
    names, costs, sourcing, demand = [], [], [], []
    for j in range(n_names):
        names.append(dict(t["nameplates"].iloc[0], nameplate=f"n{j}",
                          category=draw(st.sampled_from(["car", "light_truck"])),
                          msrp_usd=draw(st.integers(15000, 90000))))
        demand.append(dict(t["demand"].iloc[0], nameplate=f"n{j}",
                           units=draw(st.integers(0, 200000))))
        built = draw(st.lists(st.integers(0, n_plants - 1), min_size=1, max_size=n_plants,
                              unique=True))
        weights = [draw(st.integers(1, 10)) for _ in built]
        for k, w in zip(built, weights):
            sourcing.append(dict(t["sourcing"].iloc[0], nameplate=f"n{j}", plant=f"p{k}",
                                 share=w / sum(weights)))
        for k in range(n_plants):
            costs.append(dict(t["costs"].iloc[0], nameplate=f"n{j}", plant=f"p{k}",
                              customs_value_usd=draw(st.integers(5000, 60000)),
                              us_content_share=draw(st.sampled_from([0.0, 0.3, 0.6])),
                              usmca_qualifying=draw(st.booleans())))
    # shares must sum to exactly one after the CSV round trip
    sourcing = pd.DataFrame(sourcing)
    t.update(nameplates=pd.DataFrame(names), demand=pd.DataFrame(demand), sourcing=sourcing,
             costs=pd.DataFrame(costs))
    parts, metals = [], []
    for k in range(n_plants):
        for origin in draw(st.lists(st.sampled_from(["JP", "MX", "CN", "KR"]), max_size=3,
                                    unique=True)):
            parts.append(dict(plant=f"p{k}", origin=origin, usmca_compliant=draw(st.booleans()),
                              share=draw(st.sampled_from([0.05, 0.1, 0.2])),
                              own_import_share=draw(st.sampled_from(["", 0.0, 0.3, 1.0])),
                              source="t", assumption=""))
        for origin, metal in draw(st.lists(st.tuples(st.sampled_from(["JP", "CA", "CN"]),
                                                     st.sampled_from(["steel", "copper"])),
                                           max_size=2, unique=True)):
            metals.append(dict(plant=f"p{k}", origin=origin, metal=metal,
                               under_auto_tariff=draw(st.booleans()),
                               value_usd=draw(st.integers(0, 2000)), source="t", assumption=""))
    t["parts_content"] = pd.DataFrame(parts, columns=list(t["parts_content"].columns)
                                      + ["own_import_share"])
    t["metals"] = pd.DataFrame(metals, columns=["plant", "origin", "metal", "under_auto_tariff",
                                                "value_usd", "source", "assumption"])
    t["companies"] = t["companies"].assign(
        supplier_pass_through=draw(st.sampled_from(["", 0.0, 0.5, 1.0])),
        offset_to_suppliers=draw(st.sampled_from(["", 0.0, 0.5, 1.0])))
    t["service_parts"] = pd.DataFrame(
        [dict(company="acme", market="US", origin=o, usmca_compliant=draw(st.booleans()),
              value_usd=draw(st.integers(0, 10**8)), source="t", assumption="")
         for o in draw(st.lists(st.sampled_from(["JP", "MX", "CN"]), max_size=2, unique=True))],
        columns=["company", "market", "origin", "usmca_compliant", "value_usd", "source",
                 "assumption"])
    rules = []
    metal_rules = [measure("s232_steel", "additional", "*", "metal", "steel", start="2025-03-12"),
                   measure("s232_copper", "additional", "*", "metal", "copper",
                           start="2025-08-01")]
    claims = draw(st.sampled_from(["", "2025-11-01", "2025-06-15"]))
    for m in LAW_2025 + metal_rules:
        if m["measure"] == "uk_quota":
            continue
        m = dict(m, rate=draw(st.sampled_from([0.0, 0.025, 0.1, 0.15, 0.25, 0.5])))
        if m["start"] != "2000-01-01":
            m["start"] = str(dt.date(2025, 3, 1) + dt.timedelta(days=draw(st.integers(0, 300))))
        m["claims_from"] = claims if m["layer"] == "offset" else ""
        rules.append(m)
    t["measures"] = pd.DataFrame(rules)
    return t


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(t=datasets())
def test_engine_equals_plain_loop(tmp_path_factory, t):
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.testing import write_tables

    fp = load_footprint(write_tables(t, tmp_path_factory.mktemp("ds")))
    # loop over the tables as loaded (shares as read back from CSV)
    raw = {k: v.astype(str).replace({"nan": "", "NaT": ""}) for k, v in fp.tables.items()}
    for k in ("measures",):
        raw[k] = fp.tables[k].assign(
            start=fp.tables[k]["start"].dt.strftime("%Y-%m-%d"),
            end=fp.tables[k]["end"].dt.strftime("%Y-%m-%d").fillna(""),
            claims_from=fp.tables[k]["claims_from"].dt.strftime("%Y-%m-%d").fillna("")).astype(
            {"rate": float})
    expected = loop_tariff_cost(raw, 2025)
    got = summarise(exposure(fp, [2025]), "company").set_index("company")
    for company, (duty, added, offset, cost) in expected.items():
        row = got.loc[company] if company in got.index else pd.Series(0.0, index=got.columns)
        close = {"rel": 1e-9, "abs": 1e-3}
        assert row.duty_usd == pytest.approx(duty, **close)
        assert row.added_duty_usd == pytest.approx(added, **close)
        assert -row.offset_usd == pytest.approx(offset, **close)
        assert row.tariff_cost_usd == pytest.approx(cost, **close)


def test_overflowing_arithmetic_is_an_error_not_a_number(tiny_dir):
    """Issue 13: a customs value of 1e306 (set in memory, past validation) used to make the
    flow's duty vanish; the overflow is now caught."""
    import pytest as _pytest

    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.errors import AutoallianceError
    from autoalliance.trade.exposure import exposure as run

    fp = load_footprint(tiny_dir)
    c = fp.costs.copy()
    c["customs_value_usd"] = 1e306
    with _pytest.raises(AutoallianceError, match="not a finite number"):
        run(fp.replace(costs=c), [2025])


def test_per_unit_by_origin_divides_each_line_by_its_own_units():
    """By origin, a country's parts go into vehicles built elsewhere: the per-unit figure is the
    vehicle line's tariff cost (before the offset) over that origin's vehicles, worked out here
    from the flow rows by hand; by nameplate every line is over the nameplate's vehicles."""
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.trade.exposure import exposure, exposure_table

    fp = load_footprint(None)
    res = exposure(fp, [fp.base_year])
    t = exposure_table(res, "origin").set_index(["company", "origin"])
    assert "tariff_cost_per_unit_usd" not in t
    for (co, origin), r in t.iterrows():
        rows = res[(res["company"] == co) & (res["origin"] == origin)]
        veh = rows[rows["goods"] == "vehicle"]
        units = veh["units"].sum()
        if units > 0:
            by_hand = (veh["tariff_cost_usd"] - veh["offset_usd"]).sum() / units
            assert r["vehicle_tariff_cost_per_unit_usd"] == pytest.approx(by_hand, rel=1e-12)
        else:
            assert pd.isna(r["vehicle_tariff_cost_per_unit_usd"])
    us = t.loc[("honda", "US")]
    assert us["vehicle_tariff_cost_per_unit_usd"] == 0  # US-built: no vehicle duty
    assert us["tariff_cost_usd"] < 0  # the offset stays in the origin's total
    jp = t.loc[("honda", "JP")]  # parts from Japan are not spread over Japan-built Type Rs
    assert jp["vehicle_tariff_cost_per_unit_usd"] < 10_000 < jp["tariff_cost_usd"] / jp["units"]
    n = exposure_table(res, "nameplate")
    assert n["tariff_cost_per_unit_usd"].equals(
        n["tariff_cost_usd"] / n["units"].where(n["units"] > 0))
