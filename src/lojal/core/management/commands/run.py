"""``lojal run``: migrate, load the demo data on first run, then serve with gunicorn plus a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Prepare the database and start the web server and a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("LOJAL_PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("LOJAL_HOST", "127.0.0.1"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("LOJAL_WEB_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="Start only the web server.")
        parser.add_argument(
            "--no-demo", action="store_true", help="Do not load demo data into an empty database."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if settings.DEMO and not options["no_demo"]:
            call_command("demo", "load", "--if-empty")
        if not options["no_worker"]:
            call_command("lifecycle", "--schedule", verbosity=0)
            call_command("purge_import_files", "--schedule", verbosity=0)
            call_command("outbox", "--schedule", verbosity=0)
            call_command("retention", "--schedule", verbosity=0)
            call_command("reminders", "--schedule", verbosity=0)
            call_command("sla", "--schedule", verbosity=0)
            call_command("kpi_rollup", "--schedule", verbosity=0)
        bin_dir = Path(sys.executable).parent
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lojal.settings"}
        web = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "lojal.wsgi:application",
                "--bind",
                f"{options['host']}:{options['port']}",
                "--workers",
                str(options["web_workers"]),
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            env=env,
        )
        processes = [web]
        if not options["no_worker"]:
            processes.append(subprocess.Popen([str(bin_dir / "lojal"), "db_worker"], env=env))
        if os.environ.get("LOJAL_SMTPD", "").lower() in {"1", "true", "yes", "on"}:
            processes.append(subprocess.Popen([str(bin_dir / "lojal"), "smtpd"], env=env))
        if os.environ.get("LOJAL_IMAP_HOST"):
            every = os.environ.get("LOJAL_IMAP_POLL_SECONDS", "60")
            processes.append(
                subprocess.Popen([str(bin_dir / "lojal"), "imap_poll", "--every", every], env=env)
            )
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nLojal is running at {url}"))
        if settings.DEMO:
            self.stdout.write(
                "Demo login: demo / demo  (other roles: maria, sven, sara, mats, rita; password = name)"
            )
        self.stdout.write(f"API docs: {url}api/v1/docs   ·   Press Ctrl+C to stop.\n")
        self._wait(processes)

    def _wait(self, processes: list[subprocess.Popen[bytes]]) -> None:
        stopping = False

        def stop(*_args: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.5)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
