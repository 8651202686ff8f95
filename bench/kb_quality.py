"""How well the FAQ suggestions answer real questions: load the bank's and the shop's knowledge bases
(lojal/demo/knowledge/*.json) through the knowledge services into a fresh database, ask
``article_suggest`` every labelled question (questions.json) in the question's language, and print
hit@1 and hit@3 overall, per language, per company and per trait, with the misses.

A benchmark that prints figures, not a test: it asserts no threshold. The questions were written as
customers write them, without looking at the search code, and the search is not tuned to them."""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.customers import _load_average, _say
from bench.databases import RESULTS, bench_database, lojal_command
from bench.http import percentile
from bench.loading import django_setup
from bench.report import commit, machine

DATABASE_NAME = "lojal_bench_kb_quality"
#: A customer signed in to My pages sees public and portal articles; internal ones never.
VISIBILITIES = ("public", "portal")
LIMIT = 3


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "kb-quality",
        help="hit@1 and hit@3 of the FAQ suggestions on the labelled customer questions (bank and shop KB).",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-name", default=DATABASE_NAME, help="PostgreSQL database (or SQLite file stem) to use"
    )
    parser.add_argument(
        "--company",
        choices=("both", "bank", "shop"),
        default="both",
        help="load both bases and ask every question (default), or one base and its own questions",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--misses",
        choices=("all", "hit3", "none"),
        default="all",
        help="list questions missed at 3 (hit3), also those right only at 2-3 (all), or none",
    )


@dataclass
class Outcome:
    question: str
    language: str
    company: str
    expected: tuple[str, ...]
    traits: tuple[str, ...]
    got: tuple[str, ...]
    seconds: float

    @property
    def rank(self) -> int | None:
        """1-based position of the first expected article in the suggestions, None when absent."""
        for position, key in enumerate(self.got, start=1):
            if key in self.expected:
                return position
        return None


@dataclass
class Tally:
    count: int = 0
    hit1: int = 0
    hit3: int = 0
    reciprocal: float = 0.0

    def add(self, outcome: Outcome) -> None:
        rank = outcome.rank
        self.count += 1
        self.hit1 += rank == 1
        self.hit3 += rank is not None and rank <= LIMIT
        self.reciprocal += 1 / rank if rank else 0.0

    def row(self, label: str) -> str:
        n = max(self.count, 1)
        return f"| {label} | {self.count} | {self.hit1 / n:.3f} | {self.hit3 / n:.3f} | {self.reciprocal / n:.3f} |"


def run(args: argparse.Namespace) -> int:
    database = bench_database(args.database, args.database_name)
    env = {
        "LOJAL_DATABASE_URL": database.url,
        "LOJAL_SECRET_KEY": "bench",
        "LOJAL_LOG_LEVEL": "WARNING",
        "LOJAL_DEMO": "",
    }
    facts: dict[str, str] = {"load average before": _load_average()}
    try:
        _say(f"Creating a fresh {args.database} database {args.database_name} and migrating it")
        database.create()
        lojal_command(["migrate", "--noinput"], env)
        django_setup(env)
        started = time.monotonic()
        companies = ("bank", "shop") if args.company == "both" else (args.company,)
        articles, internal_ids = _load(companies)
        facts["knowledge bases loaded (bank and shop, through the services)"] = (
            f"{len(articles):,} published language versions in {time.monotonic() - started:.1f} s"
        )
        outcomes, shown = _ask(articles, companies)
        facts["internal articles suggested (must be 0)"] = str(len(shown & internal_ids))
        facts["load average after"] = _load_average()
        facts["database"] = database.describe()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            database.drop()
    report = _report(args, facts, outcomes)
    print()
    print(report)
    suffix = "" if args.company == "both" else f"-{args.company}"
    path = RESULTS / f"kb-quality-{args.database}{suffix}.md"
    path.write_text(report + "\n")
    _say(f"Written to {path.relative_to(RESULTS.parent.parent)}")
    return 0


