"""My day's blocks: a small registry, so that an app's work joins the home page as one more block.

A block names who may see it (a role action), the template that draws it and a function that reads
what it shows (through the apps' selectors, in a fixed number of queries). Blocks are drawn in
``order``; a block with nothing to show says so in words (its template decides the words).
See docs/workspace.md for how to add one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Block:
    """One block of My day."""

    key: str
    title: str | Promise
    template: str
    #: Reads what the block shows for this user on this day: a dict for the template.
    read: Callable[..., dict[str, Any]]
    #: The role action a user needs to see the block ("" for every member of staff).
    action: str = ""
    order: int = 100


@dataclass(frozen=True)
class ShownBlock:
    key: str
    title: str | Promise
    template: str
    context: dict[str, Any]


_BLOCKS: dict[str, Block] = {}


def block_register(block: Block) -> Block:
    """Add (or replace, by key) a block of My day."""
    _BLOCKS[block.key] = block
    return block


def blocks_registered() -> list[Block]:
    return sorted(_BLOCKS.values(), key=lambda block: (block.order, block.key))


def blocks_for(*, user: Any, today: dt.date, now: dt.datetime) -> list[ShownBlock]:
    """The blocks ``user`` may see, in order, each with what it shows."""
    return [
        ShownBlock(
            key=block.key,
            title=block.title,
            template=block.template,
            context=block.read(user=user, today=today, now=now),
        )
        for block in blocks_registered()
        if not block.action or user.can(block.action)
    ]
