"""Scenario commands: ``scenarios`` (check a file), ``sweep``, ``montecarlo``, ``robust``, ``runs``.

Scenario file errors print as ``file, line L, key K: message`` with exit code 2 and nothing
written; an interrupted sweep keeps what finished and exits with 130 (``--resume`` finishes it).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape

from autoalliance.cli.output import (
    CheckResolveOpt,
    Format,
    FormatOpt,
    JsonOpt,
    OutOpt,
    console,
    err_console,
    handles_errors,
    mode,
    money,
    print_csv,
    print_json,
    progress_status,
    records,
    table,
    write_tables,
)


class Objective(StrEnum):
    """What the robust plan maximises over the scenarios."""

    expected = "expected"
    cvar = "cvar"


StoreOpt = typer.Option(None, "--store", help="Results store, a DuckDB file (default: "
                        "$AUTOALLIANCE_STORE or ./runs.duckdb)")
DatasetOpt = typer.Option(None, "--dataset", help="Dataset folder or .xlsx (default: the file's "
                          "`dataset`, else the bundled nissan_honda_2025)")
WorkersOpt = typer.Option(1, "--workers", help="Local worker processes (1 up to the cores; "
                          "more is capped at the cores, with a warning)")
ClusterOpt = typer.Option(None, "--cluster", help="Scheduler address of an existing Dask "
                          "cluster (tcp://HOST:PORT); runs there instead of locally")
ClusterTimeoutOpt = typer.Option(30.0, "--cluster-timeout", metavar="SECONDS",
                                 help="With --cluster: seconds to wait for the connection, and "
                                 "again for the scheduler's first answer (more than 0, at most "
                                 "3600)")


def _workers(n: int) -> int:
    """--workers checked: at least 1, capped at the cores with a warning."""
    from autoalliance.cli.bounds import workers

    return workers("--workers", n, lambda m: err_console.print(
        f"[bold yellow]warning:[/] {escape(m)}", highlight=False))


def _cluster(cluster: str | None, timeout: float):
    """The --cluster address checked (scheme, host, port) and given its timeout; None: local."""
    if cluster is None:
        return None
    from autoalliance.scenarios.cluster import ClusterAddress, check_address, check_timeout

    check_address(cluster)
    return ClusterAddress(cluster, check_timeout(timeout))
ResumeOpt = typer.Option(False, "--resume", metavar="",
                         help="Skip every run the store already holds")
StagesOpt = typer.Option(None, "--stages", help="Comma-separated stages (default: the file's, "
                         "else every stage available)")


def _dataset_for(sset, dataset: Path | None):
    from autoalliance.dataset.footprint import load_footprint

    if dataset is not None:
        return load_footprint(dataset)
    if sset.spec.dataset:
        cand = (sset.path.parent / sset.spec.dataset) if sset.path else Path(sset.spec.dataset)
        return load_footprint(cand if cand.exists() else sset.spec.dataset)
    return load_footprint(None)


DealOpt = typer.Option(False, "--deal", metavar="", help="Evaluate the recommended deal (share's "
                       "options, tooling and fees, fixed today) in each future: per partner "
                       "the probability of ending above standalone, expected gain, 5% worst "
                       "case; and the deal with lump sums re-chosen for the worst partner")


def _settings(sset, stages: str | None):
    from autoalliance.scenarios.sweep import resolve_settings

    chosen = [s.strip() for s in stages.split(",") if s.strip()] if stages else sset.spec.stages
    return resolve_settings(chosen, sset.spec.fiscal_years, sset.spec.horizon)


def _run_sweep(fp, scenarios, store, settings, workers, cluster, resume, json_out, label,
               check=True, scenario_set=None):
    from autoalliance.scenarios.sweep import sweep

    return _with_progress(label, lambda **callbacks: sweep(
        fp, scenarios, store, settings=settings, workers=workers, cluster=cluster,
        resume=resume, check=check, scenario_set=scenario_set, **callbacks))


def _with_progress(label, run):
    """``run(on_start=..., on_result=...)`` with a progress bar on stderr; Ctrl-C ends with the
    runs finished so far written (exit code 130)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from autoalliance.scenarios.sweep import SweepInterrupted

    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                        MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"),
                        TimeElapsedColumn(), TimeRemainingColumn(), console=err_console,
                        transient=False)
    task = progress.add_task(label, total=None, failed=0)

    def on_start(total, skipped):
        progress.update(task, total=total, completed=skipped)

    def on_result(rec):
        progress.advance(task)
        if rec.status != "ok":
            progress.update(task, failed=progress.tasks[0].fields["failed"] + 1)
            progress.console.print(f"[yellow]run {escape(rec.scenario)} failed:[/] "
                                   f"{escape(str(rec.error))}",
                                   highlight=False, markup=True)

    with progress:
        try:
            report = run(on_start=on_start, on_result=on_result)
        except SweepInterrupted as e:
            progress.stop()
            err_console.print(f"[bold yellow]{escape(str(e))}[/]", highlight=False)
            raise typer.Exit(130) from None
    return report


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _comparison(store, scenario_set: str | None, metric: str, keys=None):
    """Latest ok run per scenario: the metric summed over periods, by company."""
    import pandas as pd

    runs = store.runs(scenario_set=scenario_set)
    runs = runs[runs["status"].eq("ok")]
    if keys is not None:
        runs = runs[runs["run_key"].isin(keys)]
    runs = runs.sort_values("finished_at").drop_duplicates(["scenario_set", "scenario"],
                                                            keep="last")
    m = store.metrics(list(runs["run_key"]), metric=metric)
    if m.empty:
        return pd.DataFrame(columns=["scenario_set", "scenario", "company", "metric", "value"])
    return m.groupby(["scenario_set", "scenario", "company", "metric"], as_index=False)[
        "value"].sum()


