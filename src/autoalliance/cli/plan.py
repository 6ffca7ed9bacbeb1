"""``autoalliance plan``: standalone or alliance plan over a horizon of fiscal years."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from autoalliance.cli.output import Format


class Mode(StrEnum):
    """Plan for each company alone, or for the alliance (no partner below its standalone)."""

    standalone = "standalone"
    alliance = "alliance"


def _horizon(text: str | None) -> tuple[int, int] | None:
    """``FIRST-LAST`` fiscal years; None (not given) leaves the dataset's default horizon."""
    if text is None:
        return None
    try:
        lo, _, hi = text.partition("-")
        a, b = int(lo), int(hi or lo)
    except ValueError:
        raise typer.BadParameter(f"expected YEAR-YEAR such as 2026-2030, got {text!r}") from None
    if b < a:
        raise typer.BadParameter(f"the horizon {text} ends before it starts")
    from autoalliance.cli.bounds import FISCAL_YEARS, bounded

    for y in (a, b):
        bounded("--horizon", y, *FISCAL_YEARS, "a fiscal year the dataset schemas take")
    return a, b


def option_status(fp):
    """Each option's public status as one cell (``stalled 2026-02-13``; blank when the dataset
    states none): reported, under study, stalled or agreed, and the date of the report."""
    import pandas as pd

    o = fp.table("options")
    status = o["status"].fillna("") if "status" in o else pd.Series("", index=o.index)
    dates = pd.to_datetime(o["status_date"]) if "status_date" in o else \
        pd.Series(pd.NaT, index=o.index)
    cell = [(f"{s.replace('_', ' ')} {d:%Y-%m-%d}" if pd.notna(d) else s.replace("_", " "))
            if s else "" for s, d in zip(status, dates)]
    return pd.DataFrame({"option": o["option"], "status": cell})


