"""Rules across the collaboration tables (options with nameplates, plants and costs) that the
generic schema checks cannot state. Part of dataset validation, so ``validate`` and
``load_footprint`` agree; the planner relies on them holding."""

from __future__ import annotations

import pandas as pd

from autoalliance.errors import Problem


def text(v) -> str:
    """A cell as stripped text; blank for missing."""
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip()


def split_list(v) -> list[str]:
    """A semicolon-list cell as its items."""
    return [p.strip() for p in text(v).split(";") if p.strip()]


def number(v, default: float = 0.0) -> float:
    """A numeric cell as float; ``default`` for missing."""
    return default if v is None or pd.isna(v) else float(v)


def check_options(t: dict[str, pd.DataFrame], file: str = "options.csv",
                  first_row: int = 2) -> list[Problem]:
    """Every problem of the ``options`` table against nameplates, plants and costs.
    ``file`` and ``first_row`` say where the table came from (for the messages)."""
    problems: list[Problem] = []
    opts = t.get("options")
    if opts is None or opts.empty:
        return problems
    opts = opts.reset_index(drop=True)
    names = set(t["nameplates"]["nameplate"])
    np_company = t["nameplates"].drop_duplicates("nameplate").set_index("nameplate")["company"]
    plants = t["plants"].drop_duplicates("plant").set_index("plant")
    have_costs = set(zip(t["costs"]["nameplate"], t["costs"]["plant"]))
    seen_lanes: dict[tuple[str, str], str] = {}
    for i, r in opts.iterrows():
        def bad(col, msg, row=first_row + int(i)):
            problems.append(Problem(file, row, col, msg))

        kind = r["kind"]
        owner, host = text(r.get("owner")), text(r.get("host"))
        covered = split_list(r.get("nameplates"))
        plant = text(r.get("plant"))
        if kind == "do_nothing":
            continue
        if not owner or not host:
            bad("owner" if not owner else "host", f"a {kind} option needs both owner and host")
        elif owner == host:
            bad("host", "owner and host are the same firm; an option is between two firms")
        if not covered:
            bad("nameplates", f"a {kind} option must name the nameplates it covers")
        for n in covered:
            if n not in names:
                bad("nameplates", f"{n!r} is not a nameplate in nameplates")
            elif kind != "joint_vehicle" and owner and np_company[n] != owner:
                bad("nameplates", f"{n} is sold by {np_company[n]}, not by the owner {owner}")
            elif kind == "joint_vehicle" and np_company[n] not in (owner, host):
                bad("nameplates", f"{n} is sold by {np_company[n]}, neither owner nor host")
        if kind == "contract_build":
            if not plant:
                bad("plant", "a contract_build option must name the host plant")
            elif plant in plants.index:
                if plants.at[plant, "company"] != host:
                    bad("plant", f"{plant} belongs to {plants.at[plant, 'company']}, not the host "
                        f"{host}")
                if plants.at[plant, "kind"] != "vehicle":
                    bad("plant", f"{plant} is a {plants.at[plant, 'kind']} plant, not a vehicle "
                        "plant")
            for n in covered:
                if (n, plant) in seen_lanes:
                    bad("nameplates", f"{n} at {plant} is already opened by option "
                        f"{seen_lanes[(n, plant)]}; a lane opens through one option")
                seen_lanes[(n, plant)] = r["option"]
            for n in covered:
                if n in names and plant and (n, plant) not in have_costs:
                    bad("nameplates", f"no costs row for {n} built at {plant}: add one to costs "
                        "(customs value, variable cost, US content, logistics)")
        fmin, fmax = number(r.get("fee_min_usd")), r.get("fee_max_usd")
        if not pd.isna(fmax) and fmax < fmin:
            bad("fee_max_usd", f"fee_max_usd {fmax:g} is below fee_min_usd {fmin:g}")
        eff = number(r.get("unit_cost_effect_usd"))
        if eff > 0 and kind != "contract_build":
            bad("unit_cost_effect_usd", "a cost increase (positive effect) is only meaningful "
                "for contract_build; state a saving as a negative number")
    return problems
