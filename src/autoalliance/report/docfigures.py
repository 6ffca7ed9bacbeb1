"""Figures quoted in README.md and docs/, produced by the code.

A figure in a Markdown file is written between markers, ``<!-- fig:KEY -->value<!-- /fig -->``
(a table: the markers on lines of their own around it). ``regenerate`` replaces each value with
what the code gives now; ``stale`` lists the markers whose value differs, which the tests fail
on (``tests/report/test_docfigures.py``), so no figure in the docs can drift from the tool.
``make docs`` (``python -m autoalliance.report.docfigures --write``) rewrites the files.

A KEY is ``family.rest``: the family names a provider below (``cal``: calibration, ``bill``:
the bill's lines, ``veh``: imported vehicles by origin, ``sens``: the sensitivity steps,
``plan``: the alliance plan and its scenarios, ``share``: the Shapley game and fee schedule,
``deal``: the recommended deal (the nucleolus split, its reasons' figures and its fees),
``robust``: regret, ``bench``: a value of ``benchmarks/results.json``, written by ``make
bench``). Each provider is computed once per run, only when a file quotes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

import pandas as pd

MARKER = re.compile(r"<!-- fig:(?P<key>[^ >]+) -->(?P<value>.*?)<!-- /fig -->", re.DOTALL)

#: The files whose markers are regenerated and checked, relative to the repository root.
DOCS = ("README.md", "docs/api.md", "docs/new-dataset.md", "benchmarks/RESULTS.md")

NAMES = {"nissan": "Nissan", "honda": "Honda", "mitsubishi": "Mitsubishi"}


class DocFigureError(KeyError):
    """A marker names a figure no provider gives."""


def yen_b(v: float) -> str:
    """Yen in billions as the README writes it: ¥298B, −¥41B."""
    b = round(v / 1e9)
    return f"−¥{-b:,.0f}B" if b < 0 else f"¥{b:,.0f}B"


def usd_m(v: float, digits: int = 0) -> str:
    """USD in millions with thousands separators (18,117; 864.9)."""
    return f"{v / 1e6:,.{digits}f}"


def signed_m(v: float) -> str:
    m = round(v / 1e6)
    return f"+{m:,.0f}" if m >= 0 else f"−{-m:,.0f}"


def _name(company: str) -> str:
    return NAMES.get(company, company.title())


def md_table(header: list[str], rows: Iterable[list[str]]) -> str:
    """A Markdown table (pipes), the markers' block form."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n" + "\n".join(lines) + "\n"


