"""The one way an app above interactions (cases) hears of inbound contacts: after an inbound interaction
of any channel is stored (an email, a web form, a finished or offline chat, an SMS, a call), each
function named in settings LOJAL_INBOUND_HANDLERS is called with ``interaction_id=`` from a worker task
enqueued when the storing transaction commits. Not a Django signal: the list is explicit, in settings.

A handler must be idempotent (a task may run twice) and decide itself which interactions it wants
(auto-replies, bounces and loops come too, flagged). One task per handler, so one handler's failure
neither stops nor repeats another's.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger(__name__)


def inbound_handlers() -> list[str]:
    """The dotted paths of the registered handlers, in order."""
    return [str(path) for path in getattr(settings, "LOJAL_INBOUND_HANDLERS", []) or []]


def inbound_announce(*, interaction_id: int) -> None:
    """Called by the services that store an inbound interaction: each handler's task is enqueued after
    commit (nothing when no handler is registered)."""
    for path in inbound_handlers():
        transaction.on_commit(
            lambda path=path: inbound_handle_task.enqueue(handler=path, interaction_id=interaction_id)  # type: ignore[misc]
        )


def inbound_handle(*, handler: str, interaction_id: int) -> str:
    """Run one registered handler for one interaction; a path no longer registered is skipped, so a
    queued task never imports anything the settings do not name."""
    if handler not in inbound_handlers():
        logger.warning("Inbound handler %s is not in LOJAL_INBOUND_HANDLERS; skipped.", handler)
        return "unregistered"
    import_string(handler)(interaction_id=interaction_id)
    return "done"


@task()
def inbound_handle_task(handler: str, interaction_id: int) -> str:
    """Thin: one handler, one interaction id."""
    return inbound_handle(handler=handler, interaction_id=interaction_id)
