"""Backup and restore of a whole Lojal installation into one archive file (``lojal backup`` and
``lojal restore``): the database, the stored import files, and a manifest to check a restore against.

The database is copied by its own tools, consistent while Lojal keeps running: SQLite through its online
backup API (``sqlite3.Connection.backup``), PostgreSQL through ``pg_dump --format=custom`` from an exported
snapshot, the same snapshot the manifest's checksums are computed in. Interaction attachments and raw
emails live in the database; the files are the uploaded imports (LOJAL_IMPORT_DIR). The manifest holds,
per table, the row count and a SHA-256 over its rows in primary-key order, and per file its size and
SHA-256; a restore recomputes them all and names whatever differs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from psycopg import sql

from lojal.core.errors import LojalError

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
FILES_PREFIX = "files/imports/"
_CHUNK = 1 << 20


class BackupError(LojalError):
    """A backup or restore that cannot be made: the reason is for the operator."""


def lojal_version() -> str:
    try:
        return version("lojal")
    except PackageNotFoundError:
        return "unknown"


@dataclass
class Manifest:
    vendor: str
    lojal_version: str
    created_at: str
    tables: dict[str, dict[str, Any]]
    files: dict[str, dict[str, Any]]
    format: int = FORMAT

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        values = json.loads(data)
        if values.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {values.get('format')!r}; this Lojal reads {FORMAT}.")
        return cls(**values)


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    differences: list[str] = field(default_factory=list)


# ---- checksums -------------------------------------------------------------------------------------


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def sqlite_checksums(path: Path) -> dict[str, dict[str, Any]]:
    """Rows and SHA-256 of every table of the SQLite file at ``path``, rows in primary-key order."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result: dict[str, dict[str, Any]] = {}
        for table in _sqlite_tables(db):
            quoted = '"' + table.replace('"', '""') + '"'
            keys = [row[1] for row in db.execute(f"PRAGMA table_info({quoted})") if row[5]]
            is_virtual = db.execute(
                "SELECT sql LIKE 'CREATE VIRTUAL%' FROM sqlite_master WHERE name = ?", [table]
            ).fetchone()[0]
            order = ", ".join('"' + key.replace('"', '""') + '"' for key in sorted(keys)) if keys else "rowid"
            if is_virtual:
                order = "rowid"
            digest, count = hashlib.sha256(), 0
            for row in db.execute(f"SELECT * FROM {quoted} ORDER BY {order}"):
                digest.update(repr(row).encode())
                digest.update(b"\n")
                count += 1
            result[table] = {"rows": count, "sha256": digest.hexdigest()}
        return result
    finally:
        db.close()


def _postgres_tables(cursor: Any) -> list[str]:
    cursor.execute(
        'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename COLLATE "C"'
    )
    return [name for (name,) in cursor.fetchall()]


def postgres_checksums(cursor: Any) -> dict[str, dict[str, Any]]:
    """Rows and SHA-256 of every table in the current schema, each row as PostgreSQL's text of the row,
    in primary-key order (in byte order of the row's text where a table has no primary key)."""
    result: dict[str, dict[str, Any]] = {}
    for table in _postgres_tables(cursor):
        cursor.execute(
            """SELECT a.attname FROM pg_index i
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
               WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attname""",
            [sql.Identifier(table).as_string(cursor.connection)],
        )
        keys = [name for (name,) in cursor.fetchall()]
        order = (
            sql.SQL(", ").join(sql.Identifier(key) for key in keys)
            if keys
            else sql.SQL('t::text COLLATE "C"')
        )
        query = sql.SQL("SELECT t::text FROM {} AS t ORDER BY {}").format(sql.Identifier(table), order)
        digest, count = hashlib.sha256(), 0
        with cursor.connection.cursor(name=f"lojal_checksum_{count}_{len(result)}") as rows:
            rows.itersize = 5000
            rows.execute(query)
            for (text,) in rows:
                digest.update(text.encode())
                digest.update(b"\n")
                count += 1
        result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def file_checksums(directory: Path) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    if not directory.is_dir():
        return result
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        result[path.relative_to(directory).as_posix()] = {
            "size": path.stat().st_size,
            "sha256": digest.hexdigest(),
        }
    return result


