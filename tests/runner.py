"""`make test`: the suite on SQLite (plus browser tests where Chromium is installed), then again on
PostgreSQL when LOJAL_TEST_DATABASE_URL is set; lint, type and app-boundary checks too when CI=true."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
# Known vulnerabilities accepted with a reason (docs/security.md lists each): "ID": "reason".
AUDIT_ACCEPTED: dict[str, str] = {}
# pip-audit's errors when it cannot reach the vulnerability service at all: reported, not a failure of
# the code under test (a found vulnerability always is).
_UNREACHABLE = (
    "ConnectionError",
    "ServiceError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
)


def run(title: str, command: list[str], env: dict[str, str] | None = None) -> int:
    print(f"\n=== {title}: {' '.join(command)}", flush=True)
    return subprocess.call(command, env={**os.environ, **(env or {})})


def run_side_by_side(suites: list[tuple[str, list[str], dict[str, str]]]) -> list[str]:
    """Run the suites at the same time (the SQLite and PostgreSQL runs share no database and each
    keeps one core busy), each into its own log, printed whole when it ends; returns the failed ones."""
    failed = []
    with contextlib.ExitStack() as logs:
        started = []
        for title, command, env in suites:
            log = logs.enter_context(tempfile.TemporaryFile(mode="w+"))
            print(f"\n=== {title} (started): {' '.join(command)}", flush=True)
            process = subprocess.Popen(
                command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
            )
            started.append((title, process, log))
        for title, process, log in started:
            code = process.wait()
            log.seek(0)
            print(f"\n=== {title}: exit {code}", flush=True)
            sys.stdout.write(log.read())
            sys.stdout.flush()
            if code:
                failed.append(title.replace("tests on ", "") + " suite")
    return failed


def audit(bin_dir: Path) -> bool:
    """pip-audit over the locked environment (uv.lock exported with hashes, every dependency group).
    Fails on any known vulnerability not accepted in AUDIT_ACCEPTED; says so plainly when the
    vulnerability service could not be asked about some packages, rather than calling them clean."""
    print("\n=== pip-audit: the locked environment", flush=True)
    uv = ROOT / ".tools" / "bin" / "uv"
    uv_command = str(uv) if uv.exists() else shutil.which("uv")
    if uv_command is None:
        print("uv is not installed: cannot export the lock file to audit it.")
        return False
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        export = [uv_command, "export", "--frozen", "--quiet", "--format", "requirements-txt"]
        export += ["--no-emit-project", "--all-groups", "--project", str(ROOT), "-o", str(requirements)]
        if subprocess.call(export):
            return False
        command = [str(bin_dir / "pip-audit"), "--disable-pip", "-r", str(requirements)]
        command += ["--format", "json", "--progress-spinner", "off"]
        for vulnerability in AUDIT_ACCEPTED:
            command += ["--ignore-vuln", vulnerability]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            print("pip-audit: the vulnerability service did not answer in 15 minutes: NOT audited.")
            return True
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout, result.stderr)
        unreachable = any(sign in result.stderr for sign in _UNREACHABLE)
        if unreachable:
            print("pip-audit: the vulnerability service could not be reached: NOT audited.")
        return unreachable
    dependencies = report.get("dependencies", [])
    found = [(item["name"], item["version"], vuln) for item in dependencies for vuln in item.get("vulns", [])]
    skipped = [item for item in dependencies if item.get("skip_reason")]
    for name, version, vuln in found:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
        print(f"{name} {version}: {vuln['id']} (fixed in {fixed}) {vuln.get('description', '')[:200]}")
    audited = len(dependencies) - len(skipped)
    print(
        f"pip-audit: {audited} of {len(dependencies)} packages audited, {len(found)} known vulnerabilities."
    )
    if skipped:
        print(
            f"pip-audit: {len(skipped)} packages NOT audited (the vulnerability service did not answer for "
            f"them: {skipped[0]['skip_reason']}); this is not a clean result for them."
        )
    return not found


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
        if not audit(bin_dir):
            failures.append("pip-audit")
    marker = "" if CHROMIUM.exists() else "not browser"
    if not CHROMIUM.exists():
        print("Chromium is not at /usr/bin/chromium: browser tests are skipped.")
    suites = [
        ("tests on SQLite", [python, "-m", "pytest", "-q", *(["-m", marker] if marker else []), *extra], {})
    ]
    if os.environ.get("LOJAL_TEST_DATABASE_URL"):
        postgres_args = [python, "-m", "pytest", "-q", "-m", "not browser", *extra]
        suites.append(("tests on PostgreSQL", postgres_args, {"LOJAL_TEST_ON_POSTGRES": "1"}))
    else:
        print("LOJAL_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped.")
    failures += run_side_by_side(suites)
    if failures:
        print(f"\nFAILED: {', '.join(failures)}")
        return 1
    print("\nAll test runs passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
