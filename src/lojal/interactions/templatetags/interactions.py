"""Template filters for interaction pages: durations and outcomes in the reader's language."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _

from lojal.interactions.models import Outcome

register = template.Library()


@register.filter
def duration(seconds: Any) -> str:
    """1:05:09 for an hour and a bit, 4 min 30 s for shorter."""
    if seconds in (None, ""):
        return ""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": secs}
    return _("%(seconds)d s") % {"seconds": secs}


@register.filter
def outcome_label(value: Any) -> str:
    try:
        return str(Outcome(value).label) if value else ""
    except ValueError:
        return str(value)


@register.simple_tag
def log_channels() -> list[tuple[str, str]]:
    """The channels of the quick-entry form, for any page that shows it."""
    from lojal.interactions.forms import LOG_CHANNELS

    return [(value, str(label)) for value, label in LOG_CHANNELS]


@register.simple_tag
def log_outcomes() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Outcome.choices]


@register.filter
def interaction_url(interaction_id: Any) -> str:
    """The interaction's page; the timeline shows dozens, so the pattern is reversed once per prefix."""
    return _detail_prefix(get_script_prefix()) + f"{int(interaction_id)}/"


@functools.cache
def _detail_prefix(script_prefix: str) -> str:
    return reverse("interactions:detail", args=[0]).removesuffix("0/")


@register.simple_tag
def delivery_states(events: Any) -> dict[int, dict[str, str]]:
    """For a page of timeline events, the outbox state of each outgoing email among them (one query),
    keyed by interaction id: ``{"state": "failed", "label": "Failed"}``. The outbox is the truth; the
    event only says an email was written."""
    from lojal.interactions.models import OutboundEmail
    from lojal.interactions.selectors import delivery_states as states_of

    ids = [
        int(event.data["interaction_id"])
        for event in events
        if event.kind == "interaction.email"
        and event.data.get("direction") == "out"
        and event.data.get("interaction_id")
    ]
    labels = dict(OutboundEmail.State.choices)
    return {
        interaction_id: {"state": state, "label": str(labels.get(state, state))}
        for interaction_id, state in states_of(interaction_ids=ids).items()
    }


@register.filter
def delivery_of(states: Any, interaction_id: Any) -> dict[str, str] | None:
    """``delivery|delivery_of:event.data.interaction_id``: that email's outbox state, if it has one."""
    if not states or interaction_id in (None, ""):
        return None
    result = states.get(int(interaction_id))
    return result if isinstance(result, dict) else None
