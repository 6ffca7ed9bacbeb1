"""The plan model on linopy: one ``define_*`` function per variable or constraint family.

Each function takes the model and the plan inputs, adds one labelled block over whole arrays
(no Python loop per variable) and returns what it added. Scaling: volumes in thousands of units,
money in millions of USD, so a coefficient of USD per unit is ``usd / 1e3`` in the objective.

Families (names as the model and the infeasibility messages use them):

- ``production[lane, year]``: units built on a lane (nameplate, plant, market) in a year;
- ``demand``: units of a nameplate sold in a market and year are at most its demand (the rest is
  lost and so forgoes its contribution margin); ``demand_min`` when a share must be served;
- ``capacity``: units built at a plant in a year are at most its capacity;
- ``tooling[tool]``: binary, tool a plant for a platform of its own firm; ``tooled_lanes``;
- ``option[option]``: binary, take a collaboration option; ``option_lanes`` (a partner's plant
  builds only through an option); ``do_nothing``;
- ``covered[cover, year]``: units a cover (option, nameplate) counts; ``cover_supply``,
  ``option_capacity`` (line or powertrain supply capacity, lead time), ``opened_lanes``;
- ``fee[cover, year]``: money the nameplate's firm pays the partner; ``fee_range``;
- ``offset[company, year]``: assembly offset used, at most the credit and the added parts duty;
- ``in_quota[seg]``: units of a lane-year entering within a tariff-rate quota (a segment is the
  lane-year's entries under one quota rule in one calendar year); ``quota_share`` (at most the
  segment's units) and ``quota`` (at most the firm's allotment per rule and calendar year);
- ``service_parts_duty[company, year]``: duty on the firm's replacement parts, a column fixed
  at its value (no choice changes it; a coalition fixes a non-member's at zero like its other
  columns);
- ``individual_rationality``: each partner's profit at least its standalone profit.
"""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from autoalliance.plan.data import PlanInputs

TERM = "_term"  # linopy's term dimension
UNITS = 1e3  # model volume unit: thousand units
MONEY = 1e6  # model money unit: million USD
PER_UNIT = UNITS / MONEY  # USD per unit -> model money per model volume

#: The plan's variable families and the scale of their values (model unit -> USD or units);
#: the solution of every path (fresh solve, instance) reads them from here.
FAMILIES = {"production": UNITS, "tooling": 1.0, "option": 1.0, "covered": UNITS,
            "fee": MONEY, "offset": MONEY, "in_quota": UNITS, "service_parts_duty": MONEY}


def _da(series: pd.Series, dim: str) -> xr.DataArray:
    return xr.DataArray(series.to_numpy(), dims=dim, coords={dim: series.index.to_numpy()})


def _lane_year(d: PlanInputs, column: str) -> xr.DataArray:
    """A coef column as lane x year array."""
    t = d.coef[column].unstack("fiscal_year").reindex(index=d.lanes.index, columns=d.years)
    return xr.DataArray(t.to_numpy(dtype=float), dims=("lane", "fiscal_year"),
                        coords={"lane": d.lanes.index.to_numpy(), "fiscal_year": d.years})


