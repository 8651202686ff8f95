"""Which received messages must never get an automatic reply, read from their headers and sender.

Plain module, no Django: the header names kept at ingest (``GUARD_HEADERS``), the rules over them
(``header_reasons``) and over the sender address (``sender_reasons``). docs/interactions.md lists each
rule with the source it rests on (RFC 3834, RFC 3464, RFC 8098, RFC 2369/2919, the help desks' own code).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.message import Message

#: The headers the loop guard reads, lowercased; ingest keeps their values with the message
#: (EmailMessage.guard_headers), so a verdict needs no parse of the raw message.
GUARD_HEADERS = (
    "auto-submitted",  # RFC 3834 section 5
    "precedence",  # de facto (RFC 2076 3.9: non-standard, still what vacation(1) and lists send)
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",  # Microsoft Exchange and Outlook (MS-OXCMAIL 2.2.3.2.14)
    "list-id",  # RFC 2919
    "list-unsubscribe",  # RFC 2369
    "list-post",
    "return-path",
    "content-type",  # multipart/report; report-type=delivery-status (RFC 3464) or disposition-notification (RFC 8098)
    "x-loop",
    "x-mailer",
    "x-lojal-auto",  # set by Lojal's own automatic replies (lojal.interactions.auto_reply)
    "x-zendesk-from-account-id",  # Zendesk
    "x-otrs-loop",  # OTRS and Znuny
    "x-freescout-mail-type",  # FreeScout
    "x-jira-fingerprint",  # Jira (Service Management)
    "x-servicenow-generated",  # ServiceNow
)
_VALUE_MAX = 300

#: ``X-Mailer`` values of help desks that send acknowledgements of their own (lowercased substrings).
HELP_DESK_MAILERS = (
    "zendesk mailer",  # Zendesk
    "zammad mail service",  # Zammad
    "otrs mail service",  # OTRS
    "znuny mail service",  # Znuny
    "open-ticket-request-system",  # OTRS before 2.0
    "osticket mailer",  # osTicket
    "freescout",  # FreeScout
)
#: Headers only help desks set, whatever their value.
HELP_DESK_HEADERS = (
    "x-zendesk-from-account-id",
    "x-freescout-mail-type",
    "x-jira-fingerprint",
    "x-servicenow-generated",
)
_SUPPRESS_WORDS = {"all", "autoreply", "oof"}
_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_NO = {"", "no", "false", "0"}
#: Local parts (after dropping a +tag and the characters ``.-_``) that read no replies.
_SYSTEM_EXACT = {"mailerdaemon", "postmaster"}
_SYSTEM_PREFIXES = ("noreply", "donotreply")
_REPORT_TYPE = re.compile(r"report-type\s*=\s*\"?([\w-]+)", re.IGNORECASE)


def guard_headers(message: Message) -> dict[str, str]:
    """The values of ``GUARD_HEADERS`` a message carries (first of each), lowercased names, short values."""
    found: dict[str, str] = {}
    for name, value in message.items():
        key = name.lower()
        if key in GUARD_HEADERS and key not in found:
            try:
                text = str(value)
            except Exception:  # a header the policy cannot render still counts as present
                text = "?"
            found[key] = " ".join(text.split())[:_VALUE_MAX]
    return found


def _value(headers: Mapping[str, str], name: str) -> str:
    return (headers.get(name) or "").strip().lower()


def report_type(headers: Mapping[str, str]) -> str:
    """``delivery-status`` (a DSN), ``disposition-notification`` (a read receipt), or ""."""
    content_type = _value(headers, "content-type")
    if not content_type.startswith("multipart/report"):
        return ""
    found = _REPORT_TYPE.search(content_type)
    return found.group(1).lower() if found else "delivery-status"


def is_auto_submitted(headers: Mapping[str, str]) -> bool:
    """RFC 3834: any ``Auto-Submitted`` other than ``no`` (auto-replied, auto-generated, auto-notified ...)."""
    value = _value(headers, "auto-submitted")
    return bool(value) and value.split(";")[0].strip() != "no"


def is_auto_reply_header(headers: Mapping[str, str]) -> bool:
    """The message says it was written by a machine: what ingest flags as an auto-reply."""
    if is_auto_submitted(headers):
        return True
    if _value(headers, "precedence") in _PRECEDENCE:
        return True
    return any(_value(headers, name) not in _NO for name in ("x-autoreply", "x-autorespond"))


def help_desk_of(headers: Mapping[str, str]) -> bool:
    """Another help desk (Zendesk, Zammad, OTRS/Znuny, osTicket, FreeScout, Jira, ServiceNow) sent it."""
    if any(name in headers for name in HELP_DESK_HEADERS):
        return True
    if _value(headers, "x-otrs-loop") not in _NO:
        return True
    mailer = _value(headers, "x-mailer")
    return bool(mailer) and any(name in mailer for name in HELP_DESK_MAILERS)


def header_reasons(headers: Mapping[str, str]) -> list[str]:
    """Every reason in the headers not to answer automatically, most specific first (codes of
    lojal.interactions.auto_reply.Reason); empty when the headers allow a reply."""
    reasons: list[str] = []
    if "x-lojal-auto" in headers:
        reasons.append("lojal_auto")
    kind = report_type(headers)
    if kind == "delivery-status":
        reasons.append("delivery_report")
    elif kind == "disposition-notification":
        reasons.append("read_receipt")
    elif kind:
        reasons.append("delivery_report")
    if help_desk_of(headers):
        reasons.append("help_desk")
    if is_auto_submitted(headers):
        reasons.append("auto_submitted")
    if any(_value(headers, name) not in _NO for name in ("x-autoreply", "x-autorespond")):
        reasons.append("auto_reply_header")
    suppress = {word.strip() for word in _value(headers, "x-auto-response-suppress").split(",")}
    if suppress & _SUPPRESS_WORDS:
        reasons.append("suppress_requested")
    if _value(headers, "precedence") in _PRECEDENCE:
        reasons.append("precedence")
    if any(name in headers for name in ("list-id", "list-unsubscribe", "list-post")):
        reasons.append("mailing_list")
    if "return-path" in headers and _value(headers, "return-path").strip("<> ") == "":
        reasons.append("null_return_path")
    if _value(headers, "x-loop") not in _NO and "x-loop" in headers:
        reasons.append("loop_header")
    return reasons


def is_system_sender(address: str) -> bool:
    """mailer-daemon, postmaster, noreply, no-reply, no_reply, donotreply, do-not-reply (any case, with
    or without a +tag): addresses that read no mail."""
    local = (address or "").rsplit("@", 1)[0].lower().split("+", 1)[0]
    squeezed = re.sub(r"[._-]", "", local)
    return squeezed in _SYSTEM_EXACT or squeezed.startswith(_SYSTEM_PREFIXES)
