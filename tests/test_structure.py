"""The package's structure: imports only run down the pipeline, no private name crosses a
package, no ``importlib`` lookup stands in for an import, and every module imports on its own in
a fresh interpreter (circular imports show only there)."""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import autoalliance

SRC = Path(autoalliance.__file__).parent

# The pipeline, bottom up: a module may import its own layer or one below, never one above.
LAYERS = {
    "errors": 0, "encoding": 0, "settings": 0, "lp": 0,
    "dataset": 1, "testing": 1,
    "trade": 2,
    "plan": 3,
    "sharing": 4,
    "scenarios": 5,
    "report": 6,
    "dashboard": 7,
    "cli": 8,
}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for p in sorted(SRC.rglob("*.py")):
        rel = p.relative_to(SRC)
        if rel.parts[0] == "datasets":  # the bundled datasets' build scripts, not the package
            continue
        parts = ("autoalliance",) + rel.with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), p))
    return out


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _imports(module: str, path: Path):
    """(line, imported module, names) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target, [a.name for a in node.names]
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("import_module", "__import__"):
                yield node.lineno, "<dynamic>", []


def test_imports_run_down_the_pipeline_only():
    bad = []
    for module, path in _modules():
        here = _package(module)
        if here is None:  # the package's face (autoalliance/__init__.py)
            continue
        assert here in LAYERS, f"{module}: package {here!r} has no place in LAYERS"
        for line, target, names in _imports(module, path):
            rel = path.relative_to(SRC.parent)
            if target == "<dynamic>":
                bad.append(f"{rel}:{line}: importlib lookup instead of an import")
                continue
            if not target.startswith("autoalliance"):
                continue
            there = _package(target)
            if there is None:  # `from autoalliance import x`: x is the package looked at
                for n in names:
                    if n in LAYERS and LAYERS[n] > LAYERS[here]:
                        bad.append(f"{rel}:{line}: {here} imports {n}, which is above it")
                continue
            if LAYERS.get(there, 99) > LAYERS[here]:
                bad.append(f"{rel}:{line}: {here} imports {target}, which is above it")
            if there != here:
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                private += [p for p in target.split(".") if p.startswith("_")
                            and not p.startswith("__")]
                if private:
                    bad.append(f"{rel}:{line}: private {', '.join(private)} of {there} "
                               f"imported by {here}")
    assert not bad, "\n".join(bad)


def test_every_module_imports_on_its_own_in_a_fresh_interpreter():
    # One interpreter loads the third-party libraries once, then forks a child per module: the
    # child has no autoalliance module loaded, exactly as a fresh interpreter, so a circular
    # import fails there as it would for a user.
    modules = [m for m, _ in _modules() if not m.endswith("__main__")]
    script = textwrap.dedent("""
        import os, sys, traceback
        import numpy, pandas, xarray, linopy, highspy, scipy, duckdb, typer, rich, plotly
        import openpyxl, yaml, pydantic
        failed = []
        for name in sys.argv[1:]:
            pid = os.fork()
            if pid == 0:
                try:
                    __import__(name)
                except BaseException:
                    traceback.print_exc()
                    os._exit(1)
                os._exit(0)
            _, status = os.waitpid(pid, 0)
            if status:
                failed.append(name)
        print("FAILED:" + ",".join(failed))
    """)
    out = subprocess.run([sys.executable, "-c", script, *modules], capture_output=True,
                         text=True, timeout=600)
    assert "FAILED:" in out.stdout, out.stderr[-3000:]
    failed = out.stdout.rsplit("FAILED:", 1)[1].strip()
    assert not failed, f"modules that fail on their own: {failed}\n{out.stderr[-3000:]}"