class Figures:
    """Lazily computed results of the bundled dataset (or ``path``), keyed by figure."""

    def __init__(self, path: str | Path | None = None, root: str | Path | None = None):
        self.path = path
        self.root = Path(root) if root else Path(__file__).resolve().parents[3]

    # --- inputs and results, each computed once ---------------------------------------
    @cached_property
    def fp(self):
        from autoalliance.dataset.footprint import load_footprint
        return load_footprint(self.path)

    @cached_property
    def calibration(self) -> pd.DataFrame:
        from autoalliance.trade.calibration import calibrate
        return calibrate(self.fp)

    @cached_property
    def sensitivity(self) -> pd.DataFrame:
        from autoalliance.trade.calibration import sensitivity
        return sensitivity(self.fp)

    @cached_property
    def exposure(self) -> pd.DataFrame:
        from autoalliance.trade.exposure import exposure
        return exposure(self.fp, [self.fp.base_year])

    def plan_of(self, scenario: str | None):
        return self._plans(scenario)

    @cached_property
    def _plan_cache(self) -> dict:
        return {}

    def _plans(self, scenario: str | None):
        if scenario not in self._plan_cache:
            from autoalliance.plan import plan
            self._plan_cache[scenario] = plan(self._scenario_fp(scenario), mode="alliance")
        return self._plan_cache[scenario]

    def _scenario_fp(self, scenario: str | None):
        if scenario is None:
            return self.fp
        from autoalliance.scenarios import apply_scenario
        ss = self.library
        return apply_scenario(self.fp, ss.scenario(scenario), ss.origins)

    @cached_property
    def library(self):
        """The dataset's scenario library (``policy_2026``)."""
        from autoalliance.scenarios import load_scenarios
        return load_scenarios("policy_2026")

    @cached_property
    def shapley(self):
        from autoalliance.sharing.alliance import share
        return share(self.fp, rule="shapley")

    @cached_property
    def robust(self):
        from autoalliance.scenarios.robust import robust_plan
        from autoalliance.settings import Settings
        ss = self.library.subset("tariffs")
        base = ss.base if ss.base in ss.scenarios else ss.scenarios[0]
        return robust_plan(self.fp, ss.scenarios, base=base,
                           settings=Settings(horizon=ss.spec.horizon), origins=ss.origins)

    @cached_property
    def bench_results(self) -> dict:
        return json.loads((self.root / "benchmarks" / "results.json").read_text())

    # --- the families -------------------------------------------------------------------
    def value(self, key: str) -> str:
        family, _, rest = key.partition(".")
        fn: Callable[[str], str] | None = getattr(self, f"_fig_{family}", None)
        if fn is None:
            raise DocFigureError(f"no figure family {family!r} (key {key!r})")
        try:
            return fn(rest)
        except DocFigureError:
            raise
        except (KeyError, IndexError, ValueError) as e:
            raise DocFigureError(f"figure {key!r}: {e}") from e

    def _latest(self) -> pd.DataFrame:
        """Each company's latest full-year figure (quarterly and nine-month ones left out)."""
        c = self.calibration
        year = c["period"].astype(str).str.fullmatch(r"FY\d{4}")
        if "metric" in c:
            year &= c["metric"].eq("tariff_cost")
        c = c[c["latest"].astype(bool) & year].sort_values("as_of")
        return c.drop_duplicates("company", keep="last").set_index("company")

    def _fig_cal(self, rest: str) -> str:
        late = self._latest()
        if rest == "table":
            rows = []
            for co, r in late.reindex([c for c in NAMES if c in late.index]).iterrows():
                scope = (f"{r.out_of_scope_share:.0%}: motorcycles and power products"
                         if r.out_of_scope_share > 0 else "–")
                band = "" if pd.notna(r.tolerance) else "; no band"
                day = pd.Timestamp(r.as_of)
                rows.append([_name(co), f"{yen_b(r.reported_total)} ({day.day} "
                             f"{day:%b %Y}, {r.basis}{band})", scope, yen_b(r.reported),
                             yen_b(r.modelled), f"{r.ratio:.2f}"])
            return md_table(["company", "published (latest, basis)", "not covered",
                             "comparable", "modelled", "ratio"], rows)
        co, field = rest.split(".")
        r = late.loc[co]
        return f"{r[field]:.2f}" if field == "ratio" else yen_b(r[field])

    def _bill(self) -> pd.DataFrame:
        from autoalliance.trade.exposure import exposure_table
        return exposure_table(self.exposure, ["goods"])

    def _fig_bill(self, rest: str) -> str:
        b = self._bill()
        cos = [c for c in ("nissan", "honda") if c in set(b["company"])]
        if rest == "table":
            what = {"vehicle": "imported vehicles (Mexico, Canada, Japan)",
                    "own_part": "imported parts of US-built vehicles the maker imports itself",
                    "supplier_part": "parts its suppliers import, at "
                                     f"{self.fp.companies['supplier_pass_through'].iloc[0]:g} "
                                     "pass-through",
                    "metal": "steel, aluminium, copper outside the auto tariff",
                    "service_part": "replacement parts for dealers, no offset",
                    "offset": "3.75% of MSRP of US-built vehicles, ≤ own parts duty"}
            rows = []
            for line, text in what.items():
                cells = []
                for co in cos:
                    v = b[(b["company"] == co) & (b["goods"] == line)]["tariff_cost_local"]
                    cells.append(yen_b(v.sum()) if len(v) and v.abs().sum() > 0 else "–")
                rows.append([f"`{line}`", text, *cells])
            tot = []
            for co in cos:
                x = b[b["company"] == co]
                net = x["tariff_cost_local"].sum()
                gross = net - x[x["goods"] == "offset"]["tariff_cost_local"].sum()
                tot.append(f"{yen_b(gross)} / {yen_b(net)}")
            rows.append(["**gross / net**", "", *tot])
            return md_table(["line", "what it is", *[_name(c) for c in cos]], rows)
        co, line = rest.split(".")
        v = b[(b["company"] == co) & (b["goods"] == line)]["tariff_cost_local"].sum()
        return yen_b(v)

    def _fig_veh(self, rest: str) -> str:
        """``veh.COMPANY.ORIGIN.units|customs_value|cost``: imported vehicles of FY base."""
        co, origin, field = rest.split(".")
        e = self.exposure
        x = e[(e["company"] == co) & (e["origin"] == origin) & (e["goods"] == "vehicle")]
        if x.empty:
            raise DocFigureError(f"no vehicles of {co} from {origin}")
        units = x["units"].sum()
        if field == "units":
            return f"{units / 1e3:,.0f}k" if units >= 1e4 else f"{units / 1e3:,.1f}k"
        if field == "customs_value":
            return f"~${round(x['customs_value_total_usd'].sum() / units, -2):,.0f}"
        if field == "cost":
            return yen_b(x["tariff_cost_local"].sum() - x["offset_local"].sum())
        raise DocFigureError(f"no vehicle field {field!r}")

    def _fig_sens(self, rest: str) -> str:
        s = self.sensitivity
        if rest.startswith("base."):
            co = rest.split(".")[1]
            return yen_b(s[s["company"] == co]["base"].iloc[0])
        if rest != "table":
            raise DocFigureError(f"no sensitivity figure {rest!r}")
        cos = [c for c in ("nissan", "honda") if c in set(s["company"])]
        order = s[s["company"] == cos[0]].sort_values("swing", ascending=False)["input"]
        rows = []
        for inp in order:
            cells = []
            for co in cos:
                r = s[(s["company"] == co) & (s["input"] == inp)].iloc[0]
                lo, hi = yen_b(r["low"]), yen_b(r["high"])
                cells.append(lo if lo == hi else f"{lo} / {hi}")
            rows.append([inp, *cells])
        return md_table(["assumption, low / high step", *[_name(c) for c in cos]], rows)

    def _fig_plan(self, rest: str) -> str:
        """``plan.table``; ``plan.gain[.SCENARIO]`` (joint, $M, one decimal);
        ``plan.duty_change.COMPANY`` ($M, alliance minus standalone over the horizon)."""
        parts = rest.split(".")
        if parts[0] == "gain":
            res = self._plans(parts[1] if len(parts) > 1 else None)
            return usd_m(res.companies["gain_usd"].sum(), 1)
        res = self._plans(None)
        c = res.companies.set_index("company")
        if parts[0] == "table":
            rows = [[_name(co), usd_m(r.standalone_profit_usd), usd_m(r.profit_usd),
                     signed_m(r.gain_usd)] for co, r in c.iterrows()]
            rows.append(["Joint", usd_m(c["standalone_profit_usd"].sum()),
                         usd_m(c["profit_usd"].sum()), signed_m(c["gain_usd"].sum())])
            lo, hi = res.horizon
            return md_table([f"USD M, FY{lo}–{str(hi)[-2:]}", "standalone", "alliance", "gain"],
                            rows)
        if parts[0] == "util":  # plan.util.PLANT: the highest utilisation over the horizon
            u = res.utilisation
            return f"{u[u['plant'] == parts[1]]['utilisation'].max():.0%}"
        if parts[0] == "first_year":  # plan.first_year.OPTION
            o = res.options.set_index("option")
            return f"FY{int(o.at[parts[1], 'first_year'])}"
        if parts[0] == "options":  # plan.options[.SCENARIO]: options taken, by name
            return self._options_taken(self._plans(parts[1] if len(parts) > 1 else None))
        if parts[0] == "duty_change":
            alone = self._standalone()
            d = alone.companies.set_index("company")["duty_usd"] - c["duty_usd"]
            return f"${d[parts[1]] / 1e6:,.0f}M"
        raise DocFigureError(f"no plan figure {rest!r}")

    def _options_taken(self, res) -> str:
        o = res.options
        taken = o[o["taken"].astype(bool) & (o["kind"] != "do_nothing")]["option"]
        return ", ".join(f"`{x}`" for x in taken) or "none"

    @cached_property
    def _standalone_plan(self):
        from autoalliance.plan import plan
        return plan(self.fp, mode="standalone")

    def _standalone(self):
        return self._standalone_plan

    def _fig_share(self, rest: str) -> str:
        """``share.table``; ``share.v.A+B`` (value $M) and ``share.over.A+B`` (over standalone);
        ``share.epsilon``; ``share.fees`` (the fee sentence)."""
        r = self.shapley
        parts = rest.split(".", 1)
        if parts[0] == "table":
            gain = r.gain
            total = gain.sum()
            rows = [[_name(p), usd_m(r.standalone[p]), usd_m(r.allocation[p]),
                     signed_m(gain[p]), f"{gain[p] / total:.0%}"] for p in r.partners]
            return md_table(["partner", "standalone", "Shapley allocation", "gain",
                             "share of the gain"], rows)
        if parts[0] in ("v", "over"):
            members = parts[1].split("+")
            cv = r.coalition_values.set_index("coalition")["value_usd"]
            key = "+".join(p for p in r.partners if p in members)
            v = cv[key]
            if parts[0] == "v":
                return usd_m(v)
            return usd_m(v - r.standalone[list(members)].sum())
        if parts[0] == "pct":  # share.pct.PARTNER: its share of the gain
            return f"{r.gain[parts[1]] / r.gain.sum():.0%}"
        if parts[0] == "epsilon":
            return f"${r.core_epsilon / 1e6:,.0f}M".replace("$-", "−$")
        if parts[0] == "fees":
            return self._fee_sentence(r)
        raise DocFigureError(f"no sharing figure {rest!r}")

    def _fig_deal(self, rest: str) -> str:
        """The recommended deal (``share``'s first table; computed with the Shapley run):
        ``deal.table``, ``deal.gain.PARTNER`` ($M, one decimal), ``deal.rule``, ``deal.fees``
        (the fee sentence of the schedule that delivers it)."""
        r = self.shapley
        rec = r.recommendation
        parts = rest.split(".", 1)
        if parts[0] == "table":
            t = rec.partners
            rows = [[_name(p), usd_m(t.loc[p, "standalone_usd"]),
                     usd_m(t.loc[p, "allocation_usd"]), signed_m(t.loc[p, "gain_usd"]),
                     usd_m(t.loc[p, "max_core_gain_usd"]),
                     signed_m(t.loc[p, "shapley_gain_usd"])] for p in r.partners]
            return md_table(["partner", "standalone", "nucleolus allocation", "gain",
                             "largest gain in the core", "Shapley gain"], rows)
        if parts[0] == "gain":
            return usd_m(rec.gain[parts[1]], 1)
        if parts[0] == "rule":
            return rec.rule
        if parts[0] == "fees":
            return self._fee_sentence(r, r.recommended_fees)
        raise DocFigureError(f"no deal figure {rest!r}")

    def _fee_sentence(self, r, fees=None) -> str:
        from autoalliance.report.data import labels

        fees = r.fees if fees is None else fees
        opts = self.fp.table("options").set_index("option")
        names = labels(self.fp)
        bits = []
        for f in fees.fees.itertuples():
            o = opts.loc[f.instrument]
            first = str(o["nameplates"]).split(";")[0]
            nameplate = names["nameplate"].get(first, first).split(" ", 1)[-1]
            host = names["plant"].get(o["plant"], o["plant"])
            where = "the top of its range" if abs(f.fee_usd - f.fee_max_usd) < 0.5 else (
                "the bottom of its range" if abs(f.fee_usd - f.fee_min_usd) < 0.5 else
                f"within the ${f.fee_min_usd:,.0f}–{f.fee_max_usd:,.0f} range")
            bits.append(f"{_name(f.payer)} pays {_name(f.payee)} ${f.fee_usd:,.0f} per "
                        f"{nameplate} built at {host} ({f.units:,.0f} units over the "
                        f"horizon; {where})")
        ls = fees.lump_sums
        got, paid = ls[ls["lump_sum_usd"] > 0.5e6], ls[ls["lump_sum_usd"] < -0.5e6]
        for x in paid.itertuples():
            to = " and ".join(_name(p) for p in got["partner"])
            bits.append(f"{_name(x.partner)} pays {to} a ${-x.lump_sum_usd / 1e6:,.0f}M lump "
                        "sum")
        return "; ".join(bits) if bits else "no fees"

    def _fig_robust(self, rest: str) -> str:
        """``robust.COLUMN.SCENARIO`` ($M; COLUMN of ``robust --json``'s scenarios without
        ``_usd``: robust_regret, base_plan_regret, perfect_foresight ...) over the tariffs set."""
        col, scen = rest.split(".")
        s = self.robust.scenarios.set_index("scenario")
        return f"${s.at[scen, f'{col}_usd'] / 1e6:,.0f}M"

    def _fig_bench(self, rest: str) -> str:
        """``bench.a.b.0.c[:FORMAT]``: a value of benchmarks/results.json (``make bench``)."""
        path, _, spec = rest.partition(":")
        v = self.bench_results
        for step in path.split("."):
            v = v[int(step)] if isinstance(v, list) else v[step]
        return format(v, spec) if spec else str(v)


