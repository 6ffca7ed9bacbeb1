"""Scenario files: YAML read with node marks, validated by pydantic, errors with file, line, key.

A scenario file holds either one scenario (top-level ``name`` and ``overrides``) or a scenario set
(``scenarios``, ``include`` and run settings; optionally a ``montecarlo`` section). Every error
names the file, the line of the YAML node and the key path (``overrides.measures.set[0].where``);
nothing runs until the whole file is valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from autoalliance.dataset.files import MAX_ROWS, MAX_SCENARIO_BYTES, FileRefused, read_bounded
from autoalliance.dataset.schema import schemas
from autoalliance.errors import AutoallianceError

BUNDLED_DIR = Path(__file__).resolve().parents[1] / "datasets"
NAME_PATTERN = r"^[A-Za-z0-9_.:#@+-]+$"

Cell = str | int | float | bool | dt.date | None

# bounds on work (RELIABILITY.md): checked on the YAML events before anything is built
MAX_YAML_DEPTH = 40  # nested mappings and lists (a scenario file needs 7)
MAX_YAML_ALIASES = 1_000  # *alias references in one file
MAX_YAML_NODES = 1_000_000  # values in the document with every alias expanded
MAX_INCLUDE_DEPTH = 8  # a file including a file including ...
MAX_INCLUDE_FILES = 200  # files read for one scenario set
MAX_LIST = 10_000  # values in a ``where`` list, operations of one kind in a table override
MAX_SCENARIOS = 10_000  # scenarios in one set
MAX_SAMPLES = 100_000  # Monte Carlo samples (each one is a run)
MAX_WHOLE = 10**18  # a whole number beyond this is refused (a float would lose its digits)
MAX_SEED = MAX_WHOLE  # Monte Carlo seed: 0 to this (numpy's SeedSequence takes no negative)
MAX_QUARTERS = 400  # Monte Carlo quarters


FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)  # as a dataset's dates


def _dates_in_range(values: dict) -> dict:
    """Refuse a date a dataset cannot hold (validation.FIRST_DATE..LAST_DATE), naming the
    column, before pandas fails on it ("Cannot cast ... to unit='ns'")."""
    for k, v in values.items():
        for d in (v if isinstance(v, list) else [v]):
            if isinstance(d, dt.date) and not FIRST_DATE <= d <= LAST_DATE:
                raise ValueError(f"{k}: {d:%Y-%m-%d} is outside {FIRST_DATE:%Y-%m-%d} to "
                                 f"{LAST_DATE:%Y-%m-%d}, the dates a dataset holds")
    return values


def _many(item, limit: int = MAX_LIST):
    return Annotated[list[item], Field(max_length=limit)]
TableName = Literal[tuple(schemas())]  # type: ignore[valid-type]  (the tables, from schema/)


@dataclass(frozen=True, order=True)
class ScenarioProblem:
    """One problem in a scenario file: where (file, line, key) and what."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f", line {self.line}"
        if self.key:
            where += f", key {self.key}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "key": self.key, "message": self.message}


