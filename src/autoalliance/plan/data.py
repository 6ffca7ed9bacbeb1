"""Plan inputs: the tables of a footprint turned into the index sets and coefficients of the model.

Nothing here builds the optimisation model; ``build_inputs`` returns plain DataFrames that
``model.py`` turns into linopy blocks and ``result.py`` turns back into tables.

Units: money in USD, volumes in units a year (the model rescales both).

Lanes (one per costs row x market with demand) are open in one of three ways:

- ``open``: the plant belongs to the nameplate's firm and builds its platform today;
- ``tool``: a plant of the nameplate's firm with a ``tooling`` row, once tooled for the platform
  (one binary per plant and platform, investment and lead time from ``tooling``);
- ``option``: a plant named by an option row that covers the nameplate (a partner's plant only
  ever opens this way).

A costs row that fits none of these is not a lane.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.dataset.option_rules import check_options
from autoalliance.dataset.option_rules import number as _num
from autoalliance.dataset.option_rules import split_list as _split
from autoalliance.dataset.option_rules import text as _str
from autoalliance.errors import DatasetError, Problem
from autoalliance.settings import Settings
from autoalliance.trade.exposure import current_flows, duty_for_flows, quota_segments, unit_duty
from autoalliance.trade.fx import per_usd_on

SEP = "|"


@dataclass
class PlanInputs:
    """Index sets and coefficients of one plan (one coalition of companies)."""

    companies: list[str]
    years: list[int]
    lanes: pd.DataFrame  # index lane: nameplate, plant, market, company, plant_company, enabler...
    coef: pd.DataFrame  # lane x year rows: revenue, cost, logistics, duty, credit, parts_added
    demand: pd.DataFrame  # index (nm, year): nameplate, market, units
    plants: pd.DataFrame  # index plant: company, capacity_units, country
    tools: pd.DataFrame  # index tool: plant, platform, company, investment_usd, first_year
    options: pd.DataFrame  # index option: kind, owner, host, ..., first_year, cap by year
    covers: pd.DataFrame  # index cover (option|nameplate): option, nameplate, company, payee...
    cover_lanes: pd.DataFrame  # pairs (cover, lane) of lanes whose units a cover may count
    option_cap: pd.DataFrame = field(default_factory=pd.DataFrame)  # option x year: units cap
    # index seg: lane, year, measure, calendar_year, share, saving (USD per unit in quota)
    quota: pd.DataFrame = field(default_factory=pd.DataFrame)
    # index (measure, calendar_year): units of the quota left to the plan's lanes
    quota_room: pd.Series = field(default_factory=pd.Series)
    # company x year: duty_usd on the replacement parts each firm imports (``service_parts``),
    # the same whatever the plan builds; zero for a firm without any
    service: pd.DataFrame = field(default_factory=pd.DataFrame)
    # today's sourcing applied to the horizon's demand: nameplate, plant, market, fiscal_year,
    # units (``trade.exposure.current_flows``), what a plan's moves are measured from
    today: pd.DataFrame = field(default_factory=pd.DataFrame)


def check_plan_tables(fp: Footprint) -> list[Problem]:
    """Rules across the planner's tables (options with nameplates, plants, costs): the dataset
    validation's own (``option_rules``), for a Footprint built or changed in memory."""
    return check_options({name: fp.table(name) for name in
                          ("options", "nameplates", "plants", "costs")})


def option_parties(fp: Footprint) -> pd.DataFrame:
    """option -> owner, host (blank for do_nothing)."""
    o = fp.table("options")
    return o.assign(owner=o["owner"].map(_str), host=o["host"].map(_str))[
        ["option", "kind", "owner", "host"]]


def default_partners(fp: Footprint) -> list[str]:
    """Companies linked by at least one option (all companies when there is none)."""
    p = option_parties(fp)
    p = p[p["kind"] != "do_nothing"]
    named = set(p["owner"]) | set(p["host"])
    named.discard("")
    comps = list(fp.companies["company"])
    return [c for c in comps if c in named] or comps


