"""The hand-written stylesheet and script survive merges whole: branches append their own blocks at
the end of app.css and app.js, and a merge once dropped closing braces, which silently disabled
every rule or handler after them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "lojal" / "static" / "lojal"


def _depth_never_negative_and_ends_at_zero(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("name", ["app.css", "public.css"])
def test_every_css_block_is_closed(name: str) -> None:
    css = re.sub(r"/\*.*?\*/", "", (STATIC / name).read_text(encoding="utf-8"), flags=re.DOTALL)
    css = re.sub(r'"[^"\n]*"|\'[^\'\n]*\'', '""', css)
    assert _depth_never_negative_and_ends_at_zero(css)


def test_every_branch_block_of_app_css_starts_at_the_top_level() -> None:
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    for match in re.finditer(r"/\* == [a-z0-9]+ == \*/", css):
        before = re.sub(r"/\*.*?\*/", "", css[: match.start()], flags=re.DOTALL)
        assert before.count("{") == before.count("}"), match.group()


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.parametrize("name", ["app.js", "public.js", "interactions.js"])
def test_every_script_parses(name: str) -> None:
    result = subprocess.run(
        ["node", "--check", str(STATIC / name)], capture_output=True, text=True, check=False, timeout=30
    )
    assert result.returncode == 0, result.stderr