class ScenarioError(AutoallianceError):
    """A scenario file (or an override it makes) is invalid; ``problems`` lists every one."""

    def __init__(self, problems: list[ScenarioProblem]):
        self.problems = sorted(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the scenario file:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


# ---------------------------------------------------------------- the schema (pydantic models)

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SetOp(_Model):
    """Set columns of the rows matching ``where`` (all rows when ``where`` is empty)."""

    where: dict[str, Cell | _many(Cell)] = Field(default_factory=dict)
    values: dict[str, Cell]

    _dates = field_validator("where", "values")(classmethod(lambda cls, v: _dates_in_range(v)))


class ScaleOp(_Model):
    """Multiply a numeric column of the matching rows by ``factor`` (0.9 = 10% less)."""

    where: dict[str, Cell | _many(Cell)] = Field(default_factory=dict)
    column: str
    factor: float = Field(ge=0)

    _dates = field_validator("where")(classmethod(lambda cls, v: _dates_in_range(v)))


class TableOverride(_Model):
    """Changes to one table, applied in this order: replace, remove, set, scale, add.

    ``where`` selects rows by column values (a list means any of them); a key that is not a
    column of the table but of a table it references (``segment`` or ``powertrain`` for
    ``demand``, through ``nameplate``) selects through that reference.
    """

    replace: _many(dict[str, Cell], MAX_ROWS) | None = None
    remove: _many(dict[str, Cell | _many(Cell)]) = Field(default_factory=list)
    set: _many(SetOp) = Field(default_factory=list)
    scale: _many(ScaleOp) = Field(default_factory=list)
    add: _many(dict[str, Cell], MAX_ROWS) = Field(default_factory=list)

    @field_validator("replace", "remove", "add")
    @classmethod
    def _row_dates(cls, v):
        for i, row in enumerate(v or []):
            try:
                _dates_in_range(row)
            except ValueError as e:
                raise ValueError(f"row {i + 1}, {e}") from None
        return v


class FxPath(_Model):
    """A path of one currency's rate to the USD: from each date on, ``per_usd`` units a dollar
    (until the next point; the last holds to the end of the dataset's rates)."""

    currency: str
    points: dict[dt.date, float] = Field(max_length=MAX_LIST)

    @field_validator("points")
    @classmethod
    def _positive(cls, v: dict[dt.date, float]) -> dict[dt.date, float]:
        if not v:
            raise ValueError("give at least one date: rate point")
        _dates_in_range({"date": list(v)})
        for d, r in v.items():
            if not r > 0:
                raise ValueError(f"rate on {d} must be greater than 0, got {r}")
        return dict(sorted(v.items()))


class Scenario(_Model):
    """One future: overrides of the dataset's tables and FX paths."""

    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    source: str = ""
    assumption: str = ""
    overrides: dict[TableName, TableOverride] = Field(default_factory=dict)
    fx_paths: _many(FxPath) = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)  # what generated it (Monte Carlo draws)

    @field_validator("overrides")
    @classmethod
    def _known_tables(cls, v: dict[str, TableOverride]) -> dict[str, TableOverride]:
        known = schemas()
        for table, ov in v.items():
            cols = set(known[table].column_names)
            rows = list(ov.replace or []) + list(ov.add)
            for row in rows:
                bad = set(row) - cols
                if bad:
                    raise ValueError(f"{table}: {sorted(bad)} not columns of {table} "
                                     f"(columns: {', '.join(known[table].column_names)})")
            for op in ov.set:
                bad = set(op.values) - cols
                if bad:
                    raise ValueError(f"{table}: cannot set {sorted(bad)}: not columns of {table}")
            for op in ov.scale:
                if op.column not in cols:
                    raise ValueError(f"{table}: cannot scale {op.column!r}: not a column")
                typ = known[table].column(op.column)["type"]
                if typ not in ("int", "float"):
                    raise ValueError(f"{table}: cannot scale {op.column!r}: a {typ} column")
        return v

    def content_hash(self) -> str:
        """SHA-256 of what changes the inputs (overrides and FX paths), not of the name or text."""
        body = self.model_dump(mode="json", include={"overrides", "fx_paths"},
                               exclude_defaults=True)
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()


class RegimeSpec(_Model):
    """The tariff regime as a Markov chain by quarter over named measure sets (scenarios)."""

    states: list[str] = Field(min_length=1)
    initial: str | dict[str, float]
    transition: dict[str, dict[str, float]]

    @model_validator(mode="after")
    def _stochastic(self) -> RegimeSpec:
        states = set(self.states)
        init = {self.initial: 1.0} if isinstance(self.initial, str) else self.initial
        for name in list(init) + list(self.transition):
            if name not in states:
                raise ValueError(f"{name!r} is not one of the states {self.states}")
        if abs(sum(init.values()) - 1) > 1e-9:
            raise ValueError("initial probabilities must sum to 1")
        for s in self.states:
            row = self.transition.get(s)
            if row is None:
                raise ValueError(f"transition has no row for state {s!r}")
            for t, p in row.items():
                if t not in states:
                    raise ValueError(f"transition {s!r} -> {t!r}: {t!r} is not a state")
                if p < 0:
                    raise ValueError(f"transition {s!r} -> {t!r}: probability {p} < 0")
            if abs(sum(row.values()) - 1) > 1e-9:
                raise ValueError(f"transition row {s!r} sums to {sum(row.values()):g}, not 1")
        return self