def _by(expr, labels: xr.DataArray, index) -> linopy.LinearExpression:
    """Sum an expression over groups of ``labels`` and align to the full ``index`` (order kept).

    The same as ``expr.groupby(labels).sum().reindex(...)``, done as one gather of the terms:
    each group's members are stacked along the term dimension (padding terms are empty)."""
    if not isinstance(expr, linopy.LinearExpression):
        expr = expr.to_linexpr()
    dim, name = labels.dims[0], labels.name
    data = expr.data.transpose(dim, ...)
    group = pd.Index(list(index)).get_indexer(
        labels.to_series().reindex(data.coords[dim].values).to_numpy())
    n_groups = len(index)
    ok = np.flatnonzero(group >= 0)
    order = ok[np.argsort(group[ok], kind="stable")]
    counts = np.bincount(group[ok], minlength=n_groups)
    width = max(int(counts.max()) if len(counts) else 0, 1)
    slot = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
    take = np.full((n_groups, width), -1)
    take[group[order], slot] = order
    empty = take < 0
    take = np.where(empty, 0, take)
    rest = [k for k in data["vars"].dims if k not in (dim, TERM)]
    v = data["vars"].transpose(dim, *rest, TERM).to_numpy()
    c = data["coeffs"].transpose(dim, *rest, TERM).to_numpy()
    k = data["const"].transpose(dim, *rest).to_numpy() if data["const"].ndim else \
        np.full(len(data.coords[dim]), float(data["const"]))
    pad = empty.reshape(empty.shape + (1,) * (v.ndim - 1))
    gv = np.where(pad, -1, v[take])  # group, member, rest..., term
    gc = np.where(pad, 0.0, c[take])
    gk = np.where(pad[..., 0], 0.0, np.nan_to_num(k[take])).sum(axis=1)
    gv = np.moveaxis(gv, 1, -2).reshape(gv.shape[:1] + gv.shape[2:-1] + (-1,))
    gc = np.moveaxis(gc, 1, -2).reshape(gv.shape)
    dims = (name, *rest, TERM)
    coords = {name: list(index), **{r: data.coords[r].values for r in rest
                                    if r in data.coords}}
    ds = xr.Dataset({"vars": (dims, gv), "coeffs": (dims, gc), "const": (dims[:-1], gk)},
                    coords=coords)
    return linopy.LinearExpression(ds, expr.model)


def _take(var: linopy.Variable, dim: str, labels: pd.Series, new_dim: str):
    """``var`` indexed by a label per element of ``new_dim`` (vectorised gather)."""
    pos = pd.Index(var.coords[dim].values).get_indexer(labels.to_numpy())
    idx = xr.DataArray(pos, dims=new_dim, coords={new_dim: labels.index.to_numpy()})
    out = var.isel({dim: idx})
    return out.drop_vars(dim, errors="ignore") if hasattr(out, "drop_vars") else out


def define_production(m: linopy.Model, d: PlanInputs) -> linopy.Variable:
    """Units per lane and year, at most the lane's demand (today's units for a supply deal with
    a firm outside the plan), zero before the lane's first year."""
    upper = (_lane_year(d, "bound") * _lane_year(d, "available")) / UNITS
    return m.add_variables(lower=0, upper=upper, name="production")


def define_demand(m: linopy.Model, d: PlanInputs, x, max_lost_share: float) -> None:
    """Sales of a nameplate in a market and year: at most its demand; at least the share that
    must be served when ``max_lost_share`` < 1."""
    nm = _da(d.lanes["nm"], "lane").rename("nm")
    dem = d.demand["units"].unstack("fiscal_year").reindex(columns=d.years).fillna(0.0)
    sold = _by(x, nm, dem.index)
    rhs = xr.DataArray(dem.to_numpy() / UNITS, dims=("nm", "fiscal_year"),
                       coords={"nm": dem.index.to_numpy(), "fiscal_year": d.years})
    m.add_constraints(sold <= rhs, name="demand")
    if max_lost_share < 1:
        m.add_constraints(sold >= (1 - max_lost_share) * rhs, name="demand_min")


def define_capacity(m: linopy.Model, d: PlanInputs, x) -> None:
    """Units built at each vehicle plant in a year are at most its capacity."""
    plant = _da(d.lanes["plant"], "lane").rename("plant")
    built = _by(x, plant, d.plants.index)
    cap = _da(d.plants["capacity_units"].astype(float) / UNITS, "plant")
    m.add_constraints(built <= cap, name="capacity")


