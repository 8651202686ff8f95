"""A small keep-alive HTTP client over loopback, latency statistics, and two load generators: wrk
when it is installed, else threads in this process."""

from __future__ import annotations

import http.client
import json
import math
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.95 for p95); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """One keep-alive connection; not shared between threads."""

    host: str
    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Response:
        if params:
            path = f"{path}?{urlencode(params)}"
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                raw = self.connection.getresponse()
                data = raw.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection; the request never reached it.
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            for header, value in raw.getheaders():
                if header.lower() == "set-cookie":
                    for name, morsel in SimpleCookie(value).items():
                        self.cookies[name] = morsel.value
            return Response(raw.status, data, {k.lower(): v for k, v in raw.getheaders()}, seconds)
        raise AssertionError("unreachable")

    def get(self, path: str, **params: str) -> Response:
        return self.request("GET", path, params=params or None)

    def post_json(self, path: str, payload: Any) -> Response:
        return self.request(
            "POST", path, body=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )

    def close(self) -> None:
        self.connection.close()


@dataclass
class LoadResult:
    tool: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


_WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Authorization"] = "%(authorization)s"})
end
"""


def _wrk_milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def load_with_wrk(
    host: str, port: int, paths: Sequence[str], authorization: str, duration: int, concurrency: int
) -> LoadResult:
    """Run wrk with a Lua script that cycles through ``paths`` with the Authorization header."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            _WRK_SCRIPT % {"paths": ", ".join(f'"{path}"' for path in paths), "authorization": authorization}
        )
    try:
        completed = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{concurrency}",
                f"-d{duration}s",
                "--latency",
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://{host}:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    output = completed.stdout
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    seconds = float(re.search(r"requests in ([\d.]+)s", output).group(1))  # type: ignore[union-attr]
    errors_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    p50 = _wrk_milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _wrk_milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = int(errors_match.group(1)) if errors_match else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return LoadResult("wrk", total, errors, seconds, p50, p99)


def load_with_threads(
    host: str, port: int, paths: Sequence[str], headers: dict[str, str], duration: int, concurrency: int
) -> LoadResult:
    """Closed-loop load from ``concurrency`` threads, each with its own keep-alive connection."""
    deadline = time.perf_counter() + duration
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(number: int) -> None:
        client = Client(host, port, headers=dict(headers))
        position = number
        while time.perf_counter() < deadline:
            response = client.get(paths[position % len(paths)])
            position += concurrency
            latencies[number].append(response.seconds)
            if response.status >= 400:
                errors[number] += 1
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    every = [value for values in latencies for value in values]
    return LoadResult(
        "Python threads",
        len(every),
        sum(errors),
        seconds,
        percentile(every, 0.50) * 1000,
        percentile(every, 0.99) * 1000,
    )