class FxWalk(_Model):
    """A currency's rate as a random walk in logs by quarter."""

    currency: str
    start: float | None = Field(default=None, gt=0)  # per USD at the start; None: the dataset's
    drift: float = 0.0  # mean log change a quarter
    volatility: float = Field(default=0.05, ge=0)  # s.d. of the log change a quarter


class DemandNoise(_Model):
    """Demand multipliers, lognormal with mean 1, one draw per group of nameplates."""

    by: Literal["segment", "powertrain", "company", "nameplate", "category"] = "segment"
    sigma: float = Field(default=0.1, ge=0)


class MonteCarloSpec(_Model):
    samples: int = Field(default=100, ge=1, le=MAX_SAMPLES)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    start: dt.date | None = Field(default=None, ge=FIRST_DATE, le=LAST_DATE)  # None: the
    # first day of the dataset's default horizon
    quarters: int = Field(default=8, ge=1, le=MAX_QUARTERS)
    regime: RegimeSpec | None = None
    fx: list[FxWalk] = Field(default_factory=list)
    demand: DemandNoise | None = None


Stage = Literal["exposure", "plan"]
# a fiscal year inside the range the dataset schemas accept (demand and sourcing years)
FiscalYear = Annotated[int, Field(ge=2000, le=2100)]


class ScenarioFile(_Model):
    """A scenario set: scenarios written here or included from other files, and run settings."""

    set: str | None = Field(default=None, pattern=NAME_PATTERN)
    description: str = ""
    dataset: str | None = None
    stages: list[str] | None = None  # None: every stage available
    fiscal_years: list[FiscalYear] | None = None  # exposure; None: every year with demand
    horizon: tuple[FiscalYear, FiscalYear] | None = None  # plan; None: the dataset's default
    base: str | None = None  # the scenario robust planning and comparisons start from
    include: _many(str, MAX_INCLUDE_FILES) = Field(default_factory=list)
    scenarios: _many(Scenario, MAX_SCENARIOS) = Field(default_factory=list)
    sets: dict[str, _many(str, MAX_SCENARIOS)] = Field(default_factory=dict)
    montecarlo: MonteCarloSpec | None = None


# ---------------------------------------------------------------- reading with marks

@dataclass
class ScenarioSet:
    """What a scenario file resolves to: the scenarios (includes read) and run settings."""

    name: str
    path: Path | None
    scenarios: list[Scenario]
    origins: dict[str, str] = field(default_factory=dict)  # scenario -> "file, line L"
    spec: ScenarioFile = field(default_factory=ScenarioFile)

    def scenario(self, name: str) -> Scenario:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise ScenarioError([ScenarioProblem(str(self.path or self.name), 0, "",
                                             f"no scenario named {name!r} (have: "
                                             f"{', '.join(s.name for s in self.scenarios)})")])

    def subset(self, set_name: str) -> ScenarioSet:
        names = self.spec.sets.get(set_name)
        if names is None:
            raise ScenarioError([ScenarioProblem(str(self.path), 0, "sets",
                                                 f"no set named {set_name!r}")])
        return ScenarioSet(f"{self.name}/{set_name}", self.path,
                           [self.scenario(n) for n in names], self.origins, self.spec)

    @property
    def base(self) -> Scenario:
        return self.scenario(self.spec.base) if self.spec.base else self.scenarios[0]


