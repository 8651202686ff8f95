"""Only the timeline app writes timeline events: every other module hands drafts from
``lojal.timeline.events`` to the timeline's services. A source scan guards it, as a lint would."""

from __future__ import annotations

import re
from pathlib import Path

import lojal

SOURCE = Path(lojal.__file__).resolve().parent
TIMELINE = SOURCE / "timeline"
BENCH = SOURCE.parents[1] / "bench"  # the benchmarks load their data through the same services
_WRITES = [
    re.compile(r"(?<![\w.])Event\s*\("),
    re.compile(r"\bEventDraft\s*\("),  # a draft comes from a builder, never shaped by hand
    re.compile(r"\bEvent\.objects\.(create|bulk_create|get_or_create|update_or_create)\b"),
    re.compile(r"\bEvent\.objects\b[^\n]*\.(update|delete)\("),
    re.compile(r"\bEvent\._meta\b"),
    re.compile(r"\bbulk_insert(_many)?\(\s*Event\b"),
    re.compile(r"\(\s*Event\s*,"),
    re.compile(r"\bimport\s+Event\s+as\b"),
    re.compile(r"(?i)\b(insert\s+into|copy|update|delete\s+from)\s+[\"'`]?timeline_event\b"),
]


def event_writes(text: str) -> list[str]:
    """Where ``text`` builds an Event row or writes the event table directly: each match, spread over
    lines or not, as "line: words"."""
    found = {
        (text.count("\n", 0, match.start()) + 1, " ".join(match.group().split()))
        for pattern in _WRITES
        for match in pattern.finditer(text)
    }
    return [f"{line}: {words}" for line, words in sorted(found)]


def test_no_module_outside_the_timeline_writes_events_directly() -> None:
    paths = [*SOURCE.rglob("*.py"), *BENCH.rglob("*.py")]
    found = {
        str(path.relative_to(SOURCE.parents[1])): lines
        for path in sorted(paths)
        if TIMELINE not in path.parents and (lines := event_writes(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_scan_finds_each_way_of_writing_events_by_hand() -> None:
    # given the ways events used to be written outside the timeline, and harmless look-alikes
    written = [
        "Event.objects.create(customer_id=1, kind='note.added')",
        "Event.objects.bulk_create([Event(customer=c) for c in customers])",
        "Event.objects.filter(customer_id=old).update(customer_id=new)",
        "bulk_insert(Event, EVENT_COLUMNS, rows)",
        "            (Event, EVENT_COLUMNS, rows),",
        "    bulk_insert(\n        Event,\n        EVENT_COLUMNS,",
        "    inserts += [\n        (\n            Event,\n            EVENT_COLUMNS,",
        'f"INSERT INTO {quote(Event._meta.db_table)} "',
        "INSERT INTO timeline_event (customer_id, kind) SELECT 1, 'x'",
        'COPY "timeline_event" (customer_id) FROM STDIN',
        "from lojal.timeline.models import Event as TimelineEvent",
        "EventDraft(customer_id=1, kind='sales.transaction', occurred_at=now, summary='')",
    ]
    harmless = [
        "stop = threading.Event()",
        "FROM timeline_event e LEFT JOIN accounts_user u ON u.id = e.actor_id",
        "event_record(events.note_added(customer_id=1, text='x'))",
        "class CallEventIn(Schema):",
    ]
    # then each written one is found, and none of the others
    assert [bool(event_writes(text)) for text in written] == [True] * len(written)
    assert [event_writes(text) for text in harmless] == [[] for _text in harmless]
