"""Service-level clocks: the due times of a case's targets (first response, next response,
resolution), derived from facts the other services record on the case (when it opened, when the
customer last wrote, when staff last answered, the status changes in CaseChange) and the business
calendar of its queue.

The one entry point the other services call after they change those facts is
:func:`case_clocks_refresh`. (The SLA engineer's branch replaces the body below with the policies,
pauses, warnings and breaches; until then a case has no due times, which is what a case without a
matching policy has.)"""

from __future__ import annotations

import datetime as dt

from lojal.cases.models import Case


def case_clocks_refresh(case: Case, *, at: dt.datetime) -> list[str]:
    """Recompute ``case``'s policy and due times as of ``at`` and set them on the instance (the
    caller saves it); returns the names of the fields it changed."""
    return []