def define_tooling(m: linopy.Model, d: PlanInputs, x):
    """Binary per (plant, platform) to tool; a tooled lane builds only once tooled."""
    if d.tools.empty:
        return None
    t = m.add_variables(binary=True, coords=[d.tools.index], name="tooling")
    tl = d.lanes[d.lanes["enabler"] == "tool"]
    big = _lane_year(d, "demand").sel(lane=tl.index.to_numpy()) / UNITS
    tt = _take(t, "tool", tl["tool"], "lane")
    m.add_constraints(x.sel(lane=tl.index.to_numpy()) - big * tt <= 0, name="tooled_lanes")
    return t


def define_options(m: linopy.Model, d: PlanInputs, x):
    """Binary per option; lanes opened by an option build only when it is taken; do_nothing
    excludes every other option and is taken when none is."""
    if d.options.empty:
        return None
    z = m.add_variables(binary=True, coords=[d.options.index.rename("option")], name="option")
    ol = d.lanes[d.lanes["enabler"] == "option"]
    if len(ol):
        big = _lane_year(d, "demand").sel(lane=ol.index.to_numpy()) / UNITS
        zz = _take(z, "option", ol["option"], "lane")
        m.add_constraints(x.sel(lane=ol.index.to_numpy()) - big * zz <= 0, name="option_lanes")
    dn = d.options.index[d.options["kind"] == "do_nothing"]
    other = d.options.index[d.options["kind"] != "do_nothing"]
    if len(dn) and len(other):
        zo = z.sel(option=list(other))
        for_each = zo + z.sel(option=dn[0])  # broadcast: nothing and any other exclude
        m.add_constraints(for_each <= 1, name="do_nothing")
        m.add_constraints(z.sel(option=list(dn)).sum() + zo.sum() >= 1, name="do_nothing_or_some")
    elif len(dn):
        m.add_constraints(z.sel(option=list(dn)).sum() >= 1, name="do_nothing_or_some")
    return z


def define_covered(m: linopy.Model, d: PlanInputs, x, z):
    """Units each cover (option, nameplate) counts: no more than the units of its lanes, no
    more than the option's capacity from its first year (zero when not taken), and at least
    the units built on lanes the option opens."""
    if d.covers.empty or z is None:
        return None
    covers = d.covers.index.rename("cover")
    years = pd.Index(d.years, name="fiscal_year")
    u = m.add_variables(lower=0, coords=[covers, years], name="covered")
    cl = d.cover_lanes
    pairs = pd.RangeIndex(len(cl), name="pair")
    xp = _take(x, "lane", pd.Series(cl["lane"].to_numpy(), index=pairs), "pair")
    cover_of = xr.DataArray(cl["cover"].to_numpy(), dims="pair", coords={"pair": pairs},
                            name="cover")
    m.add_constraints(u - _by(xp, cover_of, covers) <= 0, name="cover_supply")
    opened = cl["opened"].to_numpy()
    if opened.any():
        op_covers = pd.Index(cl.loc[opened, "cover"].unique(), name="cover")
        xo = xp.sel(pair=pairs[opened])
        m.add_constraints(_by(xo, cover_of.sel(pair=pairs[opened]), op_covers)
                          - u.sel(cover=list(op_covers)) <= 0, name="opened_lanes")
    opt_of = _da(d.covers["option"], "cover").rename("option")
    cap = d.option_cap
    cap_da = xr.DataArray(cap.to_numpy() / UNITS, dims=("option", "fiscal_year"),
                          coords={"option": cap.index.to_numpy(), "fiscal_year": d.years})
    zc = z.sel(option=list(cap.index))
    m.add_constraints(_by(u, opt_of, cap.index) - cap_da * zc <= 0, name="option_capacity")
    return u


def define_fees(m: linopy.Model, d: PlanInputs, u):
    """Fee per cover and year (paid by the nameplate's firm to the partner), between the
    option's fee range times the covered units."""
    if u is None:
        return None
    covers = d.covers.index.rename("cover")
    f = m.add_variables(lower=0, coords=[covers, pd.Index(d.years, name="fiscal_year")], name="fee")
    lo = _da(d.covers["fee_min"] * PER_UNIT, "cover")
    hi = _da(d.covers["fee_max"] * PER_UNIT, "cover")
    m.add_constraints(f - lo * u >= 0, name="fee_min")
    m.add_constraints(f - hi * u <= 0, name="fee_max")
    return f


