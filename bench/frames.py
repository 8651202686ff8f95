"""The columnar reader against today's per-cell reader, on the imports benchmark's transaction file:
read every row and check every value column (amount, margin, date and time, quantity) and hash the
row, once through lojal.imports.columnar (polars batches, vectorised expressions) and once through
reading.open_table with values.parse_decimal / parse_moment per cell.

    python -m bench frames --rows 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.imports import write_transactions
from bench.loading import django_setup

ZONE = "Europe/Stockholm"
# The benchmark file's columns: Verifikation;Kundnr;Datum;Typ;Antal;Belopp;Valuta;TB;Kanal
DATE, QUANTITY, AMOUNT, MARGIN = 2, 4, 5, 7


def _columnar(path: Path, batch_rows: int) -> tuple[int, int]:
    import polars as pl

    from lojal.imports.columnar.frames import open_frames
    from lojal.imports.columnar.values import (
        date_expr,
        decimal_expr,
        moment_expr,
        parsed_columns,
        row_hash_expr,
    )

    source = open_frames(path, batch_rows=batch_rows)
    names = source.columns
    amount = decimal_expr(names[AMOUNT], "sv_SE", scale=2)
    margin = decimal_expr(names[MARGIN], "sv_SE", scale=2)
    quantity = decimal_expr(names[QUANTITY], "sv_SE", scale=3)
    moment = moment_expr(names[DATE], ZONE)
    parsed = {"amount": amount, "margin": margin, "quantity": quantity, "occurred_at": moment}
    rejects = pl.any_horizontal([pl.col(f"{name}_reason").is_not_null() for name in parsed])
    rows = rejected = 0
    for frame in source.batches():
        hashed = frame.with_columns(row_hash=row_hash_expr(names, suffix="\x1fSEK"))
        checked = parsed_columns(hashed, parsed, "line", "row_hash")
        rows += checked.height
        rejected += int(checked.select(rejects.sum()).item())
    # date_expr is the date-only reader; run it once so the benchmark fails loudly if it breaks.
    pl.DataFrame({"d": ["2026-03-14"]}).select(date_expr("d").value)
    return rows, rejected


def _per_cell(path: Path) -> tuple[int, int]:
    from lojal.imports.reading import open_table
    from lojal.imports.values import parse_decimal, parse_moment

    rows = rejected = 0
    md5 = hashlib.md5
    with open_table(path) as table:
        for _line, cells in table.rows:
            rows += 1
            try:
                parse_decimal(cells[AMOUNT])
                parse_decimal(cells[MARGIN])
                parse_decimal(cells[QUANTITY])
                parse_moment(cells[DATE], ZONE)
            except ValueError:
                rejected += 1
            md5("\x1f".join([*cells, "SEK"]).encode(), usedforsecurity=False).hexdigest()
    return rows, rejected


def _timed(label: str, work: Any, rows_wanted: int) -> float:
    started = time.perf_counter()
    rows, rejected = work()
    seconds = time.perf_counter() - started
    assert rows == rows_wanted, (label, rows, rows_wanted)
    print(
        f"{label:<44} {seconds:7.2f} s  {rows / seconds:>12,.0f} rows/s  {seconds / rows * 1e6:6.2f} µs/row"
        f"  ({rejected} rejected)"
    )
    return seconds


def run(args: argparse.Namespace) -> int:
    django_setup({"LOJAL_TESTING": "1"})
    # Imported before the clocks start: both readers are timed on their work, not on loading polars.
    import lojal.imports.columnar.frames
    import lojal.imports.columnar.values
    import lojal.imports.reading  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="lojal-bench-frames-") as directory:
        path = Path(directory) / "transactions.csv"
        started = time.perf_counter()
        write_transactions(path, args.rows, max(1, args.rows // 10))
        print(
            f"wrote {args.rows:,} transaction rows ({path.stat().st_size / 1e6:,.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s; {os.cpu_count()} cores"
        )
        columnar = _timed(
            "columnar (polars batches, vectorised checks)",
            lambda: _columnar(path, args.batch_rows),
            args.rows,
        )
        if args.skip_per_cell:
            return 0
        per_cell = _timed("per cell (open_table + values.parse_*)", lambda: _per_cell(path), args.rows)
        print(f"columnar is {per_cell / columnar:.1f}x faster")
    return 0


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "frames", help="Read and check the transaction file through the columnar reader and per cell."
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-rows", type=int, default=100_000)
    parser.add_argument("--skip-per-cell", action="store_true", help="time only the columnar reader")
