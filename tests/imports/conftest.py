from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files land in a throwaway directory."""
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR
