"""Partners with no option between them: the alliance plan is each firm's standalone plan."""

import pandas as pd
import pytest

from autoalliance.plan import plan
from autoalliance.plan.testing import tiny_alliance, tiny_alliance_tables


def test_alliance_without_options_is_standalone(tmp_path):
    t = tiny_alliance_tables()
    t["options"] = t["options"][t["options"]["kind"].eq("do_nothing")]
    fp = tiny_alliance(tmp_path, options=pd.DataFrame(t["options"]))
    alliance = plan(fp, "alliance", horizon=(2026, 2027), partners=["alpha", "beta"])
    alone = plan(fp, "standalone", horizon=(2026, 2027))
    a = alliance.companies.set_index("company")["profit_usd"]
    s = alone.companies.set_index("company")["profit_usd"]
    assert alliance.mode == "alliance"
    for c in ("alpha", "beta"):
        assert a[c] == pytest.approx(s[c], rel=1e-9)
    do_nothing = set(t["options"]["option"])  # only do_nothing rows are left
    assert set(alliance.options_taken) <= do_nothing
