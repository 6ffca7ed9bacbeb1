"""Fee schedules that implement a target split: hand-worked cases and infeasibility."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoalliance.sharing import FeeInstrument, GameError, fee_schedule


def test_two_partners_by_hand():
    # Honda must hand Nissan 80 USD: 40 engines at 2 USD each.
    out = fee_schedule(
        {"Nissan": 100.0, "Honda": 300.0},
        {"Nissan": 180.0, "Honda": 220.0},
        [("engine build", "Honda", "Nissan", 40, 0.0, 5.0)],
    )
    assert out.feasible
    assert out.message == (
        "Fees within their bounds implement the target split; no lump sum is needed."
    )
    row = out.fees.iloc[0]
    assert row["fee_usd"] == pytest.approx(2.0)
    assert row["payment_usd"] == pytest.approx(80.0)
    assert out.lump_sums["lump_sum_usd"].tolist() == [0.0, 0.0]
    assert out.partners["final_usd"].to_numpy() == pytest.approx([180.0, 220.0])


def test_three_partners_by_hand():
    # Plan (A, B, C) = (100, 200, 300), target 200 each: C pays 100 net, A receives 100.
    # Only route: C -> B on 20 units, B -> A on 25 units.
    # A: 25 f2 = 100 -> f2 = 4 (its cap); B: 20 f1 - 25 f2 = 0 -> f1 = 5.
    out = fee_schedule(
        {"A": 100.0, "B": 200.0, "C": 300.0},
        {"A": 200.0, "B": 200.0, "C": 200.0},
        [
            FeeInstrument("battery cells", "C", "B", 20, 0.0, 10.0),
            FeeInstrument("assembly", "B", "A", 25, 0.0, 4.0),
        ],
    )
    assert out.feasible
    assert out.fees["fee_usd"].to_numpy() == pytest.approx([5.0, 4.0])
    assert out.fees["payment_usd"].to_numpy() == pytest.approx([100.0, 100.0])
    p = out.partners
    assert p["fees_received_usd"].to_numpy() == pytest.approx([100.0, 100.0, 0.0])
    assert p["fees_paid_usd"].to_numpy() == pytest.approx([0.0, 100.0, 100.0])
    assert p["final_usd"].to_numpy() == pytest.approx([200.0, 200.0, 200.0])


CAPPED = (
    {"Nissan": 100.0, "Honda": 300.0},
    {"Nissan": 180.0, "Honda": 220.0},
    [("engine build", "Honda", "Nissan", 40, 0.0, 1.5)],
)


def test_infeasible_within_bounds_says_who_is_short():
    # At most 40 x 1.5 = 60 USD moves: Nissan ends at 160, 20 short of 180.
    out = fee_schedule(*CAPPED)
    assert not out.feasible
    assert out.message == (
        "No fee schedule within the fee bounds reaches the target split and lump sums are "
        "not allowed. With fees as close as the bounds allow, Nissan ends 20.00 USD short "
        "of its target; Honda ends 20.00 USD above its target."
    )
    assert out.fees["fee_usd"].tolist() == [1.5]
    assert out.partners["final_usd"].tolist() == [160.0, 240.0]
    with pytest.raises(GameError) as err:
        out.raise_if_infeasible()
    assert str(err.value) == out.message


def test_lump_sum_closes_the_gap():
    out = fee_schedule(*CAPPED, lump_sum_allowed=True)
    assert out.feasible
    assert out.message == (
        "Fees within their bounds cannot reach the target split alone; lump sums totalling "
        "20.00 USD close the gap: Nissan receives 20.00 USD, Honda pays 20.00 USD."
    )
    assert out.fees["fee_usd"].tolist() == [1.5]  # fees do what they can first
    assert out.lump_sums.set_index("partner")["lump_sum_usd"].to_dict() == {
        "Nissan": 20.0,
        "Honda": -20.0,
    }
    assert out.partners["final_usd"].tolist() == [180.0, 220.0]


def test_input_errors():
    with pytest.raises(GameError) as err:
        fee_schedule({"A": 1.0, "B": 1.0}, {"A": 1.0, "B": 2.0}, [])
    assert str(err.value) == (
        "target allocation sums to 3.00 USD but plan profit sums to 2.00 USD; a split must "
        "hand out exactly the plan total"
    )
    with pytest.raises(GameError, match="instrument 'x': unknown payee 'C'"):
        fee_schedule({"A": 1.0, "B": 1.0}, {"A": 1.0, "B": 1.0}, [("x", "A", "C", 1, 0, 1)])
    with pytest.raises(GameError, match="fee_min_usd 2 exceeds fee_max_usd 1"):
        fee_schedule({"A": 1.0, "B": 1.0}, {"A": 1.0, "B": 1.0}, [("x", "A", "B", 1, 2, 1)])
    with pytest.raises(GameError, match="payer and payee are both 'A'"):
        fee_schedule({"A": 1.0, "B": 1.0}, {"A": 1.0, "B": 1.0}, [("x", "A", "A", 1, 0, 1)])


@st.composite
def reachable_cases(draw):
    n = draw(st.integers(2, 4))
    partners = [f"P{i}" for i in range(n)]
    plan = {p: float(draw(st.integers(-100, 100))) for p in partners}
    instruments, target = [], dict(plan)
    for j in range(draw(st.integers(1, 5))):
        payer, payee = draw(
            st.lists(st.sampled_from(partners), min_size=2, max_size=2, unique=True)
        )
        units = draw(st.integers(0, 50))
        lo = draw(st.integers(0, 10))
        hi = lo + draw(st.integers(0, 10))
        fee = draw(st.integers(lo, hi))
        instruments.append((f"i{j}", payer, payee, units, lo, hi))
        target[payer] -= fee * units
        target[payee] += fee * units
    return plan, target, instruments


@settings(max_examples=50, deadline=None)
@given(reachable_cases())
def test_reachable_targets_are_met_without_lump_sums(case):
    plan, target, instruments = case
    out = fee_schedule(plan, target, instruments)
    assert out.feasible
    f = out.fees
    assert (f["fee_usd"] >= f["fee_min_usd"] - 1e-9).all()
    assert (f["fee_usd"] <= f["fee_max_usd"] + 1e-9).all()
    final = out.partners["final_usd"].to_numpy()
    assert final == pytest.approx(np.array(list(target.values())), abs=1e-6)
