"""Build the plan model once, solve it many times.

A :class:`PlanInstance` is the model of ``build_model`` (the ``define_*`` functions, the one
definition of the model) for one structure - the partners' lanes, plants, tools, options and
covers - handed to ``highspy.Highs`` once through linopy's matrices (no LP file). Its variants
are answered by changing the solver's vectors in place:

- a **coalition** of the partners: every column whose labels name something outside the
  coalition (a lane of another firm's nameplate, an option with a party outside it, ...) is
  fixed at zero; a row left with no free column is dropped (its bounds opened), so another
  firm's demand floor or individual rationality does not bind. Which labels belong to a
  coalition is read per *dimension* (lane, option, cover, tool, company) from the plan inputs,
  so a new ``define_*`` family over these dimensions needs no change here;
- **individual-rationality floors**: the model carries the family with its bounds open; a
  floor sets a row bound;
- **new numbers on the same structure** (scenario overrides: tariffs, FX, demand, capacity,
  option costs): :meth:`PlanInstance.update` takes the variant's plan inputs, rebuilds the
  vectors from the same ``define_*`` code and writes only the entries that changed (column
  bounds, costs, row bounds, matrix coefficients). A different structure is refused
  (:class:`StructureChanged`): build a new instance.

Each solve runs from a cleared solver (no MIP start, basis or incumbent carried from the one
before), so an answer is a function of the current vectors alone; the column values read back
are checked against the objective HiGHS reports. With ``AUTOALLIANCE_CHECK_RESOLVE=1`` (the
CLI's ``--check-resolve``) every solve is also built and solved cold (:func:`check_resolve`)
and a difference beyond 1e-9 relative is an error.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import xarray as xr

from autoalliance.errors import AutoallianceError
from autoalliance.lp import solver_threads
from autoalliance.plan.data import PlanInputs, Settings, build_inputs
from autoalliance.plan.model import FAMILIES, MONEY, build_model
from autoalliance.plan.result import Solution

IR = "individual_rationality"
VARIABLES = tuple(FAMILIES)


_SOLVER_SECONDS = [0.0]


# HiGHS log warnings about the model's numbers: badly scaled, excessive values or ratios,
# coefficients dropped below tolerance
NUMERICAL = re.compile(r"badly scaled|excessively|excessive|ignored|may compromise", re.I)


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def solver_seconds() -> float:
    """Seconds this process has spent in HiGHS ``run`` (every instance and fresh solve)."""
    return _SOLVER_SECONDS[0]


def count_solver(seconds: float) -> None:
    _SOLVER_SECONDS[0] += seconds


class StructureChanged(AutoallianceError):
    """The variant's index sets differ from the instance's: build a new instance."""


class SolverMismatch(AutoallianceError):
    """An answer read back from HiGHS does not hold together (its column values against its
    objective), or an in-place re-solve differs from a cold build (``--check-resolve``)."""


CHECK_RESOLVE = "AUTOALLIANCE_CHECK_RESOLVE"  # environment: check every re-solve against a cold one
RESOLVE_REL = 1e-9  # the oracle's tolerance, relative to the larger value


def checking() -> bool:
    """Whether every in-place solve is also built and solved cold (``AUTOALLIANCE_CHECK_RESOLVE``
    set to anything but empty, 0, false or no; the CLI's ``--check-resolve`` sets it)."""
    return os.environ.get(CHECK_RESOLVE, "").strip().lower() not in ("", "0", "false", "no")


@contextlib.contextmanager
def resolve_checked(on: bool = True):
    """Within the block, every solve is checked against a cold build (sets
    ``AUTOALLIANCE_CHECK_RESOLVE``, so worker processes started inside check too); the
    environment is restored after. ``on`` False leaves it as it is."""
    if not on:
        yield
        return
    saved = os.environ.get(CHECK_RESOLVE)
    os.environ[CHECK_RESOLVE] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(CHECK_RESOLVE, None)
        else:
            os.environ[CHECK_RESOLVE] = saved


@contextlib.contextmanager
def quiet():
    """Silence the solver's banner, which HiGHS writes to file descriptor 1 from C++ (so that
    ``--json`` output stays clean)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)


def index_sets(d: PlanInputs) -> dict[str, pd.Index]:
    """The labels of each model dimension for plan inputs ``d``."""
    return {"lane": d.lanes.index, "fiscal_year": pd.Index(d.years), "tool": d.tools.index,
            "option": d.options.index, "cover": d.covers.index,
            "company": pd.Index(d.companies), "plant": d.plants.index,
            "nm": d.demand.index.get_level_values("nm").unique()}


def members(d: PlanInputs, coalition) -> dict[str, np.ndarray]:
    """Per dimension, which labels of ``d`` a coalition's own plan has (a boolean per label):
    lanes of its nameplates not opened by an option outside it, options (and their covers)
    whose parties are all members, its tools and its companies. A dimension not named here
    (year, plant, ...) is shared by every coalition."""
    s = set(coalition)
    o = d.options
    opt_in = o["kind"].eq("do_nothing") | (o["owner"].isin(s) & o["host"].isin(s))
    lanes = d.lanes
    lane_in = lanes["company"].isin(s) & (lanes["enabler"].ne("option")
                                          | lanes["option"].map(opt_in).eq(True)
                                          .astype(bool))
    cover_in = (d.covers["company"].isin(s)
                & d.covers["option"].map(opt_in).eq(True))
    return {"lane": lane_in.to_numpy(bool), "option": opt_in.to_numpy(bool),
            "cover": cover_in.to_numpy(bool),
            "tool": d.tools["company"].isin(s).to_numpy(bool) if len(d.tools) else
            np.zeros(0, bool),
            "company": np.isin(np.array(d.companies, dtype=object), list(s))}


def same_structure(a: PlanInputs, b: PlanInputs) -> bool:
    """Whether two plan inputs have the same index sets (so the same model columns and rows)."""
    ia, ib = index_sets(a), index_sets(b)
    if list(a.companies) != list(b.companies) or list(a.years) != list(b.years):
        return False
    if any(not ia[k].equals(ib[k]) for k in ia):
        return False
    for f in fields(PlanInputs):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if isinstance(va, pd.DataFrame) and not va.index.equals(vb.index):
            return False
    return a.cover_lanes[["cover", "lane"]].equals(b.cover_lanes[["cover", "lane"]])


@dataclass
class _Vectors:
    lb: np.ndarray
    ub: np.ndarray
    cost: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    A: object  # scipy CSR


def _vectors(m) -> _Vectors:
    M = m.matrices
    lo = np.where(M.sense != "<", M.b, -np.inf)
    hi = np.where(M.sense != ">", M.b, np.inf)
    return _Vectors(M.lb.copy(), M.ub.copy(), np.asarray(M.c, float).copy(), lo, hi,
                    M.A.tocsr())


class PlanInstance:
    """The plan model of one structure, built once, solved for many variants."""

    def __init__(self, d: PlanInputs, settings: Settings | None = None, threads: int = 0,
                 fp=None, check: bool | None = None):
        import highspy

        self.settings = settings or Settings()
        self.d = d
        # the footprint of ``d`` (a weak reference), for the cold builds of the oracle
        self._fp = weakref.ref(fp) if fp is not None else None
        self._check = check
        self.m, self.parts = build_model(d, self.settings.max_lost_share,
                                         {c: 0.0 for c in d.companies})
        M = self.m.matrices
        self._vlabels = M.vlabels
        self._clabels = M.clabels
        self.base = _vectors(self.m)
        self.row_ir = self._rows(IR)
        self.base.row_lo[self.row_ir] = -np.inf  # floors are set per solve
        with quiet():  # the banner goes to file descriptor 1 on the first instance
            h = highspy.Highs()
        # the log goes to a file only, read after each run for HiGHS's numerical warnings
        self.warnings: list[str] = []
        fd, self._log = tempfile.mkstemp(prefix="highs-", suffix=".log")
        os.close(fd)
        weakref.finalize(self, _unlink, self._log)
        h.setOptionValue("output_flag", True)
        h.setOptionValue("log_to_console", False)
        h.setOptionValue("log_file", self._log)
        h.setOptionValue("mip_rel_gap", self.settings.mip_rel_gap)
        h.setOptionValue("time_limit", float(self.settings.time_limit_s))
        h.setOptionValue("threads", int(threads or solver_threads()))
        b = self.base
        n = len(b.lb)
        h.addVars(n, b.lb, b.ub)
        ints = np.flatnonzero(np.isin(M.vtypes, ["B", "I"]))
        if len(ints):
            h.changeColsIntegrality(len(ints), ints.astype(np.int32),
                                    np.ones(len(ints), dtype=np.uint8))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), b.cost)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        A = b.A
        h.addRows(A.shape[0], b.row_lo, b.row_hi, A.nnz, A.indptr, A.indices, A.data)
        self.highs = h
        self._cols = {name: self._positions(self.parts[name]) for name in VARIABLES
                      if self.parts.get(name) is not None}
        self._col_members = self._column_dims()
        self.current = _Vectors(b.lb.copy(), b.ub.copy(), b.cost.copy(), b.row_lo.copy(),
                                b.row_hi.copy(), A)
        self._memo: dict = {}  # (coalition, floors) -> (status, solution) on these numbers
        self.kept: dict = {}  # what callers derive from the solutions (values, tables)
        self.run_seconds = 0.0  # HiGHS run time of every solve so far
        self.solves = 0
        self.lock = threading.RLock()  # one solve at a time (a dashboard serves many sessions)

    @property
    def check(self) -> bool:
        """Whether each solve is compared with a cold build (default: ``checking()``)."""
        return checking() if self._check is None else self._check

    @property
    def fp(self):
        """The footprint the instance's numbers come from, when known and still alive."""
        return self._fp() if self._fp is not None else None

    # -- label maps ---------------------------------------------------------------------------
    def _positions(self, var) -> np.ndarray:
        """Column of each label of ``var`` (-1 where the label is not in the model)."""
        labels = var.labels.values
        pos = np.searchsorted(self._vlabels, labels)
        pos = np.clip(pos, 0, len(self._vlabels) - 1)
        ok = (labels >= 0) & (self._vlabels[pos] == labels)
        return np.where(ok, pos, -1)

    def _rows(self, family: str) -> np.ndarray:
        if family not in self.m.constraints:
            return np.zeros(0, dtype=np.int64)
        labels = self.m.constraints[family].labels.values.ravel()
        labels = labels[labels >= 0]
        return np.searchsorted(self._clabels, labels)

    def _column_dims(self) -> dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]:
        """Per variable family: its columns and, per dimension, the label index of each."""
        out = {}
        for name, var in self.m.variables.items():
            labels = var.labels
            pos = self._positions(var)
            idx = {}
            for k, dim in enumerate(labels.dims):
                shape = [1] * labels.ndim
                shape[k] = labels.shape[k]
                idx[dim] = np.broadcast_to(np.arange(labels.shape[k]).reshape(shape),
                                           labels.shape)
            ok = pos >= 0
            out[name] = (pos[ok], {dim: a[ok] for dim, a in idx.items()},
                         {dim: pd.Index(var.coords[dim].values) for dim in labels.dims})
        return out

    # -- variants -----------------------------------------------------------------------------
    def _coalition_bounds(self, coalition) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column bounds with every column outside the coalition fixed at zero, and the mask of
        rows left with a free column."""
        ub = self.base.ub.copy()
        lb = self.base.lb.copy()
        if coalition is None or set(coalition) >= set(self.d.companies):
            return lb, ub, np.ones(len(self.base.row_lo), bool)
        mem = members(self.d, coalition)
        sets = index_sets(self.d)
        free = np.ones(len(ub), bool)
        for pos, idx, coords in self._col_members.values():
            keep = np.ones(len(pos), bool)
            for dim, k in idx.items():
                if dim in mem:
                    # a label the inputs do not list (-1) is shared by every coalition
                    labels_in = np.append(mem[dim], True)
                    keep &= labels_in[sets[dim].get_indexer(coords[dim])][k]
            free[pos[~keep]] = False
        lb[~free] = 0.0
        ub[~free] = 0.0
        A = self.base.A
        live = np.zeros(A.shape[0], bool)
        nz = A.indices[A.data != 0]
        rows = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))[A.data != 0]
        live[np.unique(rows[free[nz]])] = True
        return lb, ub, live

    def _read_warnings(self) -> None:
        """HiGHS's numerical warnings (badly scaled model, tiny or huge coefficients) from the
        log of the last run, kept once each in ``warnings``; the log is then emptied."""
        try:
            with open(self._log, "r+", errors="replace") as f:
                lines = f.read().splitlines()
                f.seek(0)
                f.truncate()
        except OSError:
            return
        for line in lines:  # numerical ones only (a rejected warm start is not a warning)
            if line.startswith("WARNING:") and NUMERICAL.search(line):
                text = "HiGHS: " + line[len("WARNING:"):].strip()
                if text not in self.warnings:
                    self.warnings.append(text)

    def solve(self, coalition=None, floors: dict[str, float] | None = None,
              warm: bool = True, fixed: dict[str, dict[str, float]] | None = None) \
            -> tuple[str, Solution]:
        """Solve for ``coalition`` (default: every company of the instance) with
        individual-rationality ``floors`` (USD by company; none by default). ``fixed`` holds
        columns of one-dimensional families at a value (``{"option": {name: 1.0}, "tooling":
        {tool: 0.0}}``): a deal's commitments, with the rest re-optimised. ``warm``: answer
        from the kept solution when this variant was solved before on these numbers (False:
        run the solver again). Every run starts from a cleared solver.

        Returns the solver's status (``optimal``, ``infeasible``, ...) and the solution (values
        outside the coalition are zero)."""
        with self.lock:
            return self._solve(coalition, floors, warm, fixed)

    def _fix(self, lb: np.ndarray, ub: np.ndarray, fixed) -> None:
        for family, values in (fixed or {}).items():
            var = self.parts.get(family)
            if var is None or var.ndim != 1:
                raise ValueError(f"cannot fix {family!r}: not a one-dimensional family of "
                                 "the model")
            labels = pd.Index(var.coords[var.dims[0]].values)
            at = labels.get_indexer(list(values))
            if (at < 0).any():
                bad = [k for k, i in zip(values, at) if i < 0]
                raise ValueError(f"cannot fix {family} {bad[0]!r}: not in the model")
            cols = self._cols[family][at]
            v = np.array(list(values.values()), dtype=float)
            ok = cols >= 0
            # a column a coalition fixed at zero stays zero
            lb[cols[ok]] = np.minimum(v[ok], ub[cols[ok]])
            ub[cols[ok]] = lb[cols[ok]]

    def _solve(self, coalition, floors, warm, fixed=None) -> tuple[str, Solution]:
        memo = (None if coalition is None else tuple(sorted(coalition)),
                None if not floors else tuple(sorted(floors.items())),
                None if not fixed else tuple((k, tuple(sorted(v.items())))
                                             for k, v in sorted(fixed.items())))
        if warm and memo in self._memo:  # solved before on these numbers: the same answer
            return self._memo[memo]
        lb, ub, live = self._coalition_bounds(coalition)
        self._fix(lb, ub, fixed)
        lo = np.where(live, self.base.row_lo, -np.inf)
        hi = np.where(live, self.base.row_hi, np.inf)
        if floors:
            comps = list(self.d.companies)
            for c, v in floors.items():
                r = self.row_ir[comps.index(c)]
                if live[r]:
                    lo[r] = v / MONEY
        self._set_bounds(lb, ub, lo, hi)
        status, x = self._run()
        if x is None:
            out = status, None
        else:
            out = status, self._solution(x, float(self.base.cost @ x))
            self._memo[memo] = out
        if self.check:
            check_resolve(self, coalition, floors, out, fixed)
        return out

    def _run(self) -> tuple[str, np.ndarray | None]:
        """One HiGHS run on the current vectors, from a cleared solver: no MIP start, no basis
        and no incumbent carried from the previous solve, so the answer is a function of the
        vectors alone. (A MIP start is what went wrong before: HiGHS 1.16 maps the start into
        its presolved space, where columns presolve fixed can give it a better objective, and
        when no better point is found it returns the *unreduced* start as the solution with the
        reduced objective - a smaller coalition's plan reported optimal.) The column values
        are checked against the objective HiGHS reports."""
        h = self.highs
        h.clearSolver()
        t0 = time.perf_counter()
        with quiet():
            h.run()
        took = time.perf_counter() - t0
        self._read_warnings()
        self.run_seconds += took
        count_solver(took)
        self.solves += 1
        status = _STATUS.get(h.getModelStatus(), str(h.getModelStatus()))
        info = h.getInfo()
        if status not in ("optimal", "time_limit") or info.primal_solution_status != 2:
            return status, None
        x = np.asarray(h.getSolution().col_value)
        reported = float(info.objective_function_value)
        mine = float(self.base.cost @ x)
        if abs(mine - reported) > 1e-9 * max(1.0, abs(reported)):
            raise SolverMismatch(
                f"HiGHS reported an objective of {reported:,.6f} M USD but its column values "
                f"give {mine:,.6f} M USD; the solution read back is not the one it found")
        return status, x

    def forget(self) -> None:
        """Drop the kept answers (the next solves run the solver again)."""
        self._memo.clear()
        self.kept.clear()

    def _set_bounds(self, lb, ub, lo, hi) -> None:
        h, cur = self.highs, self.current
        cols = np.flatnonzero((lb != cur.lb) | (ub != cur.ub))
        if len(cols):
            h.changeColsBounds(len(cols), cols.astype(np.int32), lb[cols], ub[cols])
        rows = np.flatnonzero((lo != cur.row_lo) | (hi != cur.row_hi))
        if len(rows):
            h.changeRowsBounds(len(rows), rows.astype(np.int32), lo[rows], hi[rows])
        cur.lb, cur.ub, cur.row_lo, cur.row_hi = lb, ub, lo, hi

    def update(self, d: PlanInputs, fp=None) -> None:
        """New numbers on the same structure: rebuild the vectors from the ``define_*`` code and
        write the entries that changed into the solver. ``fp``: the variant's footprint (for the
        oracle's cold builds; without it they are built from ``d``)."""
        if not same_structure(self.d, d):
            raise StructureChanged("the variant's lanes, plants, tools, options or covers "
                                   "differ from the built model's; build a new instance")
        m, parts = build_model(d, self.settings.max_lost_share, {c: 0.0 for c in d.companies})
        new = _vectors(m)
        new.row_lo[self.row_ir] = -np.inf
        if len(new.lb) != len(self.base.lb) or new.A.shape != self.base.A.shape:
            raise StructureChanged("the variant's model has other columns or rows")
        h = self.highs
        changed = (new.A - self.base.A).tocoo()  # entries that differ, zeros included
        keep = changed.data != 0
        A1 = new.A.tocsr()
        for r, c in zip(changed.row[keep], changed.col[keep]):
            h.changeCoeff(int(r), int(c), float(A1[r, c]))
        cost = np.flatnonzero(new.cost != self.base.cost)
        if len(cost):
            h.changeColsCost(len(cost), cost.astype(np.int32), new.cost[cost])
        self.base = new
        self.d = d
        self.parts["book"] = parts["book"]  # the accounts on the new numbers
        self._fp = weakref.ref(fp) if fp is not None else None
        self.forget()
        # bounds are written at the next solve (coalition masks apply on top of them)
        self.current.lb = np.full_like(new.lb, np.nan)
        self.current.row_lo = np.full_like(new.row_lo, np.nan)

    # -- solutions ----------------------------------------------------------------------------
    def _solution(self, x: np.ndarray, objective: float) -> Solution:
        def values(name, scale=1.0):
            if name not in self._cols:
                return None
            pos = self._cols[name]
            var = self.parts[name]
            data = np.where(pos >= 0, x[np.maximum(pos, 0)], 0.0) * scale
            return xr.DataArray(data, dims=var.dims,
                                coords={k: var.coords[k].values for k in var.dims})
        return Solution(**{name: values(name, scale) for name, scale in FAMILIES.items()},
                        objective=float(objective), book=self.parts["book"])


_KEPT: list = []  # [(weak reference to the footprint, key, (inputs, instance))]: the last one


def instance_for(fp, companies: list[str], settings: Settings):
    """The plan inputs and built instance of ``companies`` on footprint ``fp``, kept for the last
    footprint asked (so the plan, the sharing game and the report of one input state share one
    model). Returns ``(inputs, instance)``; the instance is None when nothing can be built.
    Tables are treated as immutable; their identities are part of the key. Kept beside the
    footprint, not on it, so a footprint sent to worker processes carries no solver."""
    plan_settings = (settings.horizon, settings.max_lost_share, settings.mip_rel_gap,
                     settings.time_limit_s, settings.solver)  # not the run's stages
    key = (tuple(companies), plan_settings, tuple(id(t) for t in fp.tables.values()))
    if getattr(_WORKER, "on", False):
        return _worker_instance(fp, companies, settings, key, plan_settings)
    with _KEPT_LOCK:
        if _KEPT and _KEPT[0][0]() is fp and _KEPT[0][1] == key:
            return _KEPT[0][2]
    d = build_inputs(fp, list(companies), settings)
    made = (d, PlanInstance(d, settings, fp=fp) if not d.lanes.empty else None)
    with _KEPT_LOCK:
        _KEPT[:] = [(weakref.ref(fp), key, made)]
    return made


_KEPT_LOCK = threading.Lock()
_WORKER = threading.local()  # per thread of a worker: on, and the instance kept across runs


def keep_model_across_runs(on: bool = True) -> None:
    """For a worker that runs one job at a time per thread (pool and Dask workers): from now on
    :func:`instance_for` keeps this thread's last built instance and answers a footprint of the
    same structure (a scenario's or Monte Carlo sample's new numbers) by writing its numbers
    into that instance (:meth:`PlanInstance.update`) instead of building a new one. Answers are
    those of a new build (``tests/scenarios/test_worker_model.py``); an earlier caller's
    ``(inputs, instance)`` pair is not valid after the next run, hence per worker thread only.
    Turning it on when on keeps what is kept; off drops it."""
    if on and getattr(_WORKER, "on", False):
        return
    _WORKER.on = on
    _WORKER.kept = None  # (footprint ref, key, inputs, instance, plan settings)
    _WORKER.stats = {"built": 0, "updated": 0}


def worker_model_stats() -> dict:
    """How many instances this worker thread built and how many runs updated a kept one."""
    return dict(getattr(_WORKER, "stats", {"built": 0, "updated": 0}))


def _worker_instance(fp, companies, settings, key, plan_settings):
    kept = _WORKER.kept  # (footprint ref, key, inputs, instance, plan settings)
    if kept is not None and kept[0]() is fp and kept[1] == key:  # the same footprint again
        return kept[2], kept[3]
    d = build_inputs(fp, list(companies), settings)
    inst = None
    if kept is not None and kept[3] is not None and kept[4] == plan_settings \
            and not d.lanes.empty and same_structure(kept[3].d, d):
        try:
            kept[3].update(d)
            inst = kept[3]
            _WORKER.stats["updated"] += 1
        except StructureChanged:
            inst = None
    if inst is None and not d.lanes.empty:
        inst = PlanInstance(d, settings)
        _WORKER.stats["built"] += 1
    _WORKER.kept = (weakref.ref(fp), key, d, inst, plan_settings)
    return d, inst


def cold_value(inst: PlanInstance, coalition, floors, fixed=None) -> tuple[bool | None, float]:
    """The answer a cold build gives for a variant of ``inst``: whether it has a plan (None:
    stopped at the time limit), and its objective (million USD). Built from the coalition's
    own plan inputs (``build_inputs`` on the instance's footprint) as a new linopy model
    solved by linopy's own HiGHS hand-off; when the footprint is not known, or columns are
    ``fixed`` (a deal's commitments), a new instance of the same inputs solved once, with
    nothing carried from an earlier solve."""
    companies = list(inst.d.companies) if coalition is None else \
        [c for c in inst.d.companies if c in set(coalition)]
    floors = {c: v for c, v in (floors or {}).items() if c in set(companies)}
    fp, s = inst.fp, inst.settings
    if fp is None or fixed:
        status, sol = PlanInstance(inst.d, s, check=False).solve(coalition, floors,
                                                                 fixed=fixed)
        return sol is not None, (sol.objective if sol is not None else float("nan"))
    d = build_inputs(fp, companies, s)
    if d.lanes.empty:  # nothing the coalition can build or sell: no columns, value zero
        return True, 0.0
    m, _ = build_model(d, s.max_lost_share, floors or None)
    with quiet():
        _, cond = m.solve(solver_name="highs", io_api="direct", progress=False,
                          output_flag=False, log_to_console=False, mip_rel_gap=s.mip_rel_gap,
                          time_limit=s.time_limit_s)
    if str(cond) == "time_limit":  # stopped early: nothing to compare against
        return None, float("nan")
    if str(cond) != "optimal":
        return False, float("nan")
    return True, float(m.objective.value)


def check_resolve(inst: PlanInstance, coalition, floors, answer, fixed=None) -> None:
    """The oracle: the in-place ``answer`` (status, solution) for a variant equals a cold
    build's, its objective to ``RESOLVE_REL`` relative; raises :class:`SolverMismatch`."""
    status, sol = answer
    ok, cold = cold_value(inst, coalition, floors, fixed)
    if ok is None or status == "time_limit":
        return
    name = "+".join(inst.d.companies if coalition is None else coalition)
    with_floors = (" with individual-rationality floors" if floors else "") + \
        (" with a deal's columns fixed" if fixed else "")
    if (sol is not None) != ok:
        raise SolverMismatch(
            f"re-solve check: coalition {name}{with_floors} has "
            f"{'a plan' if sol is not None else 'no plan (' + status + ')'} in place but "
            f"{'a plan' if ok else 'no plan'} built cold")
    if sol is None:
        return
    warm = sol.objective
    if abs(warm - cold) > RESOLVE_REL * max(abs(warm), abs(cold), 1e-3):
        raise SolverMismatch(
            f"re-solve check: coalition {name}{with_floors} is worth {warm * MONEY:,.3f} USD "
            f"solved in place but {cold * MONEY:,.3f} USD built and solved cold "
            f"(relative difference {abs(warm - cold) / max(abs(cold), 1e-9):.2e})")


def restrict(sol: Solution, d: PlanInputs) -> Solution:
    """A solution on a bigger structure restricted to the labels of plan inputs ``d``."""
    sets = index_sets(d)

    def cut(a):
        if a is None:
            return None
        sel = {k: sets[k] for k in a.dims if k in sets}
        if any(len(v) == 0 for v in sel.values()):
            return None
        return a.sel({k: list(v) for k, v in sel.items()})
    out = {f.name: cut(getattr(sol, f.name)) if f.name in FAMILIES else getattr(sol, f.name)
           for f in fields(Solution)}
    return Solution(**out)


def _status_map():
    import highspy
    S = highspy.HighsModelStatus
    return {S.kOptimal: "optimal", S.kInfeasible: "infeasible",
            S.kUnboundedOrInfeasible: "infeasible_or_unbounded", S.kUnbounded: "unbounded",
            S.kTimeLimit: "time_limit", S.kIterationLimit: "iteration_limit",
            S.kSolutionLimit: "solution_limit", S.kInterrupt: "interrupt"}


class _LazyStatus(dict):
    def get(self, key, default=None):
        if not self:
            self.update(_status_map())
        return super().get(key, default)


_STATUS = _LazyStatus()
