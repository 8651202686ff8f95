"""`make test`: the suite on SQLite (plus browser tests where Chromium is installed), then again on
PostgreSQL when LOJAL_TEST_DATABASE_URL is set; lint, type and app-boundary checks too when CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def run(title: str, command: list[str], env: dict[str, str] | None = None) -> int:
    print(f"\n=== {title}: {' '.join(command)}", flush=True)
    return subprocess.call(command, env={**os.environ, **(env or {})})


def main() -> int:
    python = sys.executable
    bin_dir = Path(python).parent
    extra = sys.argv[1:]
    failures: list[str] = []
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    if in_ci:
        if run("ruff", [str(bin_dir / "ruff"), "check", "src", "tests", "bench"]):
            failures.append("ruff")
        if run("mypy", [str(bin_dir / "mypy")], {"LOJAL_TESTING": "1"}):
            failures.append("mypy")
        if run("import-linter", [str(bin_dir / "lint-imports"), "--no-cache"]):
            failures.append("import-linter")
    marker = "" if CHROMIUM.exists() else "not browser"
    if not CHROMIUM.exists():
        print("Chromium is not at /usr/bin/chromium: browser tests are skipped.")
    sqlite_args = [python, "-m", "pytest", "-q", *(["-m", marker] if marker else []), *extra]
    if run("tests on SQLite", sqlite_args):
        failures.append("SQLite suite")
    if os.environ.get("LOJAL_TEST_DATABASE_URL"):
        postgres_args = [python, "-m", "pytest", "-q", "-m", "not browser", *extra]
        if run("tests on PostgreSQL", postgres_args, {"LOJAL_TEST_ON_POSTGRES": "1"}):
            failures.append("PostgreSQL suite")
    else:
        print("LOJAL_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped.")
    if failures:
        print(f"\nFAILED: {', '.join(failures)}")
        return 1
    print("\nAll test runs passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
