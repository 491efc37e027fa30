"""Who supervises internet finance in China, and who decides a given question (course chapter 3, 监管机构).

Three sourced tables in ``data/``:

- ``regulators.csv``: one row per supervisor (PBOC, CBRC, CIRC, CBIRC, NFRA, CSRC, local financial regulatory
  bureaus, the Cyberspace Administration) with its founding / end date where sourced, its successor and its remit.
  The NFRA was founded on 2023-05-18 on the basis of the CBIRC (Xinhua, 2023-05-18); the CBIRC itself was formed
  on 2018-04-08 from the CBRC and the CIRC.
- ``regulator_spells.csv``: which supervisor led each area (banks, insurance, P2P, payments, funds, crypto,
  blockchain services) from when to when, and the area's status (supervised, restricted, banned, cleared, none).
- ``regulator_queries.csv``: the questions a student can ask ("a P2P platform wants to pool lenders' money"):
  the rule, its date and source, who issued it, and what happens.

Everything here is pure: it reads the tables and answers questions; the page draws the answers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from core.errors import require

DATA = Path(__file__).resolve().parent.parent / "data"
ACTORS = ("p2p", "payment", "insurer", "crypto")
AREAS = ("banks", "insurance", "p2p", "payments", "funds", "crypto", "blockchain")
OUTCOMES = ("conditional", "filing", "own_risk", "forbidden", "closed")
STATUSES = ("supervised", "restricted", "banned", "cleared", "none")
#: the day the app's facts were last checked; "today" in every question
TODAY = date(2026, 11, 29)
FIRST_DAY = date(2010, 1, 1)


@lru_cache(maxsize=None)
def _csv(name: str) -> pd.DataFrame:
    df = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
    require("source" in df.columns and not (df["source"].str.strip() == "").any(), "data_no_source",
            f"{name}.csv has rows without a source", table=name)
    return df


def load_regulators() -> pd.DataFrame:
    """The supervisors, indexed by id (a copy)."""
    return _csv("regulators").set_index("id", drop=False).copy()


def load_spells() -> pd.DataFrame:
    """Who led each area from ``start`` to ``end`` (empty end = still today), with ``start_date``/``end_date``."""
    df = _csv("regulator_spells").copy()
    df["start_date"] = df["start"].map(date.fromisoformat)
    df["end_date"] = [date.fromisoformat(e) if e else TODAY for e in df["end"]]
    return df


def load_queries() -> pd.DataFrame:
    """The questions a student can ask, indexed by id (a copy)."""
    return _csv("regulator_queries").set_index("id", drop=False).copy()


def actions(actor: str) -> list[str]:
    """The query ids an ``actor`` (one of ``ACTORS``) can ask about, in table order."""
    require(actor in ACTORS, "regulators_unknown_actor", f"actor must be one of {ACTORS}", actor=actor,
            allowed=", ".join(ACTORS))
    queries = load_queries()
    return list(queries.index[queries["actor"] == actor])


def successor_chain(regulator: str) -> list[str]:
    """``regulator`` followed by each body that took over its work: cbrc → cbirc → nfra."""
    regs = load_regulators()
    require(regulator in regs.index, "regulators_unknown", f"unknown regulator {regulator!r}", regulator=regulator)
    chain = [regulator]
    while regs.loc[chain[-1], "successor"]:
        nxt = regs.loc[chain[-1], "successor"]
        require(nxt in regs.index and nxt not in chain, "regulators_unknown", f"bad successor {nxt!r}",
                regulator=nxt)
        chain.append(nxt)
    return chain


def in_office(regulator: str, on: date) -> bool:
    """Whether ``regulator`` existed on ``on`` (founded ≤ on < ended; an unknown founding date counts as early)."""
    row = load_regulators().loc[regulator]
    founded = date.fromisoformat(row["founded"]) if row["founded"] else date.min
    ended = date.fromisoformat(row["ended"]) if row["ended"] else date.max
    return founded <= on < ended


def authority_on(regulator: str, on: date) -> str:
    """Who held ``regulator``'s powers on ``on``: the first body of its successor chain that was in office.

    Example: the CBRC wrote the 2016 P2P measures; on 2024-01-01 its powers sit with the NFRA
    (CBRC → CBIRC on 2018-04-08 → NFRA on 2023-05-18)."""
    for body in successor_chain(regulator):
        if in_office(body, on):
            return body
    return successor_chain(regulator)[-1]


def supervisor_on(area: str, on: date) -> dict:
    """The spell of ``area`` that covers ``on``: ``{"regulator", "status", "with", "start", "end", "source"}``.

    ``regulator`` is "" in a spell where nobody was in charge (status "none")."""
    require(area in AREAS, "regulators_unknown_area", f"area must be one of {AREAS}", area=area)
    require(FIRST_DAY <= on <= TODAY, "regulators_date", "date outside the table", first=FIRST_DAY.isoformat(),
            last=TODAY.isoformat(), date=str(on))
    spells = load_spells()
    part = spells[(spells["area"] == area) & (spells["start_date"] <= on)
                  & ((spells["end_date"] > on) | (spells["end"] == ""))]
    row = part.iloc[-1]
    return {"regulator": row["regulator"], "status": row["status"], "with": row["with"], "start": row["start"],
            "end": row["end"], "source": row["source"]}


@dataclass(frozen=True)
class Answer:
    """What a student learns from one question asked on one date."""
    query: str
    actor: str
    area: str
    rule_date: str
    in_force: bool           # was the rule already in force on the date asked?
    outcome: str             # one of OUTCOMES, or "no_rule_yet" before the rule's date
    issuer: str              # who issued the rule
    decider: str             # who decides on the date asked (issuer's powers then, or the area's lead)
    decider_today: str       # who decides today (2026-11-29)
    chain: tuple             # issuer → … → today's holder of its powers
    co_deciders: tuple       # who else acts (e.g. local financial regulators)
    area_status: str         # status of the area on the date asked
    source: str


def ask(query: str, on: date = TODAY) -> Answer:
    """Answer ``query`` (an id of ``regulator_queries.csv``) as of ``on``.

    The decider is whoever held the rule issuer's powers on that date (``authority_on``); before the rule
    existed, the area's lead supervisor on that date (``supervisor_on``), if any, and the outcome is
    "no_rule_yet".  An unknown query raises ``InputError("regulators_unknown_query")``."""
    queries = load_queries()
    require(query in queries.index, "regulators_unknown_query", f"unknown question {query!r}", query=str(query))
    row = queries.loc[query]
    require(row["outcome"] in OUTCOMES, "regulators_unknown_query", f"bad outcome in {query!r}", query=query)
    spell = supervisor_on(row["area"], on)
    rule_day = date.fromisoformat(row["rule_date"])
    in_force = rule_day <= on
    chain = tuple(successor_chain(row["issuer"]))
    if in_force:
        decider = authority_on(row["issuer"], on)
    else:
        decider = authority_on(spell["regulator"], on) if spell["regulator"] else ""
    co = tuple(c for c in (row["with"], spell["with"]) if c)
    return Answer(query=query, actor=row["actor"], area=row["area"], rule_date=row["rule_date"], in_force=in_force,
                  outcome=row["outcome"] if in_force else "no_rule_yet", issuer=row["issuer"], decider=decider,
                  decider_today=authority_on(row["issuer"], TODAY), chain=chain,
                  co_deciders=tuple(dict.fromkeys(co)), area_status=spell["status"], source=row["source"])


def supervision_changes(area: str) -> list[tuple[str, str, str]]:
    """The hand-overs of ``area``: ``(date, from, to)`` for every spell that starts after the first."""
    require(area in AREAS, "regulators_unknown_area", f"area must be one of {AREAS}", area=area)
    spells = load_spells()
    part = spells[spells["area"] == area].reset_index(drop=True)
    return [(part.loc[i, "start"], part.loc[i - 1, "regulator"], part.loc[i, "regulator"])
            for i in range(1, len(part))]


def today_matrix() -> pd.DataFrame:
    """Who leads each area today: one row per area with its lead, status and co-supervisors."""
    rows = [{"area": a, **supervisor_on(a, TODAY)} for a in AREAS]
    return pd.DataFrame(rows)


def actor_table(actor: str) -> pd.DataFrame:
    """Every question of ``actor`` answered for today: id, rule date, outcome, today's decider, source."""
    rows = []
    for q in actions(actor):
        a = ask(q)
        rows.append({"query": q, "rule_date": a.rule_date, "outcome": a.outcome, "issuer": a.issuer,
                     "decider_today": a.decider_today, "co_deciders": " ".join(a.co_deciders), "source": a.source})
    return pd.DataFrame(rows)
