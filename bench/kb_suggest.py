"""FAQ suggestions over a large knowledge base: generate N published-and-draft articles in five
languages (real words of a bank's and a shop's help pages, compounds in sv/nb/da), build the index with
``index_rebuild``, then time ``article_suggest`` on questions written as customers write them (greetings,
inflections, compounds, typos, no diacritics). Prints p50/p95/p99 and the queries per call."""

from __future__ import annotations

import argparse
import random
import statistics
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from bench.customers import _load_average, _say
from bench.databases import RESULTS, bench_database, lojal_command
from bench.kb_words import NOUNS, QUESTIONS, SENTENCES, VERBS
from bench.loading import django_setup
from bench.report import commit, machine

DATABASE_NAME = "lojal_bench_kb"
LANGUAGE_SHARES = (("sv", 35), ("nb", 25), ("en", 20), ("da", 10), ("fi", 10))
_JOINS = {"sv": "och", "nb": "og", "da": "og", "fi": "ja", "en": "and"}


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "kb-suggest", help="Time FAQ suggestions (article_suggest) over N generated articles (p50/p95/p99)."
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=500, help="timed suggestion calls")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")


@dataclass(frozen=True)
class _Topic:
    language: str
    verb: str
    noun: str
    noun2: str


def _nouns(language: str) -> list[tuple[str, str]]:
    return [tuple(pair.split(":")) for pair in NOUNS[language].split()]  # type: ignore[misc]


def _compound(first: str, second: str, randomiser: random.Random, language: str = "sv") -> str:
    if language not in {"sv", "nb", "da"}:
        return first
    link = "s" if first[-1] not in "aeiouyåäöø" and randomiser.random() < 0.4 else ""
    return f"{first}{link}{second}"


def _article(language: str, number: int, randomiser: random.Random) -> tuple[dict[str, Any], _Topic]:
    nouns, verbs = _nouns(language), VERBS[language].split()
    (noun, definite), (noun2, definite2) = randomiser.sample(nouns, 2)
    verb = randomiser.choice(verbs)
    shape = randomiser.random()
    if shape < 0.45:
        title = f"{verb.capitalize()} {noun}"
    elif shape < 0.7 or language in {"fi", "en"}:
        title = f"{noun.capitalize()} {_JOINS[language]} {noun2}"
    else:
        title = f"{verb.capitalize()} {_compound(noun, noun2, randomiser, language)}"
    sentences = []
    for _ in range(randomiser.randint(6, 12)):
        other, other_definite = randomiser.choice(nouns)
        sentences.append(
            randomiser.choice(SENTENCES[language]).format(
                verb=randomiser.choice([verb, *randomiser.sample(verbs, 2)]),
                noun=randomiser.choice([definite, definite2, other_definite, noun]),
                noun2=randomiser.choice([other, noun2, _compound(other, noun2, randomiser, language)]),
            )
        )
    body = "\n\n".join(" ".join(sentences[index : index + 3]) for index in range(0, len(sentences), 3))
    draw = randomiser.random()
    fields = {
        "language": language,
        "title": title,
        "slug": f"article-{number}",
        "body": body,
        "tags": [noun, noun2][: randomiser.randint(1, 2)],
        "visibility": "public" if draw < 0.8 else "portal" if draw < 0.95 else "internal",
        "status": "published" if randomiser.random() < 0.95 else "draft",
    }
    return fields, _Topic(language, verb, noun if shape < 0.45 else definite, noun2)


def _noisy(text: str, language: str, randomiser: random.Random) -> str:
    """A question as typed: sometimes without diacritics, sometimes with two letters swapped."""
    if randomiser.random() < 0.25:
        text = "".join(
            char
            for char in unicodedata.normalize("NFKD", text.replace("ø", "o"))
            if not unicodedata.combining(char)
        )
    if randomiser.random() < 0.2:
        words = text.split()
        long_words = [index for index, word in enumerate(words) if len(word) >= 6 and word.isalpha()]
        if long_words:
            index = randomiser.choice(long_words)
            word, at = words[index], randomiser.randint(1, len(words[index]) - 2)
            words[index] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
            text = " ".join(words)
    return text


def _question(topic: _Topic, randomiser: random.Random) -> str:
    noun2 = topic.noun2
    if topic.language in {"sv", "nb", "da"} and randomiser.random() < 0.15:
        noun2 = _compound(topic.noun2, topic.noun.split()[0], randomiser, topic.language)
    text = randomiser.choice(QUESTIONS[topic.language]).format(verb=topic.verb, noun=topic.noun, noun2=noun2)
    return _noisy(text, topic.language, randomiser)


