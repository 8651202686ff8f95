"""Every benchmark in bench/ can be run: each module that offers a command (``add_parser``) is wired
into ``python -m bench`` (a merge once dropped two of them)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import bench
import pytest
from bench.__main__ import main


def test_every_bench_module_with_a_command_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    offering = {
        info.name
        for info in pkgutil.iter_modules(bench.__path__)
        if info.name != "__main__" and hasattr(importlib.import_module(f"bench.{info.name}"), "add_parser")
    }
    registered: set[str] = set()
    for name in offering:
        module = importlib.import_module(f"bench.{name}")
        original = module.add_parser

        def recording(sub: Any, _name: str = name, _original: Any = original) -> Any:
            registered.add(_name)
            return _original(sub)

        monkeypatch.setattr(module, "add_parser", recording)

    with pytest.raises(SystemExit):
        main(["--help"])

    assert len(offering) > 10
    assert offering - registered == set()
