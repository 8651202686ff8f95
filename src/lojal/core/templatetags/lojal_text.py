"""Text helpers for templates."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def breakable_email(address: str) -> SafeString:
    """An email address that a narrow column wraps after the @ or before a dot, never mid-word."""
    text = str(escape(address))
    local, at, domain = text.partition("@")
    local = local.replace(".", "<wbr>.")
    domain = domain.replace(".", "<wbr>.")
    return mark_safe(f"{local}{at}<wbr>{domain}" if at else local)
