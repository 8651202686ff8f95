"""One markdown table of figures plus the facts needed to read it (machine, database, server)."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.http import percentile


@dataclass
class Row:
    measurement: str
    requests: int
    rate: str = ""
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    server_p50_ms: float | None = None
    result: str = ""

    @classmethod
    def from_latencies(
        cls,
        measurement: str,
        seconds: Sequence[float],
        *,
        rate: str = "",
        server_ms: Sequence[float] = (),
        result: str = "",
    ) -> Row:
        return cls(
            measurement,
            len(seconds),
            rate,
            percentile(seconds, 0.50) * 1000,
            percentile(seconds, 0.95) * 1000,
            percentile(seconds, 0.99) * 1000,
            percentile(server_ms, 0.50) if server_ms else None,
            result,
        )


def _ms(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| measurement | requests | rate | p50 ms | p95 ms | p99 ms | server p50 ms | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.measurement} | {row.requests:,} | {row.rate} | {_ms(row.p50_ms)} | {_ms(row.p95_ms)} | "
            f"{_ms(row.p99_ms)} | {_ms(row.server_p50_ms)} | {row.result} |"
        )
    return "\n".join(lines)


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{memory_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        memory = "unknown RAM"
    return (
        f"{os.cpu_count()} CPUs ({model or platform.processor() or 'unknown'}), {memory}, {platform.system()}"
    )


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
        )
        return head + (" + uncommitted changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
