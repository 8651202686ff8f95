"""Fresh benchmark databases: a SQLite file under bench/results/, or a PostgreSQL database ``lojal_bench``
on the server named by LOJAL_BENCH_POSTGRES_URL."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_DATABASE = "lojal_bench"


@dataclass
class BenchDatabase:
    kind: str
    url: str
    sqlite_path: Path | None = None
    server_url: str = ""
    name: str = POSTGRES_DATABASE

    def create(self) -> None:
        """Drop what a previous run left and create an empty database."""
        if self.sqlite_path is not None:
            self._remove_sqlite_files()
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            return
        with _admin_connection(self.server_url) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {self.name}")

    def exists(self) -> bool:
        if self.sqlite_path is not None:
            return self.sqlite_path.exists()
        with _admin_connection(self.server_url) as connection:
            row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
        return row is not None

    def drop(self) -> None:
        if self.sqlite_path is not None:
            self._remove_sqlite_files()
            return
        with _admin_connection(self.server_url) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def _remove_sqlite_files(self) -> None:
        assert self.sqlite_path is not None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)

    def size_bytes(self) -> int:
        if self.sqlite_path is not None:
            return sum(
                Path(f"{self.sqlite_path}{suffix}").stat().st_size
                for suffix in ("", "-wal")
                if Path(f"{self.sqlite_path}{suffix}").exists()
            )
        with _admin_connection(self.server_url) as connection:
            row = connection.execute("SELECT pg_database_size(%s)", [self.name]).fetchone()
        return int(row[0]) if row else 0

    def describe(self) -> str:
        """The engine version and the settings that matter for write speed, for the report."""
        if self.sqlite_path is not None:
            import sqlite3

            return (
                f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL, as Lojal configures it), "
                f"file {self.sqlite_path.relative_to(RESULTS.parent.parent)}"
            )
        with _admin_connection(self.server_url) as connection:
            version = connection.execute("SHOW server_version").fetchone()
            settings = {
                name: connection.execute(f"SHOW {name}").fetchone()
                for name in ("fsync", "synchronous_commit", "shared_buffers", "max_connections")
            }
        described = ", ".join(f"{name}={row[0] if row else '?'}" for name, row in settings.items())
        return f"PostgreSQL {version[0] if version else '?'} ({described})"


def _admin_connection(server_url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(server_url, autocommit=True)


def bench_database(kind: str, name: str = POSTGRES_DATABASE) -> BenchDatabase:
    """The benchmark database ``name`` (each benchmark its own, so they can run side by side)."""
    if kind == "sqlite":
        path = RESULTS / ("bench-sqlite.sqlite3" if name == POSTGRES_DATABASE else f"{name}.sqlite3")
        return BenchDatabase(kind=kind, url=f"sqlite:///{path}", sqlite_path=path, name=name)
    server_url = os.environ.get("LOJAL_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    parts = urlsplit(server_url)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    return BenchDatabase(kind=kind, url=url, server_url=server_url, name=name)


def lojal_command(args: list[str], env: dict[str, str]) -> str:
    """Run ``lojal <args>`` from this virtualenv with ``env``; returns its stdout, fails loudly."""
    lojal = Path(sys.executable).parent / "lojal"
    completed = subprocess.run(
        [str(lojal), *args], env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"lojal {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout
