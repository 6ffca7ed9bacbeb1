"""``autoalliance share``: split the alliance's gain (Shapley, Nash, least core, nucleolus) and
the fee schedule that delivers it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer


def register(app: typer.Typer) -> None:
    from autoalliance.cli.output import (
        JsonOpt,
        PathArg,
        console,
        handles_errors,
        money,
        print_json,
        table,
    )
    from autoalliance.cli.plan import _horizon

    @app.command()
    @handles_errors
    def share(path: Path | None = PathArg,
              rule: str = typer.Option("shapley", "--rule",
                                       help="shapley | nash | leastcore | nucleolus"),
              partners: str | None = typer.Option(None, "--partners",
                                                  help="Comma list of partners (default: every "
                                                  "company in the dataset)"),
              horizon: str | None = typer.Option(None, "--horizon",
                                                 help="Fiscal years, first-last (default: the "
                                                 "years with demand after the dataset's first)"),
              no_lump_sum: bool = typer.Option(False, "--no-lump-sum",
                                               help="Contracts allow per-unit fees only"),
              workers: int = typer.Option(2, "--workers", help="Processes solving coalitions"),
              json_out: bool = JsonOpt):
        """Split the alliance's value fairly and print the fees that deliver the split."""
        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.settings import Settings
        from autoalliance.sharing.alliance import share as run

        fp = load_footprint(path)
        who = [p.strip() for p in partners.split(",") if p.strip()] if partners else None
        res = run(fp, rule=rule, partners=who, settings=Settings(horizon=_horizon(horizon)),
                  lump_sum_allowed=not no_lump_sum, workers=workers)
        if json_out:
            print_json(res.to_dict())
            return
        lo, hi = (Settings(horizon=_horizon(horizon))).for_dataset(fp).horizon
        alloc = pd.DataFrame({"partner": res.partners,
                              "standalone_usd": res.standalone.to_numpy(),
                              "allocation_usd": res.allocation.to_numpy(),
                              "gain_usd": res.gain.to_numpy()})
        total_gain = alloc["gain_usd"].sum()
        alloc["share_of_gain"] = alloc["gain_usd"] / total_gain if total_gain else float("nan")
        fmt = {c: money for c in ("standalone_usd", "allocation_usd", "gain_usd")}
        fmt["share_of_gain"] = lambda v: "–" if pd.isna(v) else f"{v:.0%}"
        console.print(table(f"{rule} split of the alliance's profit, FY{lo}-FY{hi} "
                            "(USD millions)", alloc, fmt))
        core = "in the core" if res.in_core else "NOT in the core"
        who_, excess = res.most_violated
        console.print(f"The split is {core}: the coalition closest to blocking it is "
                      f"{'+'.join(who_)} (excess {money(excess)} USD; least-core epsilon "
                      f"{money(res.core_epsilon)}).", highlight=False)
        console.print(table("Coalition values (best joint profit of each coalition alone)",
                            res.coalition_values, {"value_usd": money}))
        f = res.fees.fees
        if len(f):
            console.print(table("Fee schedule: per-unit fees within each option's bounds",
                                f, {"units": lambda v: f"{v:,.0f}",
                                    "fee_min_usd": lambda v: f"{v:,.0f}",
                                    "fee_max_usd": lambda v: f"{v:,.0f}",
                                    "fee_usd": lambda v: f"{v:,.2f}",
                                    "payment_usd": money}))
        ls = res.fees.lump_sums
        if len(ls) and ls["lump_sum_usd"].abs().max() > 0.5:
            console.print(table("Lump-sum transfers (received; negative = paid)", ls,
                                {"lump_sum_usd": money}))
        console.print(res.fees.message, highlight=False)