def register(app: typer.Typer) -> None:
    from autoalliance.cli.output import (
        CheckResolveOpt,
        FormatOpt,
        JsonOpt,
        KnownOnOpt,
        OutOpt,
        PathArg,
        ScenarioOpt,
        console,
        handles_errors,
        known_on,
        money,
        print_csv,
        print_json,
        print_warnings,
        progress_status,
        records,
        table,
        with_scenario,
        write_tables,
    )
    from autoalliance.cli.output import (
        mode as output_mode,
    )

    @app.command()
    @handles_errors
    def plan(path: Path | None = PathArg,
             mode: Mode = typer.Option(Mode.alliance, "--mode",
                                       help="alliance: every partner at or above its standalone "
                                       "profit; standalone: each company alone"),
             horizon: str | None = typer.Option(None, "--horizon",
                                                help="Fiscal years, first-last, e.g. 2026-2030 "
                                                "(FY2026 = April 2026 to March 2027 for an April "
                                                "year; default: the years with demand after the "
                                                "dataset's first)"),
             partners: str | None = typer.Option(None, "--partners",
                                                    help="Comma list of firms in the alliance "
                                                    "(default: those the options link)"),
             fmt: Format = FormatOpt, out: Path | None = OutOpt,
             scenario: str | None = ScenarioOpt,
             as_known_on: str | None = KnownOnOpt,
             check_resolve: bool = CheckResolveOpt,
             json_out: bool = JsonOpt):
        """Plan production, tooling and collaboration options; alliance mode keeps every partner
        at or above its standalone profit."""
        from autoalliance.dataset.footprint import load_footprint
        from autoalliance.plan import plan as run
        from autoalliance.plan.instance import resolve_checked

        how = output_mode(fmt, json_out)
        fp = known_on(with_scenario(load_footprint(path), scenario), as_known_on)
        who = [p.strip() for p in partners.split(",") if p.strip()] if partners else None
        with progress_status(f"solving the {mode.value} plan"), resolve_checked(check_resolve):
            res = run(fp, mode=mode.value, horizon=_horizon(horizon), partners=who)
        print_warnings(res.warnings)
        from autoalliance.report.landed import landed_cost

        landed = landed_cost(fp, res)
        write_tables(out, {"companies": res.companies, "options": res.options,
                           "tooling": res.tooling, "utilisation": res.utilisation,
                           "moves": res.moves, "landed": landed})
        if how is Format.json:
            print_json(res.to_dict() | {"landed_cost": records(landed)})
            return
        if how is Format.csv:
            print_csv(res.companies)
            return
        lo, hi = res.horizon
        m = lambda v: money(v, 1e6, "")  # noqa: E731
        cols = {"company": "company", "profit_usd": "profit_$M",
                "standalone_profit_usd": "standalone_$M", "gain_usd": "gain_$M",
                "duty_usd": "duty_$M", "fees_paid_usd": "fees_paid_$M",
                "fees_received_usd": "fees_received_$M", "investment_usd": "investment_$M",
                "units_sold": "units_sold", "units_lost": "units_lost"}
        shown = res.companies[list(cols)].rename(columns=cols)
        fmt_ = {c: m for c in shown.columns if c.endswith("_$M")}
        fmt_ |= {c: (lambda v: f"{v:,.0f}") for c in ("units_sold", "units_lost")}
        console.print(table(f"{mode.value} plan FY{lo}-FY{hi}: profit over the horizon (USD "
                            "millions; duty = duty paid after the assembly offset)", shown,
                            fmt_))
        o = res.options
        if len(o):
            o = o.merge(option_status(fp), on="option", how="left")
            shown = o[["option", "kind", "owner", "host", "status", "taken", "first_year",
                       "covered_units", "fees_usd", "charged_to_horizon_usd"]].rename(
                columns={"fees_usd": "fees_$M", "charged_to_horizon_usd": "charged_$M"})
            console.print(table("Options (status = where it stands in public, with the date "
                                "of the latest report; covered units and fees summed over the "
                                "horizon; charged = the share of fixed costs charged to the "
                                "horizon)",
                                shown, {"covered_units": lambda v: f"{v:,.0f}",
                                        "fees_$M": m, "charged_$M": m,
                                        "taken": lambda v: "yes" if v else "no"}))
        t = res.tooling
        if len(t) and t["taken"].any():
            console.print(table("Tooling taken", t[t["taken"].astype(bool)][
                ["company", "plant", "platform", "first_year", "investment_usd"]].rename(
                    columns={"investment_usd": "investment_$M"}), {"investment_$M": m}))
        u = res.utilisation.pivot_table(index=["company", "plant"], columns="fiscal_year",
                                        values="utilisation").reset_index()
        u.columns = [f"FY{c}" if isinstance(c, (int,)) or str(c).isdigit() else str(c)
                     for c in u.columns]
        years = [c for c in u.columns if c.startswith("FY")]
        console.print(table("Plant utilisation (share of capacity)", u,
                            {y: (lambda v: f"{v:.0%}") for y in years}))
        mv = res.moves.groupby(["company", "nameplate", "plant"], as_index=False)[
            ["today_units", "plan_units", "change_units"]].sum()
        mv = mv[mv["change_units"].abs() >= 1].sort_values(["company", "nameplate",
                                                             "change_units"])
        if len(mv):
            console.print(table(f"What moved from today's sourcing (units over FY{lo}-FY{hi})",
                                mv, {c: (lambda v: f"{v:,.0f}") for c in
                                     ("today_units", "plan_units", "change_units")}))
        moved = set(res.moves.loc[res.moves["fiscal_year"] == hi, "nameplate"])
        lc = landed[landed["nameplate"].isin(moved)]
        if len(lc):
            from autoalliance.report.data import labels

            names = labels(fp)
            lc = lc.assign(**{k: lc[k].map(lambda v, k=k: names[k].get(v, v))
                              for k in ("company", "nameplate", "plant")})
            cols = {"case": "case", "company": "company", "nameplate": "nameplate",
                    "plant": "plant", "units": "units", "price_usd": "price",
                    "variable_cost_usd": "variable cost", "logistics_usd": "logistics",
                    "duty_usd": "duty", "offset_usd": "offset", "fees_usd": "fees",
                    "margin_usd": "margin"}
            num = lambda v: f"{v + 0.0:,.0f}"  # noqa: E731
            console.print(table(f"Landed cost of the nameplates that move, FY{hi} (USD a unit: "
                                "price - variable cost - logistics - duty + offset - fees = "
                                "margin)", lc[list(cols)].rename(columns=cols),
                                {c: num for c in list(cols.values())[4:]}))