def build_inputs(fp: Footprint, companies: list[str], settings: Settings,
                 with_options: bool = True) -> PlanInputs:
    """Index sets and coefficients for a plan of ``companies`` over the settings' horizon.

    ``with_options`` False leaves out every collaboration option (a standalone plan); options
    between firms not all in ``companies`` are always left out.
    """
    problems = check_plan_tables(fp)
    if problems:
        raise DatasetError(problems)
    settings = settings.for_dataset(fp)
    years = settings.years
    _check_horizon(fp, years)
    comp = set(companies)
    nps = fp.nameplates[fp.nameplates["company"].isin(comp)].set_index("nameplate")
    plants_all = fp.plants.set_index("plant")
    vehicle = plants_all[plants_all["kind"] == "vehicle"]
    today = current_flows(fp, years, nps.index)
    # plants of the coalition, and plants of other firms that build for it today
    hosts = set(today.loc[today["units"] > 0, "plant"])
    veh = vehicle[vehicle["company"].isin(comp) | vehicle.index.isin(hosts)]
    platforms = {p: set(_split(s)) for p, s in veh["platforms"].items()}

    dem = fp.demand[fp.demand["nameplate"].isin(nps.index)
                    & fp.demand["fiscal_year"].isin(years)].copy()
    dem["fiscal_year"] = dem["fiscal_year"].astype(int)
    dem = dem.groupby(["nameplate", "market", "fiscal_year"], as_index=False)["units"].sum()
    _check_revenue(fp, dem)

    # options available to this coalition
    opts = fp.table("options").copy()
    opts["owner"] = opts["owner"].map(_str)
    opts["host"] = opts["host"].map(_str)
    parties_in = (opts["kind"].eq("do_nothing")
                  | (opts["owner"].isin(comp) & opts["host"].isin(comp)))
    opts = opts[parties_in] if with_options else opts.iloc[0:0]
    opts = opts.set_index("option")
    decision = years[0]
    opts["first_year"] = decision + opts["lead_time_years"].astype(int)
    # an option with no output inside the horizon cannot change the plan
    opts = opts[opts["kind"].eq("do_nothing") | (opts["first_year"] <= years[-1])]
    opts["charge_share"] = _charge_share(opts, years)
    # blanks as the schema states them: programme cost 0, the owner's share of it 0.5
    opts["programme_cost_usd"] = opts["programme_cost_usd"].fillna(0.0).astype(float)
    opts["programme_share_owner"] = opts["programme_share_owner"].fillna(0.5).astype(float)
    # what taking the option charges to the horizon: the host pays the investment and its part
    # of the programme, the owner the rest of the programme
    prog, share = opts["programme_cost_usd"], opts["programme_share_owner"]
    charged = opts["charge_share"].astype(float)
    opts["host_cost_usd"] = (opts["investment_usd"].astype(float) + prog * (1 - share)) * charged
    opts["owner_cost_usd"] = prog * share * charged

    # lanes: costs rows x markets the nameplate sells in
    costs = fp.costs[fp.costs["nameplate"].isin(nps.index) & fp.costs["plant"].isin(veh.index)]
    markets = dem[["nameplate", "market"]].drop_duplicates()
    lanes = costs.merge(markets, on="nameplate")
    lanes["company"] = lanes["nameplate"].map(nps["company"])
    lanes["platform"] = lanes["nameplate"].map(nps["platform"])
    lanes["plant_company"] = lanes["plant"].map(veh["company"])
    own = lanes["company"].eq(lanes["plant_company"])
    fits = np.array([pf in platforms[p] for pf, p in zip(lanes["platform"], lanes["plant"])],
                    dtype=bool)
    opened = {}
    for o, r in opts.iterrows():
        if r["kind"] == "do_nothing" or not _str(r.get("plant")):
            continue
        for n in _split(r["nameplates"]):
            opened[(n, r["plant"])] = o
    lane_opt = pd.Series([opened.get((n, p), "") for n, p in zip(lanes["nameplate"],
                                                                    lanes["plant"])],
                         index=lanes.index)
    tooling = fp.table("tooling").set_index("plant")
    can_tool = own & ~fits & lanes["plant"].isin(tooling.index)
    keys = pd.MultiIndex.from_frame(lanes[["nameplate", "plant"]])
    supplied = keys.isin(pd.MultiIndex.from_frame(today.loc[today["units"] > 0,
                                                            ["nameplate", "plant"]]))
    existing = ~own & supplied
    lanes["enabler"] = np.select([own & fits, existing, lane_opt.ne(""), can_tool],
                                 ["open", "existing", "option", "tool"], "")
    lanes["option"] = lane_opt.where(lanes["enabler"].eq("option"), "")
    lanes["tool"] = np.where(lanes["enabler"].eq("tool"), lanes["plant"] + SEP + lanes["platform"],
                             "")
    lanes = lanes[lanes["enabler"] != ""].copy()
    _check_planning_columns(fp, lanes, veh)
    lanes.index = pd.Index(lanes["nameplate"] + SEP + lanes["plant"] + SEP + lanes["market"],
                           name="lane")
    lanes["nm"] = lanes["nameplate"] + SEP + lanes["market"]

    # tools
    tl = lanes[lanes["enabler"] == "tool"][["tool", "plant", "platform", "plant_company"]]
    tools = tl.drop_duplicates("tool").set_index("tool").rename(
        columns={"plant_company": "company"})
    tools.index.name = "tool"
    tools["investment_usd"] = tools["plant"].map(tooling["investment_usd"]).astype(float)
    tools["first_year"] = decision + tools["plant"].map(tooling["lead_time_years"]).astype(int)
    tools["life_years"] = tools["plant"].map(tooling["life_years"]) if len(tools) else []
    tools = tools[tools["first_year"] <= years[-1]]
    tools["charge_share"] = _charge_share(tools, years)
    lanes = lanes[~lanes["enabler"].eq("tool") | lanes["tool"].isin(tools.index)]

    # first year a lane may produce
    first = pd.Series(years[0], index=lanes.index)
    is_tool = lanes["enabler"].eq("tool")
    first[is_tool] = lanes.loc[is_tool, "tool"].map(tools["first_year"])
    is_opt = lanes["enabler"].eq("option")
    first[is_opt] = lanes.loc[is_opt, "option"].map(opts["first_year"])
    lanes["first_year"] = first.astype(int)

    # demand rows
    dem["nm"] = dem["nameplate"] + SEP + dem["market"]
    demand = dem.set_index(["nm", "fiscal_year"])

    coef = _coefficients(fp, lanes, years, dem)
    quota, quota_room = _quotas(fp, lanes, years, comp, coef)
    # a supply deal with another firm that exists today runs at most at today's volume
    tu = today.groupby(["nameplate", "plant", "market", "fiscal_year"])["units"].sum()
    ex = lanes["enabler"].eq("existing").reindex(coef.index.get_level_values("lane")).to_numpy()
    key = pd.MultiIndex.from_arrays([
        lanes["nameplate"].reindex(coef.index.get_level_values("lane")).to_numpy(),
        lanes["plant"].reindex(coef.index.get_level_values("lane")).to_numpy(),
        lanes["market"].reindex(coef.index.get_level_values("lane")).to_numpy(),
        coef.index.get_level_values("fiscal_year")])
    today_lane = tu.reindex(key).fillna(0.0).to_numpy(float)
    coef["bound"] = np.where(ex, np.minimum(coef["demand"].to_numpy(float), today_lane),
                             coef["demand"].to_numpy(float))

    covers, cover_lanes = _covers(opts, lanes, nps)
    option_cap = _option_cap(opts, covers, cover_lanes, lanes, coef, years)
    plants = veh[["company", "capacity_units", "country"]].copy()
    plants.index.name = "plant"
    return PlanInputs(companies=list(companies), years=years, lanes=lanes, coef=coef,
                      demand=demand, plants=plants, tools=tools, options=opts, covers=covers,
                      cover_lanes=cover_lanes, option_cap=option_cap, quota=quota,
                      quota_room=quota_room, service=service_duty(fp, companies, years),
                      today=today.reset_index(drop=True))


