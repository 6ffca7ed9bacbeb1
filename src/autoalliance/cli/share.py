"""``autoalliance share``: split the alliance's gain (Shapley, Nash, least core, nucleolus) and
the fee schedule that delivers it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape

from autoalliance.cli.output import Format


class Rule(StrEnum):
    """Sharing rules (``autoalliance.sharing.recommend.RULES``)."""

    recommended = "recommended"
    shapley = "shapley"
    nash = "nash"
    leastcore = "leastcore"
    nucleolus = "nucleolus"


def register(app: typer.Typer) -> None:
    from autoalliance.cli.output import (
        CheckResolveOpt,
        FormatOpt,
        JsonOpt,
        OutOpt,
        PathArg,
        ScenarioOpt,
        console,
        err_console,
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

    m = lambda v: money(v, 1e6, "")  # noqa: E731

    def _print_split(title: str, rec) -> None:
        t = rec.partners.reset_index()[["partner", "standalone_usd", "allocation_usd",
                                         "gain_usd", "marginal_contribution_usd"]]
        t = t.rename(columns={"standalone_usd": "standalone_$M", "allocation_usd":
                              "allocation_$M", "gain_usd": "gain_$M",
                              "marginal_contribution_usd": "marginal_contribution_$M"})
        console.print(table(title, t, {c: m for c in t.columns if c.endswith("_$M")}))

    def _print_recommended(rec, fees, full: bool) -> None:
        _print_split(f"Recommended deal: the {rec.rule} split (USD millions)", rec)
        console.print(rec.statement, highlight=False)
        core = ("The core is non-empty: no group of partners does better alone under this "
                "split." if rec.in_core else "The core is empty: the split is in the least "
                f"core (the strongest group is short {money(rec.core_epsilon_usd)} USD).")
        console.print(core, highlight=False)
        for why in rec.reasons.values():
            console.print(f"- {why}", highlight=False)
        if fees is not None:
            f = fees.fees
            if len(f):
                console.print(table("Fee schedule that delivers it: per-unit fees (USD a unit); "
                                    "payments over the horizon (USD millions)",
                                    f[["instrument", "payer", "payee", "units", "fee_usd",
                                       "payment_usd"]].rename(columns={
                                           "fee_usd": "fee_$", "payment_usd": "payment_$M"}),
                                    {"units": lambda v: f"{v:,.0f}",
                                     "fee_$": lambda v: f"{v:,.2f}", "payment_$M": m}))
            ls = fees.lump_sums
            if full and len(ls) and ls["lump_sum_usd"].abs().max() > 0.5:
                console.print(table("Lump-sum transfers (received; negative = paid; USD "
                                    "millions)", ls.rename(columns={"lump_sum_usd":
                                                                    "lump_sum_$M"}),
                                    {"lump_sum_$M": m}))
            console.print(fees.message, highlight=False)

    def _print_thresholds(thr) -> None:
        import pandas as pd

        t = thr.table()
        if len(t):
            def val(r):
                if r["lever"].startswith("tariff:"):
                    return f"{r['today']:.1%} -> {r['value']:.1%}"
                if r["lever"] == "demand":
                    return f"{r['value']:.1%} of today's"
                return f"{r['today']:,.1f} -> {r['value']:,.1f}"
            shown = pd.DataFrame({"lever": t["lever"], "partner": t["partner"],
                                  "break_even": t.apply(val, axis=1),
                                  "factor": t["factor"].map(lambda v: f"{v:.4f}"),
                                  "note": t["jump"].map(lambda j: "gain jumps across 0"
                                                        if j else "")})
            console.print(table("Break-even thresholds of the recommended deal (options, "
                                "tooling and fees fixed; production and standalone plans "
                                "re-solved): where each partner's gain crosses zero", shown,
                                {}))
        nf = thr.none_found()
        for r in nf.itertuples(index=False):
            console.print(f"{r.lever}: {r.partner} gains over the whole range searched "
                          f"(factor {r.factor_min:g} to {r.factor_max:g}; smallest gain "
                          f"{money(r.min_gain_usd)} USD).", highlight=False)

    def _share_game(file: Path, rule: str, how, out: Path | None) -> None:
        import pandas as pd

        from autoalliance.sharing import core_violation, in_core, least_core, read_game_json
        from autoalliance.sharing.recommend import recommend, split

        game = read_game_json(file)
        rec = recommend(game)
        alloc, _, applied = split(game, rule)
        standalone = game.standalone()
        who, excess = core_violation(game, alloc.to_dict())
        split_df = pd.DataFrame({"partner": list(game.players),
                                 "standalone_usd": standalone.to_numpy(),
                                 "allocation_usd": alloc.to_numpy(),
                                 "gain_usd": (alloc - standalone).to_numpy()})
        write_tables(out, {"split": split_df, "recommended": rec.partners.reset_index()})
        if how is Format.json:
            print_json({"recommended": rec.to_dict(),
                        "rule": applied if rule != "recommended" else f"{applied} (recommended)",
                        "partners": list(game.players),
                        "allocation": {k: float(v) for k, v in alloc.items()},
                        "standalone": {k: float(v) for k, v in standalone.items()},
                        "gain": {k: float(v) for k, v in (alloc - standalone).items()},
                        "in_core": bool(in_core(game, alloc.to_dict())),
                        "core_epsilon_usd": float(least_core(game).epsilon),
                        "most_violated_coalition": {
                            "coalition": [p for p in game.players if p in who],
                            "excess_usd": float(excess)}})
            return
        if how is Format.csv:
            print_csv(split_df)
            return
        _print_recommended(rec, None, True)
        if rule != "recommended":
            shown = split_df.rename(columns={"standalone_usd": "standalone_$M",
                                             "allocation_usd": "allocation_$M",
                                             "gain_usd": "gain_$M"})
            console.print(table(f"{applied} split of {file.name} (USD millions)", shown,
                                {c: m for c in shown.columns if c.endswith("_$M")}))

    @app.command()
    @handles_errors
    def share(path: Path | None = PathArg,
              rule: Rule = typer.Option(Rule.recommended, "--rule",
                                        help="recommended: the nucleolus (in the core when "
                                        "the core is non-empty, else in the least core); "
                                        "shapley: average marginal value; nash: Nash "
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
              workers: int | None = typer.Option(None, "--workers",
                                                 help="Processes solving coalitions (default: "
                                                 "2, or 1 on one core; more than the cores is "
                                                 "capped at the cores, with a warning)"),
              game_file: Path | None = typer.Option(
                  None, "--game", help="Split a game given as coalition values (a JSON file: "
                  "what share --json writes, or {\"players\", \"values\"}) instead of "
                  "solving the dataset's plans", dir_okay=False),
              with_thresholds: bool = typer.Option(
                  False, "--thresholds", help="Also find, for the recommended deal held fixed, "
                  "the yen rate, each origin's tariff rate and the demand level at which each "
                  "partner's gain crosses zero (re-solves; minutes)", metavar=""),
              lever: list[str] = typer.Option(
                  [], "--lever", help="With --thresholds: only this lever (fx:JPY, "
                  "tariff:JP, demand, ...); repeatable"),
              fmt: Format = FormatOpt, out: Path | None = OutOpt,
              scenario: str | None = ScenarioOpt,
              check_resolve: bool = CheckResolveOpt,
              json_out: bool = JsonOpt):
        """Split the alliance's value fairly and print the fees that deliver the split."""
        import pandas as pd

        from autoalliance.cli.bounds import cores
        from autoalliance.cli.bounds import workers as capped
        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.plan.instance import resolve_checked
        from autoalliance.settings import Settings
        from autoalliance.sharing.alliance import share as run

        workers = min(2, cores()) if workers is None else capped(
            "--workers", workers, lambda m: err_console.print(f"[bold yellow]warning:[/] "
                                                              f"{escape(m)}", highlight=False))
        how = output_mode(fmt, json_out)
        if game_file is not None:
            _share_game(game_file, rule.value, how, out)
            return
        fp = with_scenario(load_footprint(path), scenario)
        who = [p.strip() for p in partners.split(",") if p.strip()] if partners else None
        if lever:
            from autoalliance.scenarios.thresholds import levers

            known = [lv.name for lv in levers(fp, who or list(fp.companies["company"]))]
            bad = [x for x in lever if x not in known]
            if bad:
                raise ValueError(f"--lever: unknown lever {bad[0]!r}; this dataset's levers: "
                                 f"{', '.join(known)}")
        with progress_status("solving every coalition's plan and the split"), \
                resolve_checked(check_resolve):
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
        thr = None
        if with_thresholds:
            from autoalliance.scenarios.deal import deal_from_share
            from autoalliance.scenarios.thresholds import thresholds

            with progress_status("re-solving the fixed deal for break-even thresholds"):
                thr = thresholds(fp, deal_from_share(res),
                                 Settings(horizon=_horizon(horizon)), only=lever or None)
        tables = {"split": alloc, "coalitions": res.coalition_values,
                  "fees": res.fees.fees, "lump_sums": res.fees.lump_sums}
        if thr is not None:
            tables["thresholds"] = thr.table()
        write_tables(out, tables)
        if how is Format.json:
            d = res.to_dict()
            if thr is not None:
                d["thresholds"] = {"tolerance_usd": thr.tolerance_usd,
                                   "found": thr.table().to_dict("records"),
                                   "none_found": thr.none_found().to_dict("records")}
            print_json(d)
            return
        if how is Format.csv:
            print_csv(alloc)
            return
        m = lambda v: money(v, 1e6, "")  # noqa: E731
        if res.recommendation is not None:
            _print_recommended(res.recommendation, res.recommended_fees,
                               rule is Rule.recommended)
            if thr is not None:
                _print_thresholds(thr)
            if rule is Rule.recommended:
                return
            console.rule(f"{rule.value} split (not the recommended one)")
        shown = alloc.rename(columns={"standalone_usd": "standalone_$M",
                                      "allocation_usd": "allocation_$M", "gain_usd": "gain_$M"})
        fmt_ = {c: m for c in ("standalone_$M", "allocation_$M", "gain_$M")}
        fmt_["share_of_gain"] = lambda v: "–" if pd.isna(v) else f"{v:.0%}"
        console.print(table(f"{res.rule} split of the alliance's profit, FY{lo}-FY{hi} "
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