def _regret_of(store, scenario_set, base, fp):
    """The base plan's regret per scenario, on the set's file and the runs' dataset; refused
    when the file's scenarios are not the ones stored (edited since the sweep)."""
    from autoalliance.report.compare import compare_runs, latest_runs, regret
    from autoalliance.scenarios import load_scenarios
    from autoalliance.settings import Settings

    runs, scenario_set = latest_runs(store, scenario_set)
    if not scenario_set:
        raise ValueError("--regret needs runs of a named scenario set (its file)")
    sset = load_scenarios(scenario_set, dataset=getattr(fp, "source_path", None))
    stored = dict(zip(runs["scenario"], runs["scenario_hash"]))
    chosen = [s for s in sset.scenarios if s.name in stored]
    changed = [s.name for s in chosen if s.content_hash() != stored[s.name]]
    if changed:
        raise ValueError(f"scenario(s) {', '.join(changed)} of {sset.path} changed since they "
                         "were run: sweep the set again before --regret")
    base = base or compare_runs(store, scenario_set).base
    base_sc = next((s for s in chosen if s.name == base), None)
    if base_sc is None:
        raise ValueError(f"base scenario {base!r} is not in {sset.path}")
    with progress_status(f"regret of the {base} plan over {len(chosen)} scenarios"):
        return regret(fp, chosen, base_sc, origins=sset.origins,
                      settings=Settings(horizon=sset.spec.horizon))


def _compare_cmd(store, scenario_set, base, with_regret, how, out, dataset):
    """``runs --compare``: the scenario × KPI grid and the change against the base."""
    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.report.compare import KPIS, compare_runs, latest_runs

    fp = None
    if dataset is not None or with_regret:
        fp = load_footprint(dataset if dataset is not None else
                            latest_runs(store, scenario_set)[0]["dataset"].iloc[0] or None)
    reg = _regret_of(store, scenario_set, base, fp) if with_regret else None
    c = compare_runs(store, scenario_set, base=base, regret=reg, fp=fp)
    opts = c.option_names()
    write_tables(out, {"compare": c.grid, "options": opts})
    if how is Format.csv:
        print_csv(c.grid)
        return
    if how is Format.json:
        print_json(c.to_dict() | {"store": str(store.path)})
        return
    what = f"set {c.scenario_set}" if c.scenario_set else "runs without a set"
    wide = c.wide("value")
    scen = [s for s in c.scenarios if s in wide.columns]

    import pandas as pd

    def shown(frame, signed):
        rows = []
        for r in frame.to_dict(orient="records"):
            row = {"KPI": r["KPI"], "period": r["period"], "company": r["company"]}
            for s in scen:
                v = r[s]
                if v is None or pd.isna(v):
                    row[s] = "–"
                elif r["KPI"] == KPIS["options_taken"][0]:
                    row[s] = f"{v:+,.0f}" if signed else f"{v:,.0f}"
                else:
                    row[s] = f"{v / 1e6:+,.1f}" if signed else f"{v / 1e6:,.1f}"
            rows.append(row)
        return pd.DataFrame(rows, columns=["KPI", "period", "company"] + scen)

    console.print(table(f"Scenarios side by side, {what} (USD millions; options: count)",
                        shown(wide, False), {s: str for s in scen}))
    others = [s for s in scen if s != c.base]
    if others:
        ch = shown(c.wide("change"), True)[["KPI", "period", "company"] + others]
        console.print(table(f"Change against the base scenario {c.base} (USD millions)", ch,
                            {s: str for s in others}))
    if len(opts):
        console.print(table(f"Options taken (added/dropped against {c.base})", opts, {}))


