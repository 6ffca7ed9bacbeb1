"""Rules as known on a date (``known``, ``end_known``) and pending measures (``pending``).

The tiny dataset brings 60,000 Japanese sedans (half of 120,000) at a customs value of $24,000
into the US in FY2025 (1 Apr 2025 - 31 Mar 2026; flat months, each 1/12 of the year, spread
evenly over its days): $1.44B of value.
"""

import pandas as pd
import pytest

from autoalliance.testing import LAW_2025, measure, tiny_footprint
from autoalliance.trade import exposure
from autoalliance.trade.calibration import calibrate
from autoalliance.trade.measures import as_known_on

VALUE = 60_000 * 24_000.0  # USD of Japanese vehicles entering over FY2025
FX = 150.0


def _law(**retro):
    """MFN 2.5% + 232 25% from 1 Apr 2025; a deal at 15% all-in made retroactive to 1 Apr 2025
    by a notice of 1 Oct 2025 (``known``)."""
    deal = measure("retro_deal", "all_in", "JP", "vehicle", rate=0.15, start="2025-04-01")
    deal.update({"known": "2025-10-01"} | retro)
    return [measure("mfn_car", "base", "*", "vehicle", "car", rate=0.025),
            measure("mfn_parts", "base", "*", "part", rate=0.025),
            measure("s232_vehicles", "additional", "*", "vehicle", rate=0.25,
                    start="2025-04-01"), deal]


def _vehicle_added_usd(fp) -> float:
    res = exposure(fp, [2025])
    return float(res[res["goods"].eq("vehicle") & res["origin"].eq("JP")]["added_duty_usd"].sum())


def test_retroactive_deal_applies_only_once_known(tmp_path):
    """Before its notice the deal is unknown: the whole year pays 232's 25% on top of MFN
    (added duty 0.25 x $1.44B = $360M). From the notice on, the deal is known and applies from
    its (retroactive) start: max(15%, 2.5%) all-in, added 12.5% x $1.44B = $180M."""
    fp = tiny_footprint(tmp_path, measures=pd.DataFrame(_law()))
    before = fp.replace(measures=as_known_on(fp.measures, "2025-09-30"))
    after = fp.replace(measures=as_known_on(fp.measures, "2025-10-01"))
    assert _vehicle_added_usd(before) == pytest.approx(0.25 * VALUE)
    assert _vehicle_added_usd(after) == pytest.approx(0.125 * VALUE)
    assert _vehicle_added_usd(fp) == pytest.approx(0.125 * VALUE)  # the final rules


def test_an_end_announced_later_is_not_yet_known(tmp_path):
    """232 ends on 31 Dec 2025 by an announcement of 1 Nov 2025 (``end_known``); the deal is
    out of the way (known only in 2030). As known on 31 Oct the 25% runs all year ($360M); as
    known on 1 Nov it stops after 31 Dec: 9 of 12 months (April - December) pay it."""
    law = _law(known="2030-01-01")
    law[2].update(end="2025-12-31", end_known="2025-11-01")
    fp = tiny_footprint(tmp_path, measures=pd.DataFrame(law))
    early = fp.replace(measures=as_known_on(fp.measures, "2025-10-31"))
    late = fp.replace(measures=as_known_on(fp.measures, "2025-11-01"))
    assert _vehicle_added_usd(early) == pytest.approx(0.25 * VALUE)
    assert _vehicle_added_usd(late) == pytest.approx(0.25 * VALUE * 9 / 12)


def test_blank_known_is_the_start(tmp_path):
    """A rule without a ``known`` date is known from its start: as known on the day before,
    232 (from 1 Apr 2025) is not there, so nothing is added."""
    law = _law(known="2030-01-01")
    fp = tiny_footprint(tmp_path, measures=pd.DataFrame(law))
    assert _vehicle_added_usd(fp.replace(measures=as_known_on(fp.measures, "2025-03-31"))) == 0
    assert _vehicle_added_usd(fp.replace(measures=as_known_on(fp.measures, "2025-04-01"))) \
        == pytest.approx(0.25 * VALUE)


def test_calibrate_compares_each_figure_with_the_rules_known_on_its_date(tmp_path):
    """Two figures for FY2025, one the day before the deal's notice, one on it: the first is
    modelled without the deal, the second with it; both show the final-rules figure."""
    row = dict(company="acme", metric="tariff_cost", period="FY2025", currency="JPY",
               out_of_scope_share=0.0, tolerance="", basis="gross", countermeasures="before",
               source="t", assumption="")
    rep = pd.DataFrame([dict(row, as_of="2025-09-30", value=5e10),
                        dict(row, as_of="2025-10-01", value=3e10)])
    fp = tiny_footprint(tmp_path, measures=pd.DataFrame(_law()), reported=rep)
    parts = exposure(fp, [2025])
    parts = float(parts[parts["goods"].ne("vehicle")]["added_duty_local"].sum())  # same in both
    cal = calibrate(fp).set_index("as_of")
    assert cal.loc["2025-09-30", "modelled"] == pytest.approx(0.25 * VALUE * FX + parts)
    assert cal.loc["2025-10-01", "modelled"] == pytest.approx(0.125 * VALUE * FX + parts)
    assert cal["modelled_final"].tolist() == pytest.approx([0.125 * VALUE * FX + parts] * 2)
    assert cal.loc["2025-09-30", "ratio"] == pytest.approx((0.25 * VALUE * FX + parts) / 5e10)
    final = calibrate(fp, known_on_as_of=False)
    assert final["modelled"].tolist() == pytest.approx(cal["modelled_final"].tolist())