def define_offset(m: linopy.Model, d: PlanInputs, x):
    """Assembly offset used by each firm and year: at most its credit on the units it builds
    in the market and at most its added duty on imported parts."""
    comps = pd.Index(d.companies, name="company")
    off = m.add_variables(lower=0, coords=[comps, pd.Index(d.years, name="fiscal_year")],
                          name="offset")
    company = _da(d.lanes["company"], "lane").rename("company")
    credit = _by(_lane_year(d, "credit") * PER_UNIT * x, company, comps)
    parts = _by(_lane_year(d, "parts_added") * PER_UNIT * x, company, comps)
    m.add_constraints(off - credit <= 0, name="offset_credit")
    m.add_constraints(off - parts <= 0, name="offset_parts_duty")
    return off


def define_quota(m: linopy.Model, d: PlanInputs, x):
    """Units entering within a tariff-rate quota: per segment (lane-year, quota rule, calendar
    year) at most its share of the lane-year's units, and per rule, calendar year and firm at
    most the firm's allotment of the quota (``data.quota_allotments``). The lane's duty is
    charged at the over-quota rate; each unit in the quota earns back the difference
    (``saving``), so each firm fills its allotment where it saves most."""
    q_in = d.quota
    if q_in is None or q_in.empty:
        return None
    segs = q_in.index.rename("seg")
    q = m.add_variables(lower=0, coords=[segs], name="in_quota")
    lane_pos = pd.Index(x.coords["lane"].values).get_indexer(q_in["lane"].to_numpy())
    year_pos = pd.Index(x.coords["fiscal_year"].values).get_indexer(q_in["fiscal_year"].to_numpy())
    xs = x.isel(lane=xr.DataArray(lane_pos, dims="seg", coords={"seg": segs.to_numpy()}),
                fiscal_year=xr.DataArray(year_pos, dims="seg", coords={"seg": segs.to_numpy()}))
    xs = xs.drop_vars(["lane", "fiscal_year"], errors="ignore") if hasattr(xs, "drop_vars") else xs
    share = _da(q_in["share"], "seg")
    m.add_constraints(q - share * xs <= 0, name="quota_share")
    company = q_in["lane"].map(d.lanes["company"])
    key = (q_in["measure"] + "|" + q_in["calendar_year"].astype(str) + "|"
           + company).rename("quota_year")
    room = d.quota_room
    room_idx = pd.Index([f"{a}|{b}|{c}" for a, b, c in room.index], name="quota_year")
    rhs = xr.DataArray(room.to_numpy(float) / UNITS, dims="quota_year",
                       coords={"quota_year": room_idx.to_numpy()})
    m.add_constraints(_by(q, _da(key, "seg").rename("quota_year"), room_idx) <= rhs,
                      name="quota")
    return q


def define_service_parts(m: linopy.Model, d: PlanInputs) -> linopy.Variable:
    """Duty on each firm's replacement parts per year (``PlanInputs.service``): a column fixed
    at its value, so the plan's duty is the exposure engine's on every line of the bill."""
    comps = pd.Index(d.companies, name="company")
    years = pd.Index(d.years, name="fiscal_year")
    sv = d.service["duty_usd"] if len(d.service) else pd.Series(dtype=float)
    grid = pd.MultiIndex.from_product([comps, years])
    val = sv.reindex(grid).fillna(0.0).to_numpy(float).reshape(len(comps), len(years)) / MONEY
    fixed = xr.DataArray(val, dims=("company", "fiscal_year"),
                         coords={"company": comps.to_numpy(), "fiscal_year": years.to_numpy()})
    return m.add_variables(lower=fixed, upper=fixed, name="service_parts_duty")