def _generate(args: argparse.Namespace) -> list[_Topic]:
    from lojal.knowledge.models import Article

    randomiser = random.Random(args.seed)
    languages = [language for language, share in LANGUAGE_SHARES for _ in range(share)]
    topics, batch = [], []
    for number in range(args.articles):
        fields, topic = _article(randomiser.choice(languages), number, randomiser)
        batch.append(Article(**fields))
        if fields["status"] == "published" and fields["visibility"] == "public":
            topics.append(topic)
        if len(batch) == 2000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)
    return topics


def _vacuum() -> None:
    """As autovacuum would soon after a rebuild: statistics, and the visibility map that lets
    PostgreSQL answer from the covering index alone."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _measure(questions: list[tuple[str, str]]) -> tuple[list[float], dict[str, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lojal.knowledge.search import article_suggest

    facts: dict[str, str] = {}
    for language, _share in LANGUAGE_SHARES:  # each language's vocabulary into this process's cache
        started = time.perf_counter()
        article_suggest(question="konto", language=language)
        facts[f"first call in {language} (loads the vocabulary)"] = (
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
    with CaptureQueriesContext(connection) as queries:
        article_suggest(question=questions[0][1], language=questions[0][0])
    facts["queries per suggestion"] = str(len(queries))
    timings, cpu, empty = [], [], 0
    for language, question in questions:
        started, started_cpu = time.perf_counter(), time.thread_time()
        found = article_suggest(question=question, language=language)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        empty += not found
    facts["questions with no suggestion"] = f"{empty} of {len(questions)}"
    # CPU time of this process per call (SQLite's work included, PostgreSQL's server not): less
    # sensitive than wall time to other work on a shared machine.
    facts["CPU time of the calling thread per suggestion, p50/p95/p99"] = (
        f"{_percentile(cpu, 0.5):.2f} / {_percentile(cpu, 0.95):.2f} / {_percentile(cpu, 0.99):.2f} ms"
    )
    return timings, facts


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


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
        if not args.reuse:
            _say(f"Creating {args.database} database {args.database_name} and migrating it")
            database.create()
            lojal_command(["migrate", "--noinput"], env)
        django_setup(env)
        from lojal.knowledge.indexing import index_rebuild
        from lojal.knowledge.models import Article, SearchPosting, SearchTerm

        randomiser = random.Random(args.seed + 1)
        if not args.reuse:
            _say(f"Generating {args.articles:,} articles")
            topics = _generate(args)
            started = time.monotonic()
            indexed = index_rebuild()
            facts["index_rebuild"] = f"{indexed:,} published articles in {time.monotonic() - started:,.1f} s"
            if args.database == "postgres":
                _vacuum()
        else:
            topics = []
            for row in Article.objects.filter(status="published", visibility="public").values(
                "language", "title"
            ):
                words = row["title"].lower().split()
                topics.append(_Topic(row["language"], words[0], words[-1], words[-1]))
        facts["articles"] = (
            f"{Article.objects.count():,} ({Article.objects.filter(status='published').count():,} published)"
        )
        facts["postings"] = f"{SearchPosting.objects.count():,}"
        facts["vocabulary (terms, all languages)"] = f"{SearchTerm.objects.count():,}"
        facts["database size"] = f"{database.size_bytes() / 1024 / 1024:,.0f} MB"
        questions = [
            (topic.language, _question(topic, randomiser))
            for topic in randomiser.choices(topics, k=args.questions)
        ]
        facts["example questions"] = " | ".join(question for _, question in questions[:3])
        facts["load average at the measurement"] = _load_average()
        timings, measured = _measure(questions)
        facts.update(measured)
        facts["load average after"] = _load_average()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            database.drop()
    lines = [
        f"# kb-suggest: {args.articles:,} articles, {len(timings)} suggestions, {args.database}",
        "",
        f"- commit {commit()}, {machine()}",
        f"- {database.describe()}",
        *(f"- {name}: {value}" for name, value in facts.items()),
        "",
        "| p50 | p95 | p99 | mean | max |",
        "| --- | --- | --- | --- | --- |",
        f"| {_percentile(timings, 0.5):.2f} ms | {_percentile(timings, 0.95):.2f} ms | "
        f"{_percentile(timings, 0.99):.2f} ms | {statistics.fmean(timings):.2f} ms | {max(timings):.2f} ms |",
    ]
    report = "\n".join(lines)
    print()
    print(report)
    path = RESULTS / f"kb-suggest-{args.database}-{args.articles}.md"
    path.write_text(report + "\n")
    _say(f"written to {path}")
    return 0