def _surcharge(**extra):
    row = measure("s301_japan", "surcharge", "JP", "vehicle", rate=0.10, start="2025-10-01")
    row.update(pending="true", known="2025-06-02", **extra)
    return row


def test_a_pending_rule_changes_nothing(tmp_path):
    """A proposed Section 301 duty on Japanese vehicles (pending) leaves the bill as it is."""
    plain = tiny_footprint(tmp_path / "a")
    pending = tiny_footprint(tmp_path / "b", measures=pd.DataFrame(LAW_2025 + [_surcharge()]))
    a, b = exposure(plain, [2025]), exposure(pending, [2025])
    assert b["tariff_cost_usd"].sum() == pytest.approx(a["tariff_cost_usd"].sum())
    assert b["duty_usd"].sum() == pytest.approx(a["duty_usd"].sum())
    # the same pending row with pending false is charged (so the row itself is live)
    live = tiny_footprint(tmp_path / "c", measures=pd.DataFrame(
        LAW_2025 + [_surcharge() | {"pending": "false"}]))
    assert exposure(live, [2025])["duty_usd"].sum() > a["duty_usd"].sum() + 1e6


def test_a_branch_turns_the_pending_rule_on_and_it_stacks_on_the_deal(tmp_path):
    """The branch sets pending to false: from 1 Oct 2025 (6 of 12 months) Japanese vehicles pay
    10% on top of the Japan deal's 15% all-in: + 0.10 x $1.44B x 6/12."""
    from autoalliance.scenarios import apply_scenario, load_scenarios

    fp = tiny_footprint(tmp_path / "b", measures=pd.DataFrame(LAW_2025 + [_surcharge()]))
    branch = tmp_path / "branch.yaml"
    branch.write_text("name: s301_japan_10\noverrides:\n  measures:\n    set:\n"
                      "      - where: {measure: s301_japan}\n"
                      "        values: {pending: false, rate: 0.10}\n")
    ss = load_scenarios(branch)
    on = apply_scenario(fp, ss.scenarios[0], ss.origins)
    added = _vehicle_added_usd(on) - _vehicle_added_usd(fp)
    assert added == pytest.approx(0.10 * VALUE * 6 / 12)
    res = exposure(on, [2025])
    jp = res[res["goods"].eq("vehicle") & res["origin"].eq("JP")]
    # April: 1-2 MFN only, 3-30 2.5% + 25%; May-August 27.5%; September: 1-15 27.5%, 16-30 the
    # deal's 15% all-in; October-March 15% + 10%
    month = VALUE / 12
    duty = month * (2 / 30 * 0.025 + 28 / 30 * 0.275 + 4 * 0.275 + 15 / 30 * 0.275
                    + 15 / 30 * 0.15 + 6 * 0.25)
    assert jp["duty_usd"].sum() == pytest.approx(duty)


def test_surcharges_add_up_and_reach_the_day_by_day_path(tmp_path):
    """Two surcharges on the same good add up; the quota (day-by-day) path charges them too:
    UK cars inside the 10% quota pay 10% + 5% + 2% from the surcharges' start."""
    from autoalliance.trade.measures import duty_for_entries

    law = pd.DataFrame([measure("mfn_car", "base", "*", "vehicle", "car", rate=0.025),
                        measure("uk_quota", "all_in", "GB", "vehicle", "car", rate=0.10,
                                start="2025-06-30", quota_units=100000),
                        measure("s_a", "surcharge", "*", "vehicle", rate=0.05,
                                start="2025-07-01"),
                        measure("s_b", "surcharge", "GB", "vehicle", rate=0.02,
                                start="2025-07-01")]).assign(pending=False)
    law["start"] = pd.to_datetime(law["start"])
    law["end"] = pd.NaT
    law["quota_units"] = pd.to_numeric(law["quota_units"])
    e = pd.DataFrame([dict(date="2025-07-02", importer="US", origin="GB", goods="vehicle",
                           category="car", usmca=False, customs_value_usd=1000.0,
                           us_content_share=0.0, msrp_usd=0.0, units=10.0)])
    d = duty_for_entries(law, e).iloc[0]
    assert d["surcharge_measure"] == "s_a+s_b"
    assert d["duty_usd"] == pytest.approx(10 * 1000 * (0.10 + 0.05 + 0.02))