def _deal_risk(fp, futures, sset, how, out, where: str, head: dict) -> None:
    """Print or write the fixed recommended deal over ``futures`` (``--deal``)."""
    from autoalliance.cli.output import (
        Format,
        console,
        money,
        print_csv,
        print_json,
        progress_status,
        table,
        write_tables,
    )
    from autoalliance.scenarios.deal import deal_from_share, deal_risk
    from autoalliance.settings import Settings
    from autoalliance.sharing.alliance import share

    settings = Settings(horizon=sset.spec.horizon)
    with progress_status(f"the recommended deal over {len(futures)} futures"):
        signed = deal_from_share(share(fp, settings=settings))
        risk = deal_risk(fp, signed, futures, settings=settings, origins=sset.origins)
    write_tables(out, {"deal_summary": risk.summary, "deal_outcomes": risk.outcomes})
    if how is Format.json:
        print_json(head | {"deal": risk.to_dict()})
        return
    if how is Format.csv:
        print_csv(risk.summary)
        return
    m = lambda v: money(v, 1e6, "")  # noqa: E731
    shown = risk.summary.rename(columns={"expected_gain_usd": "expected_gain_$M",
                                         "p05_gain_usd": "p05_gain_$M"})
    console.print(table(f"The recommended deal ({signed.rule}) signed today, over {where}: "
                        "options, tooling and fees fixed, production re-planned (USD "
                        "millions)", shown, {"p_gain": lambda v: f"{v:.0%}",
                                             "expected_gain_$M": m, "p05_gain_$M": m}))
    j = risk.joint.set_index("deal")["worst_partner_p_gain"]
    joint = risk.joint.set_index("deal")["expected_joint_gain_usd"]
    console.print(f"Worst partner's probability of gaining: {j['recommended']:.0%} as signed, "
                  f"{j['max_min_probability']:.0%} with lump sums "
                  "re-chosen for it; expected joint gain "
                  f"{money(joint['recommended'])} USD either way "
                  "(lump sums are transfers).", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("scenarios")
    @handles_errors
    def scenarios_cmd(file: str = typer.Argument(..., help="Scenario file (YAML) or the name of "
                                                 "one in the bundled library (policy_2026)"),
                      dataset: Path | None = DatasetOpt, fmt: Format = FormatOpt,
                      out: Path | None = OutOpt, json_out: bool = JsonOpt):
        """Check a scenario file against the schema and the dataset; list its scenarios."""
        import pandas as pd

        from autoalliance.scenarios import check_scenarios, load_scenarios

        sset = load_scenarios(file, dataset=dataset)
        check_scenarios(_dataset_for(sset, dataset), sset.scenarios, sset.origins)
        rows = [{"scenario": s.name, "tables": ", ".join(s.overrides) +
                 (", fx" if s.fx_paths and "fx" not in s.overrides else ""),
                 "description": " ".join(s.description.split()),
                 "hash": s.content_hash()[:12]} for s in sset.scenarios]
        how = mode(fmt, json_out)
        write_tables(out, {"scenarios": pd.DataFrame(rows)})
        if how is Format.csv:
            print_csv(pd.DataFrame(rows))
            return
        if how is Format.json:
            print_json({"set": sset.name, "path": str(sset.path), "valid": True,
                        "scenarios": rows, "sets": sset.spec.sets,
                        "montecarlo": sset.spec.montecarlo is not None})
            return
        console.print(table(f"{sset.name}: {len(rows)} scenario(s), valid", pd.DataFrame(rows),
                            {}))

    @app.command()
    @handles_errors
    def sweep(file: str = typer.Argument(..., help="Scenario file (YAML) or the name of one in "
                                         "the bundled library (policy_2026)"),
              workers: int = WorkersOpt, cluster: str | None = ClusterOpt,
              cluster_timeout: float = ClusterTimeoutOpt, resume: bool = ResumeOpt,
              store: Path | None = StoreOpt,
              dataset: Path | None = DatasetOpt, stages: str | None = StagesOpt,
              subset: str | None = typer.Option(None, "--set", help="Run only a named set "
                                                   "of the file (its `sets`)"),
              check_resolve: bool = CheckResolveOpt,
              json_out: bool = JsonOpt):
        """Run a scenario set locally (--workers) or on a Dask cluster (--cluster); each run is
        written to the store as it finishes; --resume recomputes nothing already stored."""
        from autoalliance.scenarios import load_scenarios
        from autoalliance.scenarios.store import Store

        cluster = _cluster(cluster, cluster_timeout)
        workers = _workers(workers)
        sset = load_scenarios(file, dataset=dataset)
        if subset:
            sset = sset.subset(subset)
        fp = _dataset_for(sset, dataset)
        st = Store(store)
        from autoalliance.plan.instance import resolve_checked

        with resolve_checked(check_resolve):
            report = _run_sweep(fp, sset, st, _settings(sset, stages), workers, cluster,
                                resume, json_out, f"sweep {sset.name}")
        all_failed = report.failed > 0 and report.failed >= report.total - report.skipped
        if json_out:
            out = report.to_dict()
            out["store"] = str(st.path)
            out["runs"] = records(st.runs(sweep_id=report.sweep_id).drop(
                columns=["settings", "params"]))
            out["warnings"] = ([f"every run failed ({report.failed} of {report.total})"]
                               if all_failed else [])
            print_json(out)
        else:
            rate = f" ({report.runs_per_minute:.1f} runs/min)" if report.written else ""
            console.print(f"[green]{report.written} run(s) written[/], {report.skipped} already "
                          f"in the store, {report.failed} failed; {report.seconds:.1f} s{rate} "
                          f"-> {st.path}", highlight=False)
        if all_failed:  # nothing to look at: say so with the exit code
            err_console.print(f"[bold red]error:[/] every run of the sweep failed "
                              f"({report.failed} of {report.total}); see the messages above or "
                              "`autoalliance runs`", highlight=False)
            raise typer.Exit(1)

    @app.command()
    @handles_errors
    def runs(store: Path | None = StoreOpt,
             scenario_set: str | None = typer.Option(None, "--set", help="Only this set"),
             metric: str = typer.Option("tariff_cost_usd", "--metric", help="Metric compared "
                                        "across scenarios (summed over periods)"),
             limit: int = typer.Option(50, "--limit", help="Most runs listed (1 to 1,000,000)"),
             compare: bool = typer.Option(False, "--compare", metavar="",
                                          help="The scenarios of one set side by side: tariff "
                                          "cost per company and fiscal year, profit, alliance "
                                          "gain, each partner's share, options taken, with "
                                          "the change against --base"),
             base: str | None = typer.Option(None, "--base", help="--compare: the scenario "
                                             "changes are taken against (default: the set's "
                                             "base, else the scenario run first)"),
             with_regret: bool = typer.Option(False, "--regret", metavar="",
                                              help="--compare: also the regret of the base "
                                              "plan per scenario (solves the set's two-stage "
                                              "plans: slow; needs the set's file)"),
             dataset: Path | None = typer.Option(None, "--dataset", help="--compare: the "
                                                 "dataset the runs used, for its names and "
                                                 "--regret (default: theirs by name)"),
             fmt: Format = FormatOpt, out: Path | None = OutOpt,
             json_out: bool = JsonOpt):
        """List the runs in the store and compare a metric across scenarios by company
        (--compare: the scenario × KPI grid against a base scenario)."""
        import pandas as pd

        from autoalliance.cli.bounds import MAX_LIMIT, bounded
        from autoalliance.scenarios.store import Store

        bounded("--limit", limit, 1, MAX_LIMIT)
        st = Store(store)
        if not st.path.exists():
            raise ValueError(f"no results store at {st.path} (run `autoalliance sweep` first)")
        if compare or base or with_regret:
            _compare_cmd(st, scenario_set, base, with_regret, mode(fmt, json_out), out, dataset)
            return
        r = st.runs(scenario_set=scenario_set)
        cmp_ = _comparison(st, scenario_set, metric)
        how = mode(fmt, json_out)
        write_tables(out, {"runs": r.drop(columns=["params"]).head(limit), "compare": cmp_})
        if how is Format.csv:
            print_csv(r.drop(columns=["params"]).head(limit))
            return
        if how is Format.json:
            shown = r.drop(columns=["params"]).head(limit).copy()
            for c in ("settings", "timings"):
                shown[c] = shown[c].map(lambda v: json.loads(v) if v else None)
            print_json({"store": str(st.path), "total": len(r), "runs": records(shown),
                        "compare": records(cmp_)})
            return
        cols = ["scenario_set", "scenario", "status", "seconds", "stages", "dataset_hash",
                "code_version", "finished"]
        if r["status"].ne("ok").any():
            cols.append("error")
        shown = r.head(limit).assign(
            dataset_hash=r["dataset_hash"].str[:8],
            finished=pd.to_datetime(r["finished_at"]).dt.strftime("%m-%d %H:%M:%S"),
            error=r["error"].fillna(""))[cols]
        console.print(table(f"Runs in {st.path} ({len(r)} in all, newest first)", shown,
                            {"seconds": lambda v: f"{v:.2f}"}))
        if not cmp_.empty:
            piv = cmp_.pivot_table(index=["scenario_set", "scenario"], columns="company",
                                   values="value", aggfunc="sum").reset_index()
            piv.columns.name = None
            fmt_ = {c: money for c in piv.columns if c not in ("scenario_set", "scenario")}
            console.print(table(f"{metric} by scenario and company (latest run of each; summed "
                                "over periods; USD in millions)", piv, fmt_))

    @app.command()
    @handles_errors
    def montecarlo(file: str = typer.Argument(..., help="Scenario file with a `montecarlo` "
                                              "section (policy_2026)"),
                   samples: int | None = typer.Option(None, "--samples",
                                                      help="Number of sampled futures, 1 to "
                                                      "100,000 (default: the file's)"),
                   seed: int | None = typer.Option(None, "--seed", help="Random seed: the same "
                                                   "seed draws the same futures; 0 to 10^18 "
                                                   "(default: the file's)"),
                   workers: int = WorkersOpt, cluster: str | None = ClusterOpt,
                   cluster_timeout: float = ClusterTimeoutOpt, resume: bool = ResumeOpt,
                   store: Path | None = StoreOpt,
                   dataset: Path | None = DatasetOpt, stages: str | None = StagesOpt,
                   deal: bool = DealOpt,
                   fmt: Format = FormatOpt, out: Path | None = OutOpt,
                   check_resolve: bool = CheckResolveOpt,
                   json_out: bool = JsonOpt):
        """Sample futures (tariff regime by quarter, FX random walk, demand) and report each
        company's duty, profit and alliance gain as quantiles; runs go to the store. With
        --deal: the recommended deal signed today, evaluated in each future."""
        from autoalliance.cli.bounds import bounded
        from autoalliance.scenarios import load_scenarios
        from autoalliance.scenarios.montecarlo import montecarlo_label, run_montecarlo
        from autoalliance.scenarios.spec import MAX_SAMPLES, MAX_SEED
        from autoalliance.scenarios.store import Store

        bounded("--samples", samples, 1, MAX_SAMPLES, "as montecarlo.samples in a scenario file")
        bounded("--seed", seed, 0, MAX_SEED, "as montecarlo.seed in a scenario file")
        cluster = _cluster(cluster, cluster_timeout)
        workers = _workers(workers)
        sset = load_scenarios(file, dataset=dataset)
        if sset.spec.montecarlo is None:
            raise ValueError(f"{sset.path} has no montecarlo section")
        mc = sset.spec.montecarlo
        mc = mc.model_copy(update={k: v for k, v in (("samples", samples), ("seed", seed))
                                   if v is not None})
        fp = _dataset_for(sset, dataset)
        label = montecarlo_label(sset, mc)
        if deal:
            from autoalliance.scenarios.montecarlo import sample_scenarios

            _deal_risk(fp, sample_scenarios(fp, sset, mc), sset, mode(fmt, json_out), out,
                       f"{mc.samples} Monte Carlo samples, seed {mc.seed}",
                       {"scenario_set": label, "samples": mc.samples, "seed": mc.seed})
            return

        def estimate(per, remaining):
            eta = per * remaining / max(1, workers)
            err_console.print(f"one sample took {per:.1f} s: the other {remaining} on "
                              f"{workers} worker(s) should take about {_duration(eta)}",
                              highlight=False)

        from autoalliance.plan.instance import resolve_checked

        with resolve_checked(check_resolve):
            res = _with_progress(f"monte carlo {sset.name}", lambda **callbacks: run_montecarlo(
                fp, sset, mc, store=Store(store), settings=_settings(sset, stages),
                workers=workers, cluster=cluster, resume=resume, on_estimate=estimate,
                **callbacks))
        report, q, p = res.report, res.quantiles, res.p_beats_standalone
        how = mode(fmt, json_out)
        write_tables(out, {"quantiles": q, "p_alliance": p})
        if how is Format.csv:
            print_csv(q)
            return
        if how is Format.json:
            print_json({"scenario_set": label, "samples": mc.samples, "seed": mc.seed,
                        "sweep": report.to_dict() | {"run_keys": None},
                        "quantiles": records(q), "p_alliance_beats_standalone": records(p)})
            return
        shown = q[q["metric"].isin(["tariff_cost_usd", "duty_usd", "profit_usd",
                                    "alliance_gain_usd"])]
        fmt = {c: money for c in ["mean", "p05", "p25", "p50", "p75", "p95"]}
        console.print(table(f"Monte Carlo, {mc.samples} samples, seed {mc.seed} (USD in "
                            "millions)", shown.drop(columns=["n"]), fmt))
        if len(p):
            console.print(table("Probability the alliance beats standalone", p,
                                {"p_beats_standalone": lambda v: f"{v:.0%}"}))

    @app.command()
    @handles_errors
    def robust(file: str = typer.Argument(..., help="Scenario file (YAML) or the name of one in "
                                          "the bundled library (policy_2026)"),
               subset: str | None = typer.Option(None, "--set", help="Plan over a named set "
                                                    "of the file (its `sets`)"),
               objective: Objective = typer.Option(Objective.expected, "--objective",
                                                   help="expected: joint profit weighted by "
                                                   "probability; cvar: the mean of the worst "
                                                   "--tail"),
               tail: float = typer.Option(0.2, "--tail", help="CVaR: share of probability in "
                                          "the worst tail (0.2 = worst 20%)"),
               dataset: Path | None = DatasetOpt, deal: bool = DealOpt,
               fmt: Format = FormatOpt,
               out: Path | None = OutOpt, json_out: bool = JsonOpt):
        """Two-stage plan (tooling and options now, volumes per scenario) over a scenario set,
        compared with the plan optimised for the base scenario; regret per scenario. With
        --deal: the recommended deal signed today, evaluated in each scenario."""
        import math

        from autoalliance.scenarios import load_scenarios
        from autoalliance.scenarios.robust import robust_plan
        from autoalliance.settings import Settings

        if not (math.isfinite(tail) and 0 < tail <= 1):
            from autoalliance.cli.bounds import FlagError, exact

            raise FlagError(f"--tail {exact(tail)} must be more than 0 and at most 1 (the "
                            "share of probability in the worst tail)")
        sset = load_scenarios(file, dataset=dataset)
        if subset:
            sset = sset.subset(subset)
        fp = _dataset_for(sset, dataset)
        if deal:
            _deal_risk(fp, sset.scenarios, sset, mode(fmt, json_out), out,
                       f"the {len(sset.scenarios)} scenarios of {sset.name} (equally likely)",
                       {"scenario_set": sset.name})
            return
        base = sset.base if sset.base in sset.scenarios else sset.scenarios[0]
        with progress_status(f"two-stage plan over {len(sset.scenarios)} scenarios"):
            res = robust_plan(fp, sset.scenarios, base=base, objective=objective.value,
                              tail=tail, settings=Settings(horizon=sset.spec.horizon),
                              origins=sset.origins)
        how = mode(fmt, json_out)
        write_tables(out, {"companies": res.companies, "scenarios": res.scenarios,
                           "choices": res.choices})
        if how is Format.json:
            print_json(res.to_dict())
            return
        if how is Format.csv:
            print_csv(res.companies)
            return
        m = lambda v: money(v, 1e6, "")  # noqa: E731

        def in_millions(frame):
            cols = {c: c.removesuffix("_usd") + "_$M" for c in frame.columns
                    if c.endswith("_usd")}
            return frame.rename(columns=cols), {c: m for c in cols.values()}

        shown, fmt_ = in_millions(res.companies)
        console.print(table(f"Robust plan ({objective.value}) over {sset.name}: expected profit "
                            "by company (USD millions)", shown, fmt_))
        shown, fmt_ = in_millions(res.scenarios)
        fmt_["probability"] = lambda v: f"{v:.2f}"
        console.print(table(f"Joint profit and regret by scenario; base plan = optimised for "
                            f"{base.name} (USD millions)", shown, fmt_))
        console.print(table("First-stage choices", res.choices, {}))
        if not res.base_ir_holds:
            console.print("[yellow]the base-case plan's choices leave a partner below its "
                          "standalone expected profit; evaluated without that constraint[/]")
