"""The floor: what HiGHS alone needs for a workload's solves.

``recorded(fn)`` runs ``fn`` with ``highspy.Highs`` replaced by a subclass that keeps, at every
``run``, the model as HiGHS holds it then (``getLp``: costs, bounds, matrix, integrality, sense)
with the options that steer the answer, and the objective it found. ``replay(models)`` is the
raw-highspy loop over the same models: one ``highspy.Highs``, per model ``passModel`` + ``run``
+ read the solution, nothing else. Its objectives must equal the planner's (``check``), so the
floor solves the same problems. ``timed(fn)`` counts HiGHS's own time (``run``) of every solve
of ``fn``, the planner's instance and the small LPs alike, at no cost to the workload.

    python benchmarks/floor.py      # the 7 coalitions of the bundled alliance: planner vs floor
"""

from __future__ import annotations

import contextlib
import json
import time

OPTIONS = ("mip_rel_gap", "time_limit", "threads", "simplex_strategy")


@contextlib.contextmanager
def _patched(cls):
    import highspy

    orig = highspy.Highs
    highspy.Highs = cls
    try:
        yield
    finally:
        highspy.Highs = orig


def _classes():
    import highspy

    class Timed(highspy.Highs):
        seconds = 0.0
        cpu = 0.0
        solves = 0

        def run(self):
            c0, t0 = time.process_time(), time.perf_counter()
            out = super().run()
            Timed.seconds += time.perf_counter() - t0
            Timed.cpu += time.process_time() - c0
            Timed.solves += 1
            return out

    class Recording(highspy.Highs):
        models: list = []

        def run(self):
            lp = self.getLp()
            opts = {k: _value(self.getOptionValue(k)) for k in OPTIONS}
            out = super().run()
            status = self.modelStatusToString(self.getModelStatus())
            obj = self.getInfo().objective_function_value
            Recording.models.append({"lp": lp, "options": opts, "status": status,
                                     "objective": obj})
            return out

    return Timed, Recording


def _value(v):
    return v[1] if isinstance(v, tuple) else v  # some highspy versions return (status, value)


def timed(fn):
    """(result of fn, HiGHS run wall seconds, HiGHS run CPU seconds, solves) over every solve."""
    Timed, _ = _classes()
    with _patched(Timed):
        out = fn()
    return out, Timed.seconds, Timed.cpu, Timed.solves


def recorded(fn) -> list[dict]:
    """Every model HiGHS was asked to solve while ``fn`` ran, in order."""
    _, Recording = _classes()
    with _patched(Recording):
        fn()
    return list(Recording.models)


def replay(models: list[dict], reps: int = 1) -> dict:
    """The raw-highspy loop over ``models`` (best of ``reps``): wall and CPU of the loop, HiGHS
    ``run`` time within it, and the objectives."""
    import highspy

    best = None
    for _ in range(reps):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        objectives, statuses, run_s = [], [], 0.0
        c0, t0 = time.process_time(), time.perf_counter()
        for m in models:
            for k, v in m["options"].items():
                h.setOptionValue(k, v)
            h.passModel(m["lp"])
            r0 = time.perf_counter()
            h.run()
            run_s += time.perf_counter() - r0
            statuses.append(h.modelStatusToString(h.getModelStatus()))
            objectives.append(h.getInfo().objective_function_value)
            h.getSolution()
        got = {"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
               "highs_run_s": run_s, "objectives": objectives, "statuses": statuses,
               "solves": len(models)}
        if best is None or got["wall_s"] < best["wall_s"]:
            best = got
    return best


def check(models: list[dict], floor: dict, rel: float = 1e-6) -> float:
    """Assert the floor's answers equal the planner's (status, and objective within the MIP gap
    the planner asked for); returns the largest relative objective difference."""
    worst = 0.0
    for k, (m, obj, st) in enumerate(zip(models, floor["objectives"], floor["statuses"])):
        assert st == m["status"], f"solve {k}: floor {st}, planner {m['status']}"
        if st != "Optimal":
            continue
        gap = max(rel, float(m["options"].get("mip_rel_gap", 0.0)))
        diff = abs(obj - m["objective"]) / max(1.0, abs(m["objective"]))
        assert diff <= 2 * gap, f"solve {k}: floor {obj}, planner {m['objective']}"
        worst = max(worst, diff)
    return worst


def coalitions() -> dict:
    """The 7 coalitions of the bundled alliance: the planner's answers against the floor's."""
    import itertools

    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.plan import Settings, default_partners
    from autoalliance.plan.instance import instance_for

    fp = load_footprint()
    s = Settings().for_dataset(fp)
    partners = default_partners(fp)
    every = [c for k in range(1, len(partners) + 1) for c in itertools.combinations(partners, k)]

    def solve_all():
        _, inst = instance_for(fp, partners, s)
        return [inst.solve(c)[1].objective for c in every]

    models = recorded(solve_all)
    assert len(models) == len(every) == 7, (len(models), len(every))
    floor = replay(models)
    worst = check(models, floor)
    return {"coalitions": len(every), "max_rel_diff": worst,
            "planner_objectives": [m["objective"] for m in models],
            "floor_wall_s": floor["wall_s"], "floor_highs_run_s": floor["highs_run_s"]}


if __name__ == "__main__":
    print(json.dumps(coalitions()))