def service_duty(fp: Footprint, companies: list[str], years: list[int]) -> pd.DataFrame:
    """Duty (USD) on each firm's replacement parts (``service_parts``) per fiscal year: the
    exposure engine's ``service_part`` line, which no plan choice changes. Index (company,
    fiscal_year) over every company and year of the plan; column ``duty_usd``."""
    grid = pd.MultiIndex.from_product([list(companies), list(years)],
                                      names=["company", "fiscal_year"])
    out = pd.DataFrame({"duty_usd": 0.0}, index=grid)
    sp = fp.table("service_parts")
    if sp.empty or not sp["company"].isin(set(companies)).any():
        return out
    none = pd.DataFrame(columns=["nameplate", "plant", "market", "fiscal_year", "units"])
    res = duty_for_flows(fp, none, service_years=years)
    res = res[res["goods"].eq("service_part") & res["company"].isin(set(companies))]
    by = res.assign(fiscal_year=res["fiscal_year"].astype(int)).groupby(
        ["company", "fiscal_year"])["duty_usd"].sum()
    out["duty_usd"] = by.reindex(grid).fillna(0.0).to_numpy(float)
    return out


def _quotas(fp: Footprint, lanes: pd.DataFrame, years: list[int], comp: set,
            coef: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Tariff-rate quotas (per calendar year, as the rule counts them): the segments of each
    lane-year that enter under a quota rule, and each firm's allotment of each (rule, calendar
    year) (``quota_allotments``). ``coef["duty"]`` becomes the over-quota duty on those
    segments; each unit the plan fits in its firm's allotment earns back ``saving``. Changes
    ``coef`` in place."""
    grid = lanes[["nameplate", "plant", "market"]].reset_index().merge(
        pd.DataFrame({"fiscal_year": years}), how="cross")
    seg = quota_segments(fp, grid)
    empty = (pd.DataFrame(columns=["lane", "fiscal_year", "measure", "calendar_year", "share",
                                   "saving"]),
             pd.Series(dtype=float, index=pd.MultiIndex.from_arrays(
                 [[], [], []], names=["measure", "calendar_year", "company"])))
    if seg.empty:
        return empty
    seg = seg.merge(grid, on=["nameplate", "plant", "market", "fiscal_year"])
    seg["fiscal_year"] = seg["fiscal_year"].astype(int)
    seg["saving"] = seg["over_duty_usd"] - seg["in_duty_usd"]
    extra = (seg["share"] * seg["saving"]).groupby([seg["lane"], seg["fiscal_year"]]).sum()
    coef["duty"] = coef["duty"] + extra.reindex(coef.index).fillna(0.0).to_numpy()
    allot = quota_allotments(fp, years)
    have = pd.MultiIndex.from_frame(seg.assign(company=seg["lane"].map(lanes["company"]))[
        ["measure", "calendar_year", "company"]].drop_duplicates())
    room = allot.reindex(have).fillna(0.0).rename("room")
    seg = seg[seg["saving"] > 0].reset_index(drop=True)
    seg.index = pd.Index(seg["lane"] + SEP + seg["fiscal_year"].astype(str) + SEP + seg["measure"]
                         + SEP + seg["calendar_year"].astype(str), name="seg")
    return seg[["lane", "fiscal_year", "measure", "calendar_year", "share", "saving"]], room


def quota_allotments(fp: Footprint, years: list[int]) -> pd.Series:
    """Each firm's part of each tariff-rate quota (rule, calendar year) over the horizon
    ``years``, in units: the room the quota leaves after the entries before the horizon
    (today's sourcing in the fiscal year before it), split in proportion to the firms' entries
    under it under today's sourcing in the horizon (equally among the firms with a lane under
    it when none enters today). The same in every plan, whoever the partners are: a firm alone
    and in any coalition fits at most its own allotment, so the partners of an alliance do not
    pool a quota (an alliance that changes no flow gains nothing from it). Index (measure,
    calendar_year, company)."""
    idx = ["measure", "calendar_year", "company"]
    out = pd.Series(dtype=float, index=pd.MultiIndex.from_arrays([[], [], []], names=idx),
                    name="allotment")
    np_company = fp.nameplates.set_index("nameplate")["company"]
    # every lane any firm has (costs rows x markets with demand in the horizon)
    dem = fp.demand[fp.demand["fiscal_year"].isin(years)][["nameplate", "market"]]
    lanes = fp.costs[["nameplate", "plant"]].merge(dem.drop_duplicates(), on="nameplate")
    lanes = lanes.merge(pd.DataFrame({"fiscal_year": list(years)}), how="cross")
    could = quota_segments(fp, lanes)
    if could.empty:
        return out
    could["company"] = could["nameplate"].map(np_company)
    quota = could.groupby(["measure", "calendar_year"])["quota_units"].first()

    def entries(flows: pd.DataFrame) -> pd.Series:
        flows = flows[flows["units"] > 0]
        if flows.empty:
            return pd.Series(dtype=float)
        fs = quota_segments(fp, flows).merge(flows, on=["nameplate", "plant", "market",
                                                        "fiscal_year"])
        return (fs["units"] * fs["share"]).groupby(
            [fs["measure"], fs["calendar_year"], fs["nameplate"].map(np_company)]).sum()

    before = entries(current_flows(fp, [years[0] - 1]))
    used = before.groupby(level=[0, 1]).sum() if len(before) else pd.Series(dtype=float)
    room = (quota - used.reindex(quota.index).fillna(0.0)).clip(lower=0.0)
    today = entries(current_flows(fp, years))
    firms = could[["measure", "calendar_year", "company"]].drop_duplicates()
    grid = pd.MultiIndex.from_frame(firms)
    e = today.reindex(grid).fillna(0.0) if len(today) else pd.Series(0.0, index=grid)
    total = e.groupby(level=[0, 1]).transform("sum")
    n = e.groupby(level=[0, 1]).transform("size")
    share = (e / total.where(total > 0)).fillna(1.0 / n)
    key = pd.MultiIndex.from_arrays([grid.get_level_values(0), grid.get_level_values(1)])
    allot = share.to_numpy() * room.reindex(key).to_numpy(float)
    return pd.Series(allot, index=grid.set_names(idx), name="allotment")


def _charge_share(frame: pd.DataFrame, years: list[int]) -> pd.Series:
    """Share of an investment charged to the horizon: the years of output it serves inside the
    horizon over its life (straight line from the first year of output); 1 when no life."""
    if frame.empty:
        return pd.Series(dtype=float, index=frame.index)
    used = (years[-1] - frame["first_year"].astype(int) + 1).clip(lower=0)
    life = pd.to_numeric(frame.get("life_years"), errors="coerce")
    return (used / life).clip(upper=1.0).where(life.notna(), 1.0).astype(float)


def _check_planning_columns(fp: Footprint, lanes: pd.DataFrame, veh: pd.DataFrame) -> None:
    """Columns exposure does without but a plan needs (blank in an exposure-only dataset):
    variable cost and logistics of every lane, capacity of every plant the plan can use."""
    problems = []
    costs = fp.costs.reset_index(drop=True)
    used = costs.merge(lanes[["nameplate", "plant"]].drop_duplicates(), on=["nameplate", "plant"])
    for col in ("variable_cost_usd", "logistics_usd"):
        pos = costs.index[costs[col].isna() & pd.MultiIndex.from_frame(
            costs[["nameplate", "plant"]]).isin(pd.MultiIndex.from_frame(
                used[["nameplate", "plant"]]))]
        problems += [Problem("costs.csv", int(i) + 2, col,
                             f"{costs.at[i, 'nameplate']} at {costs.at[i, 'plant']}: the plan "
                             "needs this (exposure does not); fill it in") for i in pos[:20]]
    plants = fp.plants.reset_index(drop=True)
    pos = plants.index[plants["capacity_units"].isna() & plants["plant"].isin(veh.index)]
    problems += [Problem("plants.csv", int(i) + 2, "capacity_units",
                         f"{plants.at[i, 'plant']}: the plan needs a capacity (exposure does "
                         "not); fill it in") for i in pos[:20]]
    if problems:
        raise DatasetError(problems)


def _check_horizon(fp: Footprint, years: list[int]) -> None:
    """Every fiscal year of the horizon has demand in the dataset: a year without it would be
    planned as empty while tooling and programme costs are still charged to it."""
    have = sorted({int(y) for y in fp.demand["fiscal_year"]})
    empty = [y for y in years if y not in have]
    if not empty:
        return
    inside = [y for y in years if y in have]
    hint = (f"; choose --horizon {inside[0]}-{inside[-1]}" if inside else "")
    span = f"FY{have[0]}-FY{have[-1]}" if have else "no year"
    raise DatasetError([Problem("demand.csv", 0, "fiscal_year",
                                f"no demand for {', '.join(f'FY{y}' for y in empty)} in the "
                                f"plan horizon FY{years[0]}-FY{years[-1]} (demand.csv has "
                                f"{span}){hint}")])


def _check_revenue(fp: Footprint, dem: pd.DataFrame) -> None:
    rev = fp.table("revenue")
    have = set(zip(rev["nameplate"], rev["market"]))
    need = dem[dem["units"] > 0][["nameplate", "market"]].drop_duplicates()
    missing = [(n, m) for n, m in zip(need["nameplate"], need["market"]) if (n, m) not in have]
    if missing:
        raise DatasetError([Problem("revenue.csv", 0, "nameplate",
                                    f"no net price for {n} in {m}, which has demand in the "
                                    "horizon; add a revenue row") for n, m in missing])


def _coefficients(fp: Footprint, lanes: pd.DataFrame, years: list[int],
                  dem: pd.DataFrame) -> pd.DataFrame:
    """Per lane and year: USD per unit of revenue, variable cost, logistics, duty, offset credit
    and added parts duty (the offset cap), and the demand that bounds the lane."""
    grid = lanes[["nameplate", "plant", "market"]].reset_index().merge(
        pd.DataFrame({"fiscal_year": years}), how="cross")
    duty = unit_duty(fp, grid[["nameplate", "plant", "market", "fiscal_year"]])
    grid = grid.merge(duty, on=["nameplate", "plant", "market", "fiscal_year"], how="left")
    rev = fp.table("revenue").set_index(["nameplate", "market"])["net_price_usd"]
    cst = fp.costs.set_index(["nameplate", "plant"])
    nm = pd.MultiIndex.from_frame(grid[["nameplate", "market"]])
    npl = pd.MultiIndex.from_frame(grid[["nameplate", "plant"]])
    out = pd.DataFrame({
        "lane": grid["lane"], "fiscal_year": grid["fiscal_year"].astype(int),
        "revenue": rev.reindex(nm).fillna(0.0).to_numpy(float),
        "cost": cst["variable_cost_usd"].reindex(npl).to_numpy(float)
        * _local_cost_factor(fp, grid, cst.reindex(npl)),
        "logistics": cst["logistics_usd"].reindex(npl).to_numpy(float),
        "duty": grid["duty_usd"].to_numpy(float),
        "credit": -grid["offset_usd"].to_numpy(float),
        "parts_added": grid["parts_added_duty_usd"].to_numpy(float),
        "customs_value": cst["customs_value_usd"].reindex(npl).to_numpy(float),
    })
    d = dem.set_index(["nameplate", "market", "fiscal_year"])["units"]
    key = pd.MultiIndex.from_arrays([grid["nameplate"], grid["market"], grid["fiscal_year"]])
    out["demand"] = d.reindex(key).fillna(0.0).to_numpy(float)
    first = lanes["first_year"].reindex(out["lane"]).to_numpy()
    out["available"] = out["fiscal_year"].to_numpy() >= first
    return out.set_index(["lane", "fiscal_year"])


def fiscal_year_rate(fx: pd.DataFrame, currency: str, start_month: int, year: int) -> float:
    """Mean units of ``currency`` per USD over the days of a fiscal year (FY``year`` starting
    in ``start_month`` of ``year``); a DatasetError when some day has no rate."""
    start = pd.Timestamp(int(year), int(start_month), 1)
    days = pd.date_range(start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1))
    rates = per_usd_on(fx, currency, days)
    if np.isnan(rates).any():
        day = days[np.isnan(rates)][0]
        raise DatasetError([Problem("fx.csv", 0, "start", f"no {currency} rate covers "
                                    f"{day:%Y-%m-%d}, needed to convert costs incurred in "
                                    f"{currency} in FY{year}")])
    return float(rates.mean())


def _local_cost_factor(fp: Footprint, grid: pd.DataFrame, cst: pd.DataFrame) -> np.ndarray:
    """Per lane-year, variable cost in USD over ``variable_cost_usd``: the local share is
    stated at ``cost_fx_per_usd`` and converted at the fiscal year's mean rate of the FX path
    (a weaker local currency makes it cheaper in USD): ``1 - s + s * stated / rate``."""
    share = pd.to_numeric(cst.get("local_cost_share"), errors="coerce")
    share = share.fillna(0.0).to_numpy(float) if share is not None else np.zeros(len(grid))
    out = np.ones(len(grid))
    if not (share > 0).any():
        return out
    company = grid["nameplate"].map(fp.nameplates.set_index("nameplate")["company"])
    start = company.map(fp.companies.set_index("company")["fiscal_year_start_month"])
    cur = cst["cost_currency"].fillna("").astype(str).to_numpy()
    stated = pd.to_numeric(cst["cost_fx_per_usd"], errors="coerce").to_numpy(float)
    rows = pd.DataFrame({"cur": cur, "start": start.to_numpy(),
                         "fiscal_year": grid["fiscal_year"].to_numpy()})
    sel = share > 0
    keys = rows[sel].drop_duplicates()
    rate = pd.Series([fiscal_year_rate(fp.fx, *k) for k in keys.itertuples(index=False,
                                                                          name=None)],
                     index=pd.MultiIndex.from_frame(keys))  # one per currency and year
    now = rate.reindex(pd.MultiIndex.from_frame(rows[sel])).to_numpy(float)
    out[sel] = 1.0 - share[sel] + share[sel] * stated[sel] / now
    return out


def _covers(opts: pd.DataFrame, lanes: pd.DataFrame, nps: pd.DataFrame):
    rows = []
    for o, r in opts.iterrows():
        if r["kind"] == "do_nothing":
            continue
        fee_min = _num(r.get("fee_min_usd"))
        fee_max = _num(r.get("fee_max_usd"), fee_min)
        for n in _split(r["nameplates"]):
            if n not in nps.index:
                continue
            c = nps.at[n, "company"]
            payee = r["host"] if c == r["owner"] else r["owner"]
            rows.append(dict(cover=o + SEP + n, option=o, nameplate=n, company=c, payee=payee,
                             plant=_str(r.get("plant")), fee_min=fee_min, fee_max=fee_max,
                             effect=_num(r.get("unit_cost_effect_usd"))))
    cols = ["cover", "option", "nameplate", "company", "payee", "plant", "fee_min", "fee_max",
            "effect"]
    covers = pd.DataFrame(rows, columns=cols).set_index("cover")
    pairs = covers.reset_index()[["cover", "nameplate", "plant", "option"]].merge(
        lanes.reset_index()[["lane", "nameplate", "plant", "option"]].rename(
            columns={"plant": "lane_plant", "option": "lane_option"}), on="nameplate")
    at_plant = pairs["plant"].eq("") | pairs["plant"].eq(pairs["lane_plant"])
    pairs = pairs[at_plant]
    pairs = pairs.assign(opened=pairs["lane_option"].eq(pairs["option"]))
    return covers, pairs[["cover", "lane", "opened"]].reset_index(drop=True)


def _option_cap(opts: pd.DataFrame, covers: pd.DataFrame, cover_lanes: pd.DataFrame,
                lanes: pd.DataFrame, coef: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Units a year each option may cover: its capacity_units, or (when blank) the demand of
    the lanes it covers; zero before its first year."""
    idx = pd.Index([o for o in opts.index if opts.at[o, "kind"] != "do_nothing"], name="option")
    cap = pd.DataFrame(0.0, index=idx, columns=pd.Index(years, name="fiscal_year"))
    if len(idx) == 0:
        return cap
    d = coef["demand"].unstack("fiscal_year").reindex(columns=years).fillna(0.0)
    cl = cover_lanes.assign(option=cover_lanes["cover"].map(covers["option"]))
    # demand bound: each nameplate-market counted once per option
    first = cl.assign(nm=cl["lane"].map(lanes["nm"])).drop_duplicates(["option", "nm"])
    dem = d.reindex(first["lane"]).set_axis(first["option"]).groupby(level=0).sum()
    cap.loc[dem.index] = dem.to_numpy()
    given = opts["capacity_units"].reindex(idx)
    has = given.notna()
    cap.loc[has[has].index] = np.minimum(cap.loc[has[has].index].to_numpy(),
                                         given[has].to_numpy()[:, None])
    first_year = opts["first_year"].reindex(idx).to_numpy()
    cap = cap.where(np.array(years)[None, :] >= first_year[:, None], 0.0)
    return cap
