"""Background work for My pages: thin wrappers that call a service."""

from __future__ import annotations

from django_tasks import task

from lojal.interactions.system_messages import SYSTEM_PRIORITY
from lojal.portal import challenges


@task(priority=SYSTEM_PRIORITY)
def login_challenge_send_task(
    kind: str, address: str, pending_id: str, requested_from: str, base_url: str
) -> str:
    """Look the address up and send its sign-in link or code (nothing for an unknown address)."""
    return challenges.login_challenge_send(
        kind=kind, address=address, pending_id=pending_id, requested_from=requested_from, base_url=base_url
    )