# ---- PostgreSQL tools ------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: from LOJAL_PG_BIN_DIR, else PATH, else the newest Debian install."""
    configured = getattr(settings, "LOJAL_PG_BIN_DIR", "")
    if configured:
        return str(Path(configured) / name)
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if installed:
        return str(installed[-1])
    raise BackupError(f"{name} was not found: install the PostgreSQL client or set LOJAL_PG_BIN_DIR.")


def _libpq(database: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The connection string and environment for the PostgreSQL tools, from Django's database settings."""
    parts = {
        "host": database.get("HOST"),
        "port": database.get("PORT"),
        "user": database.get("USER"),
        "dbname": database["NAME"],
    }
    conninfo = " ".join(f"{key}={value}" for key, value in parts.items() if value)
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return conninfo, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {completed.stderr.strip()[-2000:]}")


# ---- backup ----------------------------------------------------------------------------------------


def backup_create(*, target: Path, alias: str = "default") -> Manifest:
    """Write the archive to ``target`` (a .tar, or .tar.gz to compress), by way of a temporary file
    beside it, so a failed backup never leaves a truncated archive under the target's name."""
    database = connections[alias]
    vendor = database.vendor
    import_dir = Path(settings.IMPORT_DIR)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lojal-backup-") as work:
        workdir = Path(work)
        if vendor == "sqlite":
            member = workdir / SQLITE_MEMBER
            database.ensure_connection()
            source = database.connection
            copy = sqlite3.connect(member)
            try:
                source.backup(copy)
            finally:
                copy.close()
            tables = sqlite_checksums(member)
        elif vendor == "postgresql":
            member = workdir / POSTGRES_MEMBER
            tables = _postgres_dump(database.settings_dict, member)
        else:
            raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
        manifest = Manifest(
            vendor=vendor,
            lojal_version=lojal_version(),
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            tables=tables,
            files=file_checksums(import_dir),
        )
        partial = target.with_name(target.name + ".partial")
        mode = "w:gz" if target.name.endswith(".gz") else "w"
        with tarfile.open(partial, mode) as archive:  # type: ignore[call-overload]
            info = tarfile.TarInfo(MANIFEST)
            data = manifest.as_json()
            info.size, info.mtime = len(data), int(dt.datetime.now(dt.UTC).timestamp())
            archive.addfile(info, fileobj=io.BytesIO(data))
            archive.add(member, arcname=member.name)
            for name in manifest.files:
                archive.add(import_dir / name, arcname=FILES_PREFIX + name)
        partial.replace(target)
    return manifest


def _postgres_dump(database: dict[str, Any], member: Path) -> dict[str, dict[str, Any]]:
    """Checksums and pg_dump from one exported snapshot, so both see exactly the same rows."""
    import psycopg

    conninfo, environment = _libpq(database)
    with psycopg.connect(conninfo, password=database.get("PASSWORD") or None) as snapshot_holder:
        snapshot_holder.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot_holder.read_only = True
        with snapshot_holder.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            snapshot = row[0]
            _run(
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={member}",
                    f"--dbname={conninfo}",
                ],
                environment,
            )
            tables = postgres_checksums(cursor)
        snapshot_holder.rollback()
    return tables


# ---- restore ---------------------------------------------------------------------------------------


def _manifest_of(archive: tarfile.TarFile) -> Manifest:
    member = archive.extractfile(MANIFEST)
    if member is None:
        raise BackupError("This file is not a Lojal backup: it has no manifest.")
    return Manifest.from_json(member.read())


def backup_read_manifest(*, source: Path) -> Manifest:
    with tarfile.open(source, "r:*") as archive:
        return _manifest_of(archive)