def _loc_key(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _marks(node, path=(), out=None) -> dict[tuple, int]:
    """Line (1-based) of every node of a composed YAML document, by key path."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[path + (key,)] = k.start_mark.line + 1
            if isinstance(v, (yaml.MappingNode, yaml.SequenceNode)):
                _marks(v, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out[path + (i,)] = v.start_mark.line + 1
            if isinstance(v, (yaml.MappingNode, yaml.SequenceNode)):
                _marks(v, path + (i,), out)
    return out


def _duplicate_keys(node, path=()) -> list[tuple[int, str, str]]:
    """(line, key, message) of every key given twice in one mapping (YAML keeps the last one
    silently). Merge keys (``<<``) are not duplicates."""
    out = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value != "<<":
                line = k.start_mark.line + 1
                if k.value in first:
                    out.append((line, _loc_key(path + (k.value,)), f"key {k.value!r} appears "
                                f"more than once (also line {first[k.value]})"))
                else:
                    first[k.value] = line
            out += _duplicate_keys(v, path + (k.value if isinstance(k, yaml.ScalarNode) else "?",))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out += _duplicate_keys(v, path + (i,))
    return out


def _line_of(marks: dict[tuple, int], loc: tuple) -> int:
    loc = tuple(loc)
    while loc and loc not in marks:
        loc = loc[:-1]
    return marks.get(loc, 0)


def _scan_events(text: str, label: str) -> None:
    """Refuse a document nested deeper than MAX_YAML_DEPTH or with more than MAX_YAML_ALIASES
    aliases, from the parser's events (iterative: no recursion, nothing built yet)."""
    depth = aliases = 0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml when there: 10x
    try:
        while True:
            try:
                if not loader.check_event():
                    break
                ev = loader.get_event()
            except yaml.YAMLError:
                return  # the full read below reports it, with its line
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise ScenarioError([ScenarioProblem(
                        label, ev.start_mark.line + 1, "", f"nested more than "
                        f"{MAX_YAML_DEPTH} levels deep; a scenario file needs far fewer")])
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(ev, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    raise ScenarioError([ScenarioProblem(
                        label, ev.start_mark.line + 1, "", f"more than {MAX_YAML_ALIASES:,} "
                        f"aliases (*name)")])
    finally:
        loader.dispose()


def _expanded_size(node) -> int:
    """Values in the document with every alias expanded, counted without expanding (shared
    nodes are counted once and multiplied), so an alias bomb is measured in linear time."""
    memo: dict[int, int] = {}
    order, stack = [], [node]
    while stack:  # children before parents
        n = stack.pop()
        if id(n) in memo:
            continue
        memo[id(n)] = -1
        order.append(n)
        if isinstance(n, yaml.MappingNode):
            stack.extend(x for kv in n.value for x in kv)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
    for n in reversed(order):
        if isinstance(n, yaml.MappingNode):
            kids = [x for kv in n.value for x in kv]
        elif isinstance(n, yaml.SequenceNode):
            kids = n.value
        else:
            kids = []
        memo[id(n)] = min(1 + sum(memo[id(k)] for k in kids), 10 * MAX_YAML_NODES)
    return memo[id(node)]


def _big_numbers(data, path=()) -> list[tuple]:
    """Key paths of whole numbers beyond MAX_WHOLE (YAML reads 400 digits as one int)."""
    out = []
    stack = [(data, path)]
    while stack:
        v, at = stack.pop()
        if isinstance(v, bool):
            continue
        if isinstance(v, int) and abs(v) > MAX_WHOLE:
            out.append(at)
        elif isinstance(v, dict):
            stack.extend((x, at + (k,)) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((x, at + (i,)) for i, x in enumerate(v))
    return out


def _read_yaml(path: Path) -> tuple[Any, dict[tuple, int]]:
    label = str(path)
    try:
        raw = read_bounded(path, MAX_SCENARIO_BYTES, "scenario file")
    except FileRefused as e:
        msg = "no such scenario file" if e.reason == "no such file" else e.reason
        raise ScenarioError([ScenarioProblem(label, 0, "", msg)]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError([ScenarioProblem(label, 0, "", f"not UTF-8 text: {e.reason}")]) \
            from None
    try:
        _scan_events(text, label)
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None and _expanded_size(node) > MAX_YAML_NODES:
                raise ScenarioError([ScenarioProblem(
                    label, 0, "", f"expands to more than {MAX_YAML_NODES:,} values (aliases "
                    f"repeated inside aliases)")])
            dupes = _duplicate_keys(node) if node is not None else []
            if dupes:
                raise ScenarioError([ScenarioProblem(label, *d) for d in dupes])
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        raise ScenarioError([ScenarioProblem(label, line, "", f"not valid YAML: {e.problem}")]) \
            from None
    except yaml.YAMLError as e:  # the reader's: a character YAML does not allow
        pos = getattr(e, "position", None)
        line = text[:pos].count("\n") + 1 if isinstance(pos, int) else 0
        what = getattr(e, "reason", None) or str(e)
        raise ScenarioError([ScenarioProblem(label, line, "", f"not valid YAML: {what}")]) \
            from None
    if node is None:
        raise ScenarioError([ScenarioProblem(label, 0, "", "the file is empty")])
    marks = _marks(node)
    big = _big_numbers(data)
    if big:
        raise ScenarioError([ScenarioProblem(label, _line_of(marks, at), _loc_key(at),
                                             "a whole number of more than 18 digits; write "
                                             "it as a decimal (1.0e20) if you mean it")
                             for at in big])
    return data, marks


def _problems(err: ValidationError, label: str, marks: dict[tuple, int],
              prefix: tuple = ()) -> list[ScenarioProblem]:
    out = []
    errors = err.errors()
    def bare(loc) -> tuple:
        return tuple(p for p in loc if not (isinstance(p, str) and "[" in p))

    too_long = {bare(e["loc"]) for e in errors if e["type"] == "too_long"}
    for e in errors:
        loc = bare(e["loc"])
        if e["type"] != "too_long" and any(loc[:n] in too_long for n in range(len(loc))):
            continue  # a list over its bound: its union members' complaints are noise
        loc = prefix + tuple(p for p in e["loc"] if not (isinstance(p, str) and p in
                                                           ("function-after", "tagged-union")))
        # pydantic adds the union member's type name to the loc; drop names that are no key
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif e["type"] == "literal_error":
            msg = f"{e['input']!r} is not allowed: {msg}"
        out.append(ScenarioProblem(label, _line_of(marks, loc), _loc_key(loc), msg))
    return out


def resolve_scenario_path(arg: str | Path, dataset: str | None = None) -> Path:
    """A scenario file argument: a path; or the name of a file in the bundled dataset's
    ``scenarios`` folder (``policy_2026`` -> ``datasets/nissan_honda_2025/scenarios/
    policy_2026.yaml``)."""
    p = Path(arg)
    if p.exists():
        return p
    from autoalliance.dataset.footprint import DEFAULT_DATASET

    folder = BUNDLED_DIR / (dataset or DEFAULT_DATASET) / "scenarios"
    for cand in (folder / str(arg), folder / f"{arg}.yaml"):
        if cand.exists() and "/" not in str(arg):
            return cand
    return p


def _dataset_folder(dataset: str | Path | None) -> Path | None:
    """The folder of the dataset given on the command line (a workbook's folder), or of the
    bundled default when none is given; None when it cannot be resolved."""
    from autoalliance.dataset.footprint import dataset_path

    try:
        p = dataset_path(None if dataset in (None, "") else str(dataset)).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    return p if p.is_dir() else p.parent


@dataclass
class _Reading:
    """What one load_scenarios call has read so far: the folders includes may come from,
    the files read (bounded by MAX_INCLUDE_FILES)."""

    roots: tuple[Path, ...]
    files: int = 0


def load_scenarios(path: str | Path, _seen: tuple = (), _reading: _Reading | None = None,
                   dataset: str | Path | None = None) -> ScenarioSet:
    """Read and validate a scenario file (and the files it includes).

    Includes are followed only inside the first file's folder and the folder of ``dataset``
    (the dataset given on the command line; None: the bundled default) -- never a folder the
    file names itself (its ``dataset`` key widens nothing) -- at most MAX_INCLUDE_DEPTH deep
    and MAX_INCLUDE_FILES in all; a file elsewhere is refused without being opened, so nothing
    of it can reach a message. Raises ScenarioError listing every problem with file, line and
    key.
    """
    p = resolve_scenario_path(path)
    label = str(p)
    if _reading is None:
        roots = [p.resolve().parent]
        folder = _dataset_folder(dataset)
        if folder is not None:
            roots.append(folder)
        _reading = _Reading(tuple(roots))
    data, marks = _read_yaml(p)
    _reading.files += 1
    if not isinstance(data, dict):
        raise ScenarioError([ScenarioProblem(label, 1, "", "expected a mapping of keys "
                                             "(name/overrides for one scenario, or scenarios/"
                                             "include for a set)")])
    single = "name" in data and not ({"scenarios", "include", "set"} & set(data))
    try:
        if single:
            sc = Scenario.model_validate(data)
            spec = ScenarioFile(scenarios=[sc])
        else:
            spec = ScenarioFile.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(_problems(e, label, marks)) from None
    problems: list[ScenarioProblem] = []
    scenarios: list[Scenario] = []
    origins: dict[str, str] = {}
    for i, inc in enumerate(spec.include):
        line = _line_of(marks, ("include", i))

        def refuse(message: str, line: int = line, i: int = i) -> None:
            problems.append(ScenarioProblem(label, line, f"include[{i}]", message))

        try:
            ip = (p.parent / inc).resolve()
        except (OSError, RuntimeError) as e:  # a loop of links
            refuse(f"{inc} cannot be followed: {e}")
            continue
        if ip in _seen or ip == p.resolve():
            refuse(f"{inc} includes itself")
            continue
        if not any(ip.is_relative_to(r) for r in _reading.roots):
            refuse(f"{inc} lies outside the scenario file's folder and the dataset's folder "
                   f"({', '.join(str(r) for r in _reading.roots)}); includes are read only "
                   f"from there, whatever the file's `dataset` key says (not opened)")
            continue
        if len(_seen) + 1 >= MAX_INCLUDE_DEPTH:
            refuse(f"includes nested more than {MAX_INCLUDE_DEPTH} deep")
            continue
        if _reading.files >= MAX_INCLUDE_FILES:
            refuse(f"more than {MAX_INCLUDE_FILES} files included in all")
            continue
        if not ip.exists():
            refuse(f"no such file {inc}")
            continue
        try:
            sub = load_scenarios(ip, _seen + (p.resolve(),), _reading)
        except ScenarioError as e:
            problems.extend(e.problems)
            continue
        scenarios.extend(sub.scenarios)
        origins.update(sub.origins)
    for i, sc in enumerate(spec.scenarios):
        scenarios.append(sc)
        origins[sc.name] = f"{label}, line {_line_of(marks, () if single else ('scenarios', i))}"
    names = [s.name for s in scenarios]
    seen: set[str] = set()
    for n in names:
        if n in seen:
            problems.append(ScenarioProblem(label, 0, "scenarios",
                                            f"scenario name {n!r} appears more than once"))
        seen.add(n)
    for set_name, members in spec.sets.items():
        for j, m in enumerate(members):
            if m not in seen:
                problems.append(ScenarioProblem(label, _line_of(marks, ("sets", set_name, j)),
                                                f"sets.{set_name}[{j}]",
                                                f"no scenario named {m!r}"))
    if spec.base and spec.base not in seen:
        problems.append(ScenarioProblem(label, _line_of(marks, ("base",)), "base",
                                        f"no scenario named {spec.base!r}"))
    if spec.montecarlo and spec.montecarlo.regime:
        for j, s in enumerate(spec.montecarlo.regime.states):
            if s not in seen:
                problems.append(ScenarioProblem(
                    label, _line_of(marks, ("montecarlo", "regime", "states", j)),
                    f"montecarlo.regime.states[{j}]", f"no scenario named {s!r}"))
    if spec.stages is not None:
        from autoalliance.scenarios.stages import STAGES

        for j, s in enumerate(spec.stages):
            if s not in STAGES:
                problems.append(ScenarioProblem(label, _line_of(marks, ("stages", j)),
                                                f"stages[{j}]", f"unknown stage {s!r} (stages: "
                                                f"{', '.join(STAGES)})"))
    if problems:
        raise ScenarioError(problems)
    if not scenarios and not spec.montecarlo:
        raise ScenarioError([ScenarioProblem(label, 1, "", "the file defines no scenario")])
    name = spec.set or (scenarios[0].name if single else p.stem)
    return ScenarioSet(name, p, scenarios, origins, spec)


def scenario_set(scenarios: list[Scenario], name: str = "adhoc", **settings) -> ScenarioSet:
    """A scenario set built in code (settings as in a file: stages, fiscal_years, horizon...)."""
    return ScenarioSet(name, None, list(scenarios), {}, ScenarioFile(set=None, **settings))