def markers(text: str) -> list[tuple[str, str]]:
    """The (key, value) of each marker in ``text``, in order."""
    return [(m["key"], m["value"]) for m in MARKER.finditer(text)]


def render(text: str, figures: Figures) -> str:
    """``text`` with every marker's value replaced by the figure the code gives."""
    return MARKER.sub(lambda m: f"<!-- fig:{m['key']} -->{figures.value(m['key'])}"
                                "<!-- /fig -->", text)


def stale(text: str, figures: Figures) -> list[tuple[str, str, str]]:
    """(key, in the text, from the code) for each marker whose value differs."""
    return [(k, v, figures.value(k)) for k, v in markers(text) if figures.value(k) != v]


def regenerate(root: str | Path, files: Iterable[str] = DOCS,
               figures: Figures | None = None) -> list[str]:
    """Rewrite each file's markers under ``root``; the files that changed."""
    root = Path(root)
    figures = figures or Figures(root=root)
    changed = []
    for name in files:
        p = root / name
        if not p.exists():
            continue
        old = p.read_text(encoding="utf-8")
        new = render(old, figures)
        if new != old:
            p.write_text(new, encoding="utf-8")
            changed.append(name)
    return changed


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the files (else: check)")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parents[3]))
    a = ap.parse_args(argv)
    figs = Figures(root=a.root)
    if a.write:
        for name in regenerate(a.root, figures=figs):
            print(f"updated {name}")
        return 0
    bad = 0
    for name in DOCS:
        p = Path(a.root) / name
        if p.exists():
            for key, was, now in stale(p.read_text(encoding="utf-8"), figs):
                bad += 1
                print(f"{name}: {key}: {was.strip()!r} -> {now.strip()!r}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