def database_is_empty(alias: str = "default") -> bool:
    """True when the database has no tables at all (a new file, or a database just created)."""
    with connections[alias].cursor() as cursor:
        return not connections[alias].introspection.table_names(cursor)


def backup_restore(*, source: Path, force: bool = False, alias: str = "default") -> RestoreReport:
    """Restore the archive into the configured database and import directory; refuses a database that
    has tables unless ``force``. Returns what differs from the manifest (nothing, after a good restore)."""
    database = connections[alias]
    with tarfile.open(source, "r:*") as archive:
        manifest = _manifest_of(archive)
        if manifest.vendor != database.vendor:
            raise BackupError(
                f"The backup is of a {manifest.vendor} database; this Lojal uses {database.vendor}."
            )
        if not force and not database_is_empty(alias):
            raise BackupError(
                "The target database is not empty. Restore into a new, empty database, or pass --force "
                "to replace everything in it."
            )
        with tempfile.TemporaryDirectory(prefix="lojal-restore-") as work:
            workdir = Path(work)
            member_name = SQLITE_MEMBER if database.vendor == "sqlite" else POSTGRES_MEMBER
            archive.extract(member_name, workdir, filter="data")
            if database.vendor == "sqlite":
                _sqlite_restore(alias, workdir / member_name)
            else:
                _postgres_restore(alias, workdir / member_name, force=force)
        import_dir = Path(settings.IMPORT_DIR)
        for name in manifest.files:
            _extract_file(archive, FILES_PREFIX + name, import_dir / name)
    return _compare(manifest, alias, import_dir)


def _extract_file(archive: tarfile.TarFile, member_name: str, destination: Path) -> None:
    source = archive.extractfile(member_name)
    if source is None:
        raise BackupError(f"The backup lacks the file {member_name}.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("wb") as handle:
        shutil.copyfileobj(source, handle, _CHUNK)


def _sqlite_restore(alias: str, member: Path) -> None:
    database = connections[alias]
    database.close()
    target = sqlite3.connect(database.settings_dict["NAME"])
    source = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _postgres_restore(alias: str, member: Path, *, force: bool) -> None:
    database = connections[alias]
    if force:
        with database.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    database.close()
    conninfo, environment = _libpq(database.settings_dict)
    _run(
        [
            pg_tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={conninfo}",
            str(member),
        ],
        environment,
    )


def _current_checksums(alias: str) -> dict[str, dict[str, Any]]:
    database = connections[alias]
    database.close()
    if database.vendor == "sqlite":
        return sqlite_checksums(Path(database.settings_dict["NAME"]))
    import psycopg

    conninfo, _environment = _libpq(database.settings_dict)
    with psycopg.connect(conninfo, password=database.settings_dict.get("PASSWORD") or None) as reader:
        reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with reader.cursor() as cursor:
            return postgres_checksums(cursor)


def _compare(manifest: Manifest, alias: str, import_dir: Path) -> RestoreReport:
    report = RestoreReport()
    restored = _current_checksums(alias)
    for table, expected in manifest.tables.items():
        found = restored.get(table)
        if found is None:
            report.differences.append(f"table {table}: missing after the restore")
        elif found["rows"] != expected["rows"]:
            report.differences.append(
                f"table {table}: {found['rows']} rows, the backup has {expected['rows']}"
            )
        elif found["sha256"] != expected["sha256"]:
            report.differences.append(f"table {table}: same row count, different contents (checksum)")
        report.tables += 1
        report.rows += expected["rows"]
    for table in sorted(set(restored) - set(manifest.tables)):
        report.differences.append(f"table {table}: in the database but not in the backup")
    files = file_checksums(import_dir)
    for name, expected in manifest.files.items():
        if files.get(name, {}).get("sha256") != expected["sha256"]:
            report.differences.append(f"file {name}: missing or different after the restore")
        report.files += 1
    return report


def iter_differences(report: RestoreReport) -> Iterator[str]:
    yield from report.differences
