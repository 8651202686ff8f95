"""The test suite's settings (pytest's DJANGO_SETTINGS_MODULE): Lojal's one settings module, read
with LOJAL_TESTING on, as a developer or CI would set it. Settings never guess from what is imported."""

from __future__ import annotations

import os

os.environ["LOJAL_TESTING"] = "1"

from lojal.settings import *  # noqa: F403
