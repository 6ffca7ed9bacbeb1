"""``autoalliance share``: split the alliance's gain (Shapley, Nash, least core, nucleolus) and
the fee schedule that delivers it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from autoalliance.cli.output import Format


class Rule(StrEnum):
    """Sharing rules (``autoalliance.sharing.alliance.RULES``)."""

    shapley = "shapley"
    nash = "nash"
    leastcore = "leastcore"
    nucleolus = "nucleolus"


def register(app: typer.Typer) -> None:
    from autoalliance.cli.output import (
        FormatOpt,
        JsonOpt,
        OutOpt,
        PathArg,
        ScenarioOpt,
        console,
        handles_errors,
        money,
        print_csv,
        print_json,
        progress_status,
        table,
        with_scenario,
        write_tables,
    )
    from autoalliance.cli.output import mode as output_mode
    from autoalliance.cli.plan import _horizon

    @app.command()
    @handles_errors
    def share(path: Path | None = PathArg,
              rule: Rule = typer.Option(Rule.shapley, "--rule",
                                        help="shapley: average marginal value; nash: Nash "
                                        "bargaining from standalone; leastcore / nucleolus: "
                                        "the split hardest for any coalition to block"),
              partners: str | None = typer.Option(None, "--partners",
                                                  help="Comma list of partners (default: every "
                                                  "company in the dataset)"),
              horizon: str | None = typer.Option(None, "--horizon",
                                                 help="Fiscal years, first-last (default: the "
                                                 "years with demand after the dataset's first)"),
              no_lump_sum: bool = typer.Option(False, "--no-lump-sum",
                                               help="Contracts allow per-unit fees only",
                                               metavar=""),
              workers: int = typer.Option(2, "--workers", help="Processes solving coalitions"),
              fmt: Format = FormatOpt, out: Path | None = OutOpt,
              scenario: str | None = ScenarioOpt,
              json_out: bool = JsonOpt):
        """Split the alliance's value fairly and print the fees that deliver the split."""
        import pandas as pd

        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.settings import Settings
        from autoalliance.sharing.alliance import share as run

        how = output_mode(fmt, json_out)
        fp = with_scenario(load_footprint(path), scenario)
        who = [p.strip() for p in partners.split(",") if p.strip()] if partners else None
        with progress_status("solving every coalition's plan and the split"):
            res = run(fp, rule=rule.value, partners=who,
                      settings=Settings(horizon=_horizon(horizon)),
                      lump_sum_allowed=not no_lump_sum, workers=workers)
        lo, hi = (Settings(horizon=_horizon(horizon))).for_dataset(fp).horizon
        alloc = pd.DataFrame({"partner": res.partners,
                              "standalone_usd": res.standalone.to_numpy(),
                              "allocation_usd": res.allocation.to_numpy(),
                              "gain_usd": res.gain.to_numpy()})
        total_gain = alloc["gain_usd"].sum()
        alloc["share_of_gain"] = alloc["gain_usd"] / total_gain if total_gain else float("nan")
        write_tables(out, {"split": alloc, "coalitions": res.coalition_values,
                           "fees": res.fees.fees, "lump_sums": res.fees.lump_sums})
        if how is Format.json:
            print_json(res.to_dict())
            return
        if how is Format.csv:
            print_csv(alloc)
            return
        m = lambda v: money(v, 1e6, "")  # noqa: E731
        shown = alloc.rename(columns={"standalone_usd": "standalone_$M",
                                      "allocation_usd": "allocation_$M", "gain_usd": "gain_$M"})
        fmt_ = {c: m for c in ("standalone_$M", "allocation_$M", "gain_$M")}
        fmt_["share_of_gain"] = lambda v: "–" if pd.isna(v) else f"{v:.0%}"
        console.print(table(f"{rule.value} split of the alliance's profit, FY{lo}-FY{hi} "
                            "(USD millions)", shown, fmt_))
        core = "in the core" if res.in_core else "NOT in the core"
        who_, excess = res.most_violated
        console.print(f"The split is {core}: the coalition closest to blocking it is "
                      f"{'+'.join(who_)} (excess {money(excess)} USD; least-core epsilon "
                      f"{money(res.core_epsilon)}).", highlight=False)
        console.print(table("Coalition values (best joint profit of each coalition alone, "
                            "USD millions)", res.coalition_values.rename(
                                columns={"value_usd": "value_$M"}), {"value_$M": m}))
        f = res.fees.fees
        if len(f):
            shown = f.rename(columns={"fee_min_usd": "fee_min_$", "fee_max_usd": "fee_max_$",
                                      "fee_usd": "fee_$", "payment_usd": "payment_$M"})
            console.print(table("Fee schedule: per-unit fees (USD a unit) within each option's "
                                "bounds; payments over the horizon (USD millions)",
                                shown, {"units": lambda v: f"{v:,.0f}",
                                        "fee_min_$": lambda v: f"{v:,.0f}",
                                        "fee_max_$": lambda v: f"{v:,.0f}",
                                        "fee_$": lambda v: f"{v:,.2f}", "payment_$M": m}))
        ls = res.fees.lump_sums
        if len(ls) and ls["lump_sum_usd"].abs().max() > 0.5:
            console.print(table("Lump-sum transfers (received; negative = paid; USD millions)",
                                ls.rename(columns={"lump_sum_usd": "lump_sum_$M"}),
                                {"lump_sum_$M": m}))
        console.print(res.fees.message, highlight=False)