#: Each firm's accounts over the horizon, the lines of its profit and their sign in it
#: (model money: million USD). ``define_accounts`` adds them to the model as named expressions
#: ``account_<line>`` (dimension company) and their sum as ``profit``.
ACCOUNTS = {"revenue": 1.0, "variable_cost": -1.0, "logistics": -1.0, "gross_duty": -1.0,
            "offset": 1.0, "cost_effect": -1.0, "fees_paid": -1.0, "fees_received": 1.0,
            "investment": -1.0}


def _family(m, name: str):
    """The model's variable family ``name`` (None when the plan has none)."""
    return m.variables[name] if name in m.variables else None


def _zero(like: linopy.LinearExpression) -> linopy.LinearExpression:
    """An expression with no terms, over the dimensions of ``like``."""
    data = like.data.copy()
    data["vars"] = xr.full_like(data["vars"], -1)
    data["coeffs"] = xr.zeros_like(data["coeffs"])
    data["const"] = xr.zeros_like(data["const"])
    return linopy.LinearExpression(data, like.model)


def account_lines(m: linopy.Model, d: PlanInputs) -> dict[str, linopy.LinearExpression]:
    """Each firm's accounts over the horizon (million USD, dimension company), from the
    model's variables by name: revenue, variable cost and logistics of the units it sells;
    gross duty (every line of the bill on its lanes, less what units within a quota save,
    plus its service parts); the assembly offset it uses; cost effects, fees paid and received
    on covered units; investment (tooling, and the hosts' and owners' shares of the options
    taken, the share charged to the horizon)."""
    comps = pd.Index(d.companies, name="company")
    company = _da(d.lanes["company"], "lane").rename("company")
    x, t, z = m["production"], _family(m, "tooling"), _family(m, "option")
    u, f, q = _family(m, "covered"), _family(m, "fee"), _family(m, "in_quota")

    def lanes(column: str):
        return _by((_lane_year(d, column) * PER_UNIT * x).sum("fiscal_year"), company, comps)

    off = m["offset"].sum("fiscal_year")
    none = _zero(off)
    duty = lanes("duty") + m["service_parts_duty"].sum("fiscal_year")
    if q is not None:  # duty saved on the units that enter within a quota
        seg_company = _da(d.quota["lane"].map(d.lanes["company"]), "seg").rename("company")
        duty = duty - _by(_da(d.quota["saving"] * PER_UNIT, "seg") * q, seg_company, comps)
    out = {"revenue": lanes("revenue"), "variable_cost": lanes("cost"),
           "logistics": lanes("logistics"), "gross_duty": duty, "offset": off,
           "cost_effect": none, "fees_paid": none, "fees_received": none, "investment": none}
    if u is not None:
        payer = _da(d.covers["company"], "cover").rename("company")
        payee = _da(d.covers["payee"], "cover").rename("company")
        effect = _da(d.covers["effect"] * PER_UNIT, "cover")
        out["cost_effect"] = _by((effect * u).sum("fiscal_year"), payer, comps)
        out["fees_paid"] = _by(f.sum("fiscal_year"), payer, comps)
        out["fees_received"] = _by(f.sum("fiscal_year"), payee, comps)
    invest = []
    if t is not None:
        owner = _da(d.tools["company"], "tool").rename("company")
        inv = _da(d.tools["investment_usd"] * d.tools["charge_share"] / MONEY, "tool")
        invest.append(_by(inv * t, owner, comps))
    if z is not None:
        o = d.options[d.options["kind"] != "do_nothing"]
        if len(o):
            zo = z.sel(option=list(o.index))
            host_cost = _da(o["host_cost_usd"] / MONEY, "option")
            owner_cost = _da(o["owner_cost_usd"] / MONEY, "option")
            invest.append(_by(host_cost * zo, _da(o["host"], "option").rename("company"),
                              comps))
            invest.append(_by(owner_cost * zo, _da(o["owner"], "option").rename("company"),
                              comps))
    if invest:
        out["investment"] = sum(invest[1:], invest[0])
    return out


