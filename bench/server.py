"""The production server (gunicorn) as a subprocess, with an access log that carries each request's
server-side time, so server time can be told apart from loopback and client time."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.http import Client, percentile

# %(D)s is the request time in microseconds, measured inside gunicorn.
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(D)s"


def process_stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL when the process has not ended within 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    env: dict[str, str]
    workers: int
    threads: int
    worker_class: str
    log_dir: Path
    process: subprocess.Popen[bytes] | None = None
    access_log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.access_log = self.log_dir / "access.log"

    @property
    def description(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"gunicorn {self.worker_class}, {self.workers} workers{threads}"

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.access_log.unlink(missing_ok=True)
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "lojal.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--error-logfile",
            str(self.log_dir / "error.log"),
            "--timeout",
            "300",
            "--backlog",
            "2048",
        ]
        if self.worker_class == "gthread":
            command += ["--threads", str(self.threads)]
        self.process = subprocess.Popen(command, env={**os.environ, **self.env}, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_dir / 'error.log'}")
            try:
                client = Client("127.0.0.1", self.port)
                if client.get("/health").status == 200:
                    client.close()
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /health within 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_position(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def server_times_ms(self, start: int, end: int | None = None) -> list[float]:
        """Server-side times of the requests logged between two log positions."""
        time.sleep(0.05)  # let the workers flush the last lines
        with self.access_log.open("rb") as log:
            log.seek(start)
            chunk = log.read() if end is None else log.read(end - start)
        times = []
        for line in chunk.decode(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[-1].isdigit():
                times.append(int(parts[-1]) / 1000)
        return times

    def server_p50_ms(self, start: int) -> float:
        return percentile(self.server_times_ms(start), 0.50)
