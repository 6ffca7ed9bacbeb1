"""The bundled pending measures (Section 301 cases, USMCA review) and their branches."""

from __future__ import annotations

import pytest

from autoalliance.dataset.footprint import load_footprint
from autoalliance.scenarios import apply_scenario, load_scenarios
from autoalliance.scenarios.overrides import check_scenarios
from autoalliance.trade import current_flows, exposure, summarise
from autoalliance.trade.measures import in_force

BRANCHES = {"s301_excess_capacity": ({"JP", "KR", "MX"}, None),
            "s301_forced_labour": ({"CA", "MX"}, None),
            "usmca_review": ({"MX", "CA"}, True)}


@pytest.fixture(scope="module")
def fp():
    return load_footprint()


@pytest.fixture(scope="module")
def branches():
    return load_scenarios("pending_2026")


def _bill(f, years):
    s = summarise(exposure(f, years), "company")
    return s.set_index(["company", "fiscal_year"])["tariff_cost_usd"]


def test_pending_rows_change_nothing_without_a_branch(fp):
    m = fp.measures
    assert m["pending"].sum() == 6
    without = fp.replace(measures=m[~m["pending"]])
    assert (_bill(fp, [2026, 2027]) == _bill(without, [2026, 2027])).all()
    assert len(in_force(m)) == len(m) - 6


def test_every_branch_applies_and_the_set_holds_them(fp, branches):
    check_scenarios(fp, branches.scenarios, branches.origins)
    names = {s.name for s in branches.scenarios}
    for case in BRANCHES:
        assert {f"{case}_10", f"{case}_12_5"} <= names


@pytest.mark.parametrize("case", list(BRANCHES))
@pytest.mark.parametrize("tag,rate", [("10", 0.10), ("12_5", 0.125)])
def test_a_branch_adds_its_rate_on_the_vehicles_it_names(fp, branches, case, tag, rate):
    """The vehicle line rises by rate x customs value of the named origins' vehicles entering
    after the branch's start, worked out from today's flows and the costs table (flat months:
    FY2027 is all after 1 Apr 2027; a 1 Jul 2027 start leaves 9 of 12 months)."""
    on = apply_scenario(fp, branches.scenario(f"{case}_{tag}"), branches.origins)
    origins, usmca_only = BRANCHES[case]
    row = on.measures.set_index("measure").loc[f"{case}_vehicles"]
    months = 12 if row["start"].month == 4 else 9
    flows = current_flows(fp, [2027])
    plants = fp.plants.set_index("plant")
    flows = flows.assign(origin=flows["plant"].map(plants["country"]))
    costs = fp.costs.set_index(["nameplate", "plant"])
    idx = list(zip(flows["nameplate"], flows["plant"]))
    flows["cv"] = costs.loc[idx, "customs_value_usd"].to_numpy()
    flows["usmca"] = costs.loc[idx, "usmca_qualifying"].to_numpy()
    hit = flows["origin"].isin(origins) & (flows["usmca"] if usmca_only else True)
    want = rate * (flows["units"] * flows["cv"])[hit].sum() * months / 12

    def vehicles(f):
        r = exposure(f, [2027])
        return r[r["goods"].eq("vehicle")]["added_duty_usd"].sum()
    assert vehicles(on) - vehicles(fp) == pytest.approx(want, rel=1e-9)
    assert want > 1e8  # the branch matters
    # FY2026 (before the chosen start) is untouched
    assert (_bill(on, [2026]) == _bill(fp, [2026])).all()
