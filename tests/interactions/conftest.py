"""The interactions app is tested on its own, below the apps that hear of inbound messages through
LOJAL_INBOUND_HANDLERS (cases: ingest and the acknowledgement); its tests that need a handler set one."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def no_inbound_handlers(settings: Any) -> None:
    settings.LOJAL_INBOUND_HANDLERS = []
