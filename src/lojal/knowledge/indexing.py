# placeholder until the kbsearch branch is merged
"""The search index of the knowledge base (helper B's kbsearch branch replaces this module). The article
services call :func:`article_reindex` after every write, so the index follows the articles."""

from __future__ import annotations


def article_reindex(*, article_id: int) -> None:
    """Index a published article, drop an unpublished, archived or deleted one (does nothing yet)."""


def index_rebuild() -> int:
    """Index every published article again; returns how many (none yet)."""
    return 0