def define_accounts(m: linopy.Model, d: PlanInputs) -> tuple[dict, linopy.LinearExpression]:
    """Each firm's accounts as named expressions on the model (``account_<line>``) and its
    profit, their signed sum (``profit``): the one definition of the plan's money, which the
    objective, individual rationality and the reported accounts all read."""
    lines = account_lines(m, d)
    named = {k: m.add_expressions(v, name=f"account_{k}") for k, v in lines.items()}
    terms = [ACCOUNTS[k] * v for k, v in named.items()]
    profit = m.add_expressions(sum(terms[1:], terms[0]), name="profit")
    return named, profit


class Book:
    """The accounts of one model as matrices over its variable families: each (line, company)
    is a row, so every account of a solution is a sparse product ``A_V @ value_V`` summed over
    the families (USD). Built once per model; evaluating it is a few matrix-vector products."""

    def __init__(self, lines: dict, parts: dict, companies: list[str]):
        self.lines = list(lines)
        self.companies = list(companies)
        self.coords: dict[str, dict] = {}
        lookup = []  # per family: its labels (flat, the family's own dimension order)
        for name in FAMILIES:
            var = parts.get(name)
            if var is None:
                continue
            self.coords[name] = {k: pd.Index(var.coords[k].values) for k in var.dims}
            lookup.append((name, var.labels.values.ravel()))
        top = max([int(lab.max()) for _, lab in lookup if lab.size] + [0]) + 1
        fam = np.full(top, -1)
        pos = np.full(top, -1)
        for k, (_, lab) in enumerate(lookup):
            ok = lab >= 0
            fam[lab[ok]] = k
            pos[lab[ok]] = np.flatnonzero(ok)
        n_comp = len(self.companies)
        rows, vars_, coeffs, const = [], [], [], np.zeros(len(self.lines) * n_comp)
        for i, line in enumerate(self.lines):
            e = lines[line].data.transpose("company", TERM).reindex(company=self.companies)
            v = e["vars"].fillna(-1).to_numpy().astype(np.int64)
            c = e["coeffs"].fillna(0.0).to_numpy()
            r = np.broadcast_to((i * n_comp + np.arange(n_comp))[:, None], v.shape)
            keep = (v >= 0) & (c != 0)
            rows.append(r[keep])
            vars_.append(v[keep])
            coeffs.append(c[keep])
            const[i * n_comp:(i + 1) * n_comp] = np.nan_to_num(e["const"].to_numpy())
        rows, vars_, coeffs = (np.concatenate(a) for a in (rows, vars_, coeffs))
        from scipy.sparse import csr_matrix

        self.A = {}
        sign = np.repeat([ACCOUNTS[line] for line in self.lines], n_comp)
        fold = csr_matrix((sign, (np.tile(np.arange(n_comp), len(self.lines)),
                                  np.arange(len(const)))), shape=(n_comp, len(const)))
        self.profit = {}  # per family: each company's profit as a row (the signed lines)
        for k, (name, lab) in enumerate(lookup):
            sel = fam[vars_] == k
            self.A[name] = csr_matrix((coeffs[sel] * MONEY, (rows[sel], pos[vars_[sel]])),
                                      shape=(len(const), lab.size))
            self.profit[name] = (fold @ self.A[name]).tocsr()
        self.const = const * MONEY
        self.profit_const = fold @ self.const

    def _vector(self, name: str, values: xr.DataArray | None, scale: float) -> np.ndarray:
        coords = self.coords[name]
        n = int(np.prod([len(v) for v in coords.values()]))
        if values is None:
            return np.zeros(n)
        dims = list(coords)
        same = list(values.dims) == dims and all(
            values.get_index(k).equals(coords[k]) for k in dims)
        if not same:  # a solution restricted or widened to other labels: missing ones are 0
            values = values.transpose(*dims).reindex(
                {k: coords[k] for k in dims}, fill_value=0.0)
        return np.nan_to_num(values.to_numpy().ravel() / scale)

    def evaluate(self, solution) -> pd.DataFrame:
        """The accounts of ``solution`` (a Solution of this model's labels, or of a coalition's
        restricted or widened ones): company x line, USD, and ``profit``."""
        total = self.const.copy()
        profit = self.profit_const.copy()
        for name, A in self.A.items():
            v = self._vector(name, getattr(solution, name, None), FAMILIES[name])
            total += A @ v
            profit += self.profit[name] @ v
        out = pd.DataFrame(total.reshape(len(self.lines), len(self.companies)).T,
                           index=pd.Index(self.companies, name="company"), columns=self.lines)
        out["profit"] = profit
        return out

    def profits(self, solution) -> np.ndarray:
        """Each company's profit (USD, in ``companies`` order): one sparse row per company and
        family times the solution's values."""
        profit = self.profit_const.copy()
        for name, A in self.profit.items():
            profit += A @ self._vector(name, getattr(solution, name, None), FAMILIES[name])
        return profit