def _load(companies: Sequence[str]) -> tuple[dict[int, str], set[int]]:
    """Both knowledge bases through the services; article id -> key, and the internal articles' ids."""
    from lojal.accounts.roles import Role
    from lojal.accounts.services import user_create
    from lojal.demo.knowledge import demo_knowledge_load

    editor = user_create(
        username="kb-bench", password="kb-bench-not-used-1", role=Role.ADMINISTRATOR, check_password=False
    )
    articles: dict[int, str] = {}
    internal: set[int] = set()
    for name in companies:
        loaded = demo_knowledge_load(name=name, actor=editor)
        for item in loaded:
            articles[item.article_id] = item.key
            if item.visibility == "internal":
                internal.add(item.article_id)
        _say(f"{name}: {len({item.key for item in loaded})} articles, {len(loaded)} language versions")
    return articles, internal


def _ask(articles: dict[int, str], companies: Sequence[str]) -> tuple[list[Outcome], set[int]]:
    """Every question, as a signed-in customer asks it (public and portal articles), and once more with
    the default visibilities; returns the outcomes and every article id either call suggested."""
    from lojal.demo.knowledge import questions_read
    from lojal.knowledge.search import article_suggest

    outcomes: list[Outcome] = []
    shown: set[int] = set()
    for question in questions_read():
        if question.company not in companies:
            continue
        started = time.perf_counter()
        suggestions = article_suggest(
            question=question.question, language=question.language, limit=LIMIT, visibilities=VISIBILITIES
        )
        seconds = time.perf_counter() - started
        default = article_suggest(question=question.question, language=question.language, limit=LIMIT)
        shown.update(item.article_id for item in (*suggestions, *default))
        outcomes.append(
            Outcome(
                question=question.question,
                language=question.language,
                company=question.company,
                expected=question.expected,
                traits=question.traits,
                got=tuple(articles.get(item.article_id, f"?{item.article_id}") for item in suggestions),
                seconds=seconds,
            )
        )
    return outcomes, shown


def _grouped(outcomes: Iterable[Outcome], key: Any) -> dict[str, Tally]:
    groups: dict[str, Tally] = defaultdict(Tally)
    for outcome in outcomes:
        for label in key(outcome):
            groups[label].add(outcome)
    return dict(sorted(groups.items()))


def _table(title: str, groups: dict[str, Tally]) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| group | questions | hit@1 | hit@3 | MRR@3 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [tally.row(label) for label, tally in groups.items()]
    return [*lines, ""]


def _report(args: argparse.Namespace, facts: dict[str, str], outcomes: Sequence[Outcome]) -> str:
    overall = Tally()
    for outcome in outcomes:
        overall.add(outcome)
    seconds = [outcome.seconds for outcome in outcomes]
    lines = [
        f"## kb-quality on {args.database}, knowledge bases: {args.company} (commit {commit()})",
        "",
        f"{machine()}",
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        f"- suggestion time per question: median {statistics.median(seconds) * 1000:.1f} ms, "
        f"p95 {percentile(seconds, 0.95) * 1000:.1f} ms (a small base; see kb-suggest for speed)",
        f"- visibilities asked: {', '.join(VISIBILITIES)}; limit {LIMIT}",
        "",
        *_table("Overall", {"all": overall}),
        *_table("Per language", _grouped(outcomes, lambda o: [o.language])),
        *_table("Per company", _grouped(outcomes, lambda o: [o.company])),
        *_table(
            "Per trait (a question may have several; none = plain)",
            _grouped(outcomes, lambda o: list(o.traits) or ["none"]),
        ),
        *_table("Per language and company", _grouped(outcomes, lambda o: [f"{o.language} {o.company}"])),
    ]
    if args.misses != "none":
        missed = [outcome for outcome in outcomes if outcome.rank is None]
        lines += [
            f"### Misses at 3 ({len(missed)})",
            "",
            "| lang | question | expected | got |",
            "| --- | --- | --- | --- |",
        ]
        lines += [_miss_row(outcome) for outcome in missed]
        lines.append("")
    if args.misses == "all":
        late = [outcome for outcome in outcomes if outcome.rank not in (None, 1)]
        lines += [
            f"### Right, but not first ({len(late)})",
            "",
            "| lang | question | expected | got |",
            "| --- | --- | --- | --- |",
        ]
        lines += [_miss_row(outcome) for outcome in late]
        lines.append("")
    return "\n".join(lines)


def _miss_row(outcome: Outcome) -> str:
    got = ", ".join(outcome.got) or "(nothing)"
    traits = f" *({', '.join(outcome.traits)})*" if outcome.traits else ""
    question = outcome.question.replace("|", "/")
    return f"| {outcome.language} | {question}{traits} | {', '.join(outcome.expected)} | {got} |"
