"""Render benchmark results: markdown tables (between the markers of RESULTS.md, or a separate
file for --quick), fitted growth exponents and a log-log plot of time against size."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

START, END = "<!-- tables:start (written by benchmarks/run.py) -->", "<!-- tables:end -->"


def _f(v, fmt="{:.2f}") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return fmt.format(v)


def _slope(xs, ys) -> float | None:
    pts = sorted((x, y) for x, y in zip(xs, ys) if x and y and x > 0 and y > 0)[-3:]
    if len(pts) < 2:  # the three largest sizes: the smallest are fixed costs, not growth
        return None
    lx, ly = np.log10([p[0] for p in pts]), np.log10([p[1] for p in pts])
    return float(np.polyfit(lx, ly, 1)[0])


def _mem(r: dict) -> float:
    """Memory the model itself takes: peak during build, hand-off and solve above the RSS
    after build_inputs (falls back to the whole process's peak)."""
    return max(r.get("model_rss_mib", r["peak_rss_mib"]), 1.0)


def plan_tables(rows: list[dict]) -> tuple[str, dict]:
    ok = [r for r in rows if "error" not in r]
    out = ["### Plan: build and hand-off to HiGHS, linopy (autoalliance) against Pyomo", "",
           "| model | variables | constraints | impl | inputs s | build s | hand-off s | "
           "build+hand-off s | HiGHS s | total s | overhead ratio | peak RSS MiB | "
           "model peak RSS MiB (above inputs) | objective |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in ok:
        bh = r["build"] + r["handoff"]
        out.append(f"| {r['model']} | {r['variables']:,} | {r['constraints']:,} | {r['impl']} | "
                   f"{_f(r['inputs'])} | {_f(r['build'])} | {_f(r['handoff'])} | {_f(bh)} | "
                   f"{_f(r['solve'])} | {_f(r['total'])} | {_f(r['overhead_ratio'])} | "
                   f"{r['peak_rss_mib']:,.0f} | {r.get('model_peak_rss_mib', 0):,.0f} "
                   f"({r.get('model_rss_mib', 0):,.0f}) | {r['objective']:.6g} |")
    for r in rows:
        if "error" in r:
            out.append(f"| {r.get('model')} | N={r.get('nameplates')} | | {r.get('impl', '')} | "
                       f"failed: {r['error']} |")
    out += ["", "Ratios at each size (Pyomo / linopy as shipped, and / linopy with "
            "`io_api='direct'`); objectives equal to 1e-5:", "",
            "| model | variables | build+hand-off Pyomo/linopy | Pyomo/linopy-direct | "
            "model RSS Pyomo/linopy | model RSS Pyomo/linopy-direct | objectives equal |",
            "|---|---|---|---|---|---|---|"]
    fits = {}
    by = {}
    for r in ok:
        by.setdefault((r["model"], r["nameplates"]), {})[r["impl"]] = r
    for (model, _), g in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if {"linopy", "linopy-direct", "pyomo"} <= set(g):
            a, b, p = g["linopy"], g["linopy-direct"], g["pyomo"]
            bh = lambda r: r["build"] + r["handoff"]  # noqa: E731
            objs = [a["objective"], b["objective"], p["objective"]]
            eq = max(objs) - min(objs) <= 1e-5 * max(1.0, abs(objs[0]))
            out.append(f"| {model} | {a['variables']:,} | {_f(bh(p) / bh(a), '{:.1f}x')} | "
                       f"{_f(bh(p) / bh(b), '{:.1f}x')} | "
                       f"{_f(_mem(p) / _mem(a))} | {_f(_mem(p) / _mem(b))} | "
                       f"{'yes' if eq else 'NO'} |")
    for impl in ("linopy", "linopy-direct", "pyomo"):
        rs = [r for r in ok if r["impl"] == impl and r["model"] == "lp"]
        fits[f"plan build+hand-off ({impl})"] = _slope([r["variables"] for r in rs],
                                                       [r["build"] + r["handoff"] for r in rs])
        if impl == "linopy":
            fits["plan inputs (build_inputs)"] = _slope([r["variables"] for r in rs],
                                                        [r["inputs"] for r in rs])
            fits["HiGHS solve (LP)"] = _slope([r["variables"] for r in rs],
                                              [r["solve"] for r in rs])
    return "\n".join(out), fits


def exposure_tables(rows: list[dict]) -> tuple[str, dict]:
    ok = [r for r in rows if "error" not in r]
    out = ["### Exposure throughput: the engine (chunked over flows) against pandas", "",
           "| unit-rows | impl | chunk (unit-rows) | wall s | CPU s | unit-rows/s | "
           "unit-rows x measures / s | peak RSS MiB | RSS before MiB |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in ok:
        out.append(f"| {r['unit_rows']:,.0f} | {r['label']} | {r['chunk']:,.0f} | "
                   f"{_f(r['seconds'])} | {_f(r['cpu_seconds'])} | {r['unit_rows_per_s']:,.0f} "
                   f"| {r['throughput']:,.0f} | {r['peak_rss_mib']:,.0f} | "
                   f"{r['rss_before_mib']:,.0f} |")
    for r in rows:
        if "error" in r:
            out.append(f"| | {r.get('label')} | failed: {r['error']} |")
    out += ["", "Throughput ratio engine / pandas at the sizes both ran (wall clock; CPU time "
            "in brackets); totals equal:", "",
            "| unit-rows | engine / pandas | totals equal |",
            "|---|---|---|"]
    by = {}
    for r in ok:
        by.setdefault(round(math.log10(max(r["unit_rows"], 1)), 0), {})[r["label"]] = r
    for _, g in sorted(by.items()):
        if "pandas" in g and "engine" in g:
            p, e = g["pandas"], g["engine"]
            cpu = lambda a, b: (a["unit_rows"] / a["cpu_seconds"]) / (  # noqa: E731
                b["unit_rows"] / b["cpu_seconds"])
            same = all(abs(x["tariff_cost_usd"] / x["unit_rows"] - p["tariff_cost_usd"]
                           / p["unit_rows"]) < 1e-3 * abs(p["tariff_cost_usd"] / p["unit_rows"])
                       for x in [e] if x["unit_rows"] == p["unit_rows"])
            out.append(f"| {p['unit_rows']:,.0f} | "
                       f"{e['unit_rows_per_s'] / p['unit_rows_per_s']:.0f}x ({cpu(e, p):.0f}x) | "
                       f"{'yes' if same else 'different sizes'} |")
    fits = {}
    for label in ("engine", "pandas"):
        rs = [r for r in ok if r["label"] == label]
        fits[f"exposure time ({label})"] = _slope([r["unit_rows"] for r in rs],
                                                  [r["seconds"] for r in rs])
        fits[f"exposure peak RSS ({label})"] = _slope([r["unit_rows"] for r in rs],
                                                      [r["peak_rss_mib"] for r in rs])
    return "\n".join(out), fits


def sweep_tables(rows: list[dict]) -> str:
    ok = [r for r in rows if "error" not in r]
    out = ["### Sweeps: runs per minute (stages exposure + plan)", "",
           "| workers | runs | seconds | runs/min | failed |", "|---|---|---|---|---|"]
    for r in ok:
        out.append(f"| {r['workers']} | {r['runs']} | {_f(r['seconds'])} | "
                   f"{_f(r['runs_per_min'])} | {r['failed']} |")
    if len(ok) == 2:
        ratio = ok[1]["runs_per_min"] / ok[0]["runs_per_min"]
        out += ["", f"2 workers / 1 worker: **{ratio:.2f}x**"]
    for r in rows:
        if "error" in r:
            out.append(f"\nsweep failed: {r['error']}")
    return "\n".join(out)


def warm_tables(rows: list[dict]) -> str:
    out = ["### Warm-started against cold re-solves (HiGHS run time per scenario)", "",
           "| model | scenarios | cold s | warm s | cold / warm | same objective |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r.get('model')} | failed: {r['error']} |")
            continue
        out.append(f"| {r['model']} ({'MIP start' if r['mip'] else 'basis'}) | {r['scenarios']} "
                   f"| {_f(r['cold_s'], '{:.3f}')} | {_f(r['warm_s'], '{:.3f}')} | "
                   f"{_f(r['speedup'], '{:.1f}x')} | {'yes' if r['same_objective'] else 'NO'} |")
    return "\n".join(out)


def plot(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    ax = axes[0]
    plan = [r for r in res.get("plan", []) if "error" not in r and r["model"] == "lp"]
    for impl, style in (("linopy", "o-"), ("linopy-direct", "s-"), ("pyomo", "^-")):
        rs = sorted([r for r in plan if r["impl"] == impl], key=lambda r: r["variables"])
        if rs:
            ax.loglog([r["variables"] for r in rs], [r["build"] + r["handoff"] for r in rs],
                      style, label=f"build+hand-off {impl}")
    rs = sorted([r for r in plan if r["impl"] == "linopy"], key=lambda r: r["variables"])
    if rs:
        ax.loglog([r["variables"] for r in rs], [r["solve"] for r in rs], "k--",
                  label="HiGHS solve")
        ax.loglog([r["variables"] for r in rs], [r["inputs"] for r in rs], ":", color="grey",
                  label="build_inputs (shared)")
    ax.set_xlabel("variables")
    ax.set_ylabel("seconds")
    ax.set_title("Plan (LP variant)")
    ax.legend(fontsize=8)
    ax = axes[1]
    ex = [r for r in res.get("exposure", []) if "error" not in r]
    for label, style in (("engine", "o-"), ("pandas", "^-")):
        rs = sorted([r for r in ex if r["label"] == label], key=lambda r: r["unit_rows"])
        if rs:
            ax.loglog([r["unit_rows"] for r in rs], [r["seconds"] for r in rs], style,
                      label=label)
    ax.set_xlabel("unit-rows (flow x goods x month)")
    ax.set_ylabel("seconds")
    ax.set_title("Exposure")
    ax.legend(fontsize=8)
    fig.suptitle(f"autoalliance benchmarks ({res['machine']['cpu']}, "
                 f"{res['machine']['cores']} cores, shared)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def workload_tables(w: dict) -> str:
    """The analyst's workload on the bundled dataset against the HiGHS floor (one run of
    ``workload_bench.py``, each workload in a fresh process)."""
    if "error" in w:
        return f"### Workload on the bundled dataset\n\nfailed: {w['error']}"
    load = w.get("load_start", [float("nan")])[0]
    rows = [f"### Workload on the bundled dataset against the HiGHS floor ({w.get('date', '?')}, "
            f"{w.get('machine', '?')}, load average {load:.1f} at the start)", "",
            "Floor = the same models replayed on raw highspy (pass + run + read), answers "
            "asserted equal to the planner's. CPU = process time (all threads).", "",
            "| workload | wall s | CPU s | HiGHS run s | floor wall s | floor CPU s | "
            "wall / HiGHS | wall / floor | CPU / floor CPU | target |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for k in ("plan", "share", "montecarlo", "sweep"):
        r = w.get(k)
        if not r:
            continue
        if "error" in r:
            rows.append(f"| {k} | failed: {r['error']} | | | | | | | | |")
            continue
        per = " (per run)" if "runs" in r else ""
        rows.append(f"| {r['workload']}{per} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | "
                    f"{r['highs_s']:.3f} | {r['floor_s']:.3f} | {r['floor_cpu_s']:.3f} | "
                    f"{r['ratio_highs']:.1f}x | {r['ratio_floor']:.1f}x | "
                    f"{r['cpu_ratio_floor']:.1f}x | <= 3x |")
    c = w.get("cli")
    if c and "error" not in c:
        wl, cp = c["wall_s"], c["cpu_s"]
        rows += ["", f"Command line (median of {c['reps']}, interleaved; reference `python -c "
                 "\"import pandas, numpy, xarray, linopy, highspy\"`):", "",
                 "| command | wall s | CPU s | wall / imports | CPU / imports | target |",
                 "|---|---|---|---|---|---|"]
        for k, t in (("plan", "<= 2x"), ("share", "<= 2.5x"), ("help", "no numeric stack"),
                     ("numpy_highspy", ""), ("imports", "")):
            rows.append(f"| {k} | {wl[k]:.2f} | {cp[k]:.2f} | {wl[k] / wl['imports']:.2f}x | "
                        f"{cp[k] / cp['imports']:.2f}x | {t} |")
        for k in ("importtime_plan", "importtime_share", "importtime_stack"):
            it = c.get(k, {})
            if it:
                top = ", ".join(f"{p} {v:.2f}" for p, v in list(it["top"].items())[:6])
                off = [m for m, on in it["loaded"].items() if on]
                rows.append(f"\n`-X importtime` {k.split('_')[1]}: imports {it['imports_s']:.2f} s"
                            f" ({it['modules']} modules; {top}); loaded of the heavy optional "
                            f"modules: {', '.join(off) or 'none'}.")
    wk = w.get("workers")
    if wk and "error" not in wk:
        rows += ["", "| 1 against 2 workers | 1 worker | 2 workers | 2 / 1 | target |",
                 "|---|---|---|---|---|"]
        s1, s2 = wk["sweep"]
        rows.append(f"| sweep policy_2026, {s1['runs']} runs (exposure + plan) | "
                    f"{s1['runs_per_min']:.1f} runs/min | {s2['runs_per_min']:.1f} runs/min | "
                    f"{wk['sweep_speedup']:.2f}x | >= 1.7x |")
        m1, m2 = wk["montecarlo"]
        rows.append(f"| Monte Carlo, {m1['samples']} samples (exposure + plan + Shapley) | "
                    f"{m1['samples_per_min']:.1f} samples/min | {m2['samples_per_min']:.1f} "
                    f"samples/min | {wk['montecarlo_speedup']:.2f}x | >= 1.7x |")
        rows.append(f"\n1,000 Monte Carlo samples at the 2-worker rate: "
                    f"{wk['montecarlo_1000_min']:.0f} min (target <= 10 min on 2 idle cores).")
    th = w.get("threads")
    if th and "error" not in th:
        a, b = th["threads_1"], th["threads_0"]
        rows.append(f"\nHiGHS threads, `plan(alliance)` (median of {th['reps']} fresh "
                    f"processes): 1 thread {a['wall_s']:.2f} s wall, {a['cpu_s']:.2f} s CPU, "
                    f"HiGHS {a['highs_s']:.3f} s; HiGHS's choice {b['wall_s']:.2f} s wall, "
                    f"{b['cpu_s']:.2f} s CPU, HiGHS {b['highs_s']:.3f} s.")
    db = w.get("dashboard", {})
    if "edit_rerender_s" in db:
        rows.append(f"\nDashboard: an exposure input edit re-rendered in "
                    f"{db['edit_rerender_s']:.2f} s (target <= 1.5 s); \"Plan and share\" "
                    f"{db['plan_and_share_s']:.2f} s (target <= 5 s).")
    return "\n".join(rows)


def render(res: dict, here: Path, quick: bool = False) -> str:
    m = res["machine"]
    parts = [f"Measured {res['started']} ({'--quick' if quick else 'full run'}, "
             f"{res['seconds'] / 60:.1f} min) on {m['cpu']}, {m['cores']} cores, "
             f"{m['memory_gib']} GiB; Python {m['python']}, pandas {m['pandas']}, linopy "
             f"{m['linopy']}, Pyomo {m['pyomo']}, {m['os']}. Load average at start "
             f"{m['load_average']:.2f} (the machine is shared with other work)."
             + (" Sections measured again later in a separate run: "
                + ", ".join(f"{k} ({v})" for k, v in res["rerun"].items()) + "."
                if res.get("rerun") else ""), ""]
    fits = {}
    if "plan" in res:
        t, f = plan_tables(res["plan"])
        parts += [t, ""]
        fits.update(f)
    if "exposure" in res:
        t, f = exposure_tables(res["exposure"])
        parts += [t, ""]
        fits.update(f)
    if "sweeps" in res:
        parts += [sweep_tables(res["sweeps"]), ""]
    if "warm" in res:
        parts += [warm_tables(res["warm"]), ""]
    if "workload" in res:
        parts += [workload_tables(res["workload"]), ""]
    parts += ["### Fitted growth exponents (least-squares slope of log time, or log peak memory, "
              "against log size over the three largest sizes measured)", "",
              "| quantity | exponent |", "|---|---|"]
    parts += [f"| {k} | {_f(v)} |" for k, v in fits.items()]
    text = "\n".join(parts) + "\n"
    png = here / ("time_vs_size-quick.png" if quick else "time_vs_size.png")
    plot(res, png)
    if quick:
        (here / "results-quick.md").write_text(text)
    else:
        md = here / "RESULTS.md"
        body = md.read_text() if md.exists() else f"# Benchmark results\n\n{START}\n{END}\n"
        if START in body and END in body:
            body = body[:body.index(START) + len(START)] + "\n" + text + body[body.index(END):]
        else:
            body += f"\n{START}\n{text}{END}\n"
        md.write_text(body)
    return text