def define_plan(m: linopy.Model, d: PlanInputs, max_lost_share: float = 1.0) -> dict:
    """Every family of the plan (no objective): its variables, each firm's accounts
    (``accounts``: line -> expression), their sum ``profit`` and the ``book`` that evaluates
    the accounts of a solution."""
    x = define_production(m, d)
    define_demand(m, d, x, max_lost_share)
    define_capacity(m, d, x)
    t = define_tooling(m, d, x)
    z = define_options(m, d, x)
    u = define_covered(m, d, x, z)
    f = define_fees(m, d, u)
    off = define_offset(m, d, x)
    q = define_quota(m, d, x)
    sp = define_service_parts(m, d)
    parts = dict(production=x, tooling=t, option=z, covered=u, fee=f, offset=off, in_quota=q,
                 service_parts_duty=sp)
    accounts, profit = define_accounts(m, d)
    parts.update(accounts=accounts, profit=profit,
                 book=Book(accounts, parts, d.companies))
    return parts


def build_model(d: PlanInputs, max_lost_share: float = 1.0,
                floors: dict[str, float] | None = None, elastic: str | None = None):
    """The whole plan model. ``floors`` (USD by company) adds individual rationality.
    ``elastic`` names one constraint family to relax with slacks (the objective then
    minimises the slack): used to explain an infeasible plan.

    Returns the model and a dict of its variables and the profit expression."""
    m = linopy.Model()
    parts = define_plan(m, d, max_lost_share)
    profit = parts["profit"]
    if floors:
        define_individual_rationality(m, d, profit, floors)
    if elastic is None:
        m.add_objective(profit.sum(), sense="max")
    else:
        parts["slack"] = _make_elastic(m, elastic)
    return m, parts


def define_individual_rationality(m: linopy.Model, d: PlanInputs, profit, floors) -> None:
    """Each partner's profit at least its floor (its standalone profit, USD)."""
    comps = pd.Index(d.companies, name="company")
    rhs = xr.DataArray(np.array([floors[c] for c in comps]) / MONEY, dims="company",
                       coords={"company": comps.to_numpy()})
    m.add_constraints(profit >= rhs, name="individual_rationality")


def _make_elastic(m: linopy.Model, family: str):
    """Relax one constraint family: each row gets a slack in the direction that loosens it;
    the objective minimises the total slack."""
    con = m.constraints[family]
    sign = con.sign.values.ravel()[0] if con.sign.size else "<="
    s = m.add_variables(lower=0, coords=con.coords, name=f"slack_{family}")
    lhs, rhs = con.lhs, con.rhs
    m.remove_constraints(family)
    if sign == "<=":
        m.add_constraints(lhs - s <= rhs, name=family)
    else:
        m.add_constraints(lhs + s >= rhs, name=family)
    m.add_objective(s.sum(), sense="min")
    return s
