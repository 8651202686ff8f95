"""Raw RFC 5322 bytes to the parts Lojal stores, with the standard library's ``email`` package
(policy.default). Never raises: a message it cannot read whole comes back flagged, with what it could read.

Plain module, no Django: tested on the fixture corpus alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser, HeaderParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

from lojal.interactions.emails.loop_signals import guard_headers, is_auto_reply_header

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
REFERENCE_IN_SUBJECT = re.compile(r"\[#?(L-[A-HJ-NP-Z2-9]{6})\]")
_AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|auto(matic)?[ -]?(reply|response|svar)|autosvar|frånvaro|fravær|"
    r"automatiskt svar|automatisk svar|abwesenheit|vacation)\b",
    re.IGNORECASE,
)


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""
    is_inline: bool = False


@dataclass
class DeliveryReport:
    """What a DSN (RFC 3464) says about one failed recipient."""

    recipient: str
    action: str
    status: str
    diagnostic: str
    original_message_id: str = ""


@dataclass
class ParsedEmail:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    sender: str = ""
    sender_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: dt.datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_malformed: bool = False
    defects: list[str] = field(default_factory=list)
    is_auto_reply: bool = False
    # The headers the loop guard reads (loop_signals.GUARD_HEADERS), kept with the message.
    guard_headers: dict[str, str] = field(default_factory=dict)
    delivery_reports: list[DeliveryReport] = field(default_factory=list)

    @property
    def is_bounce(self) -> bool:
        return any(report.action.lower() == "failed" for report in self.delivery_reports)

    @property
    def reference_token(self) -> str:
        found = REFERENCE_IN_SUBJECT.search(self.subject)
        return found.group(1) if found else ""


#: A lone surrogate (U+D800-U+DFFF) becomes U+FFFD, the replacement character.
_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")
_C1 = re.compile("[\x80-\x9f]")


def c1_fix(text: str) -> str:
    """Mail labelled ISO-8859-1 is often Windows-1252 (Outlook's dashes and quotes): read the C1 control
    characters, which never appear in real text, as the Windows-1252 characters they were meant to be."""
    return _C1.sub(lambda found: bytes([ord(found.group())]).decode("cp1252", errors="replace"), text)


def _header(message: Message, name: str, parsed: ParsedEmail) -> str:
    try:
        value = message.get(name)
    except Exception as error:  # a header the policy cannot parse is still data
        parsed.defects.append(f"{name}: {type(error).__name__}")
        raw = message.get_all(name, failobj=[])
        return str(raw[0]) if raw else ""
    if value is None:
        return ""
    text = str(value)
    if "\ufffd" in text:
        text = _eight_bit_header(message, name, parsed) or text
    return c1_fix(text).strip()


def _eight_bit_header(message: Message, name: str, parsed: ParsedEmail) -> str:
    """A header sent as raw 8-bit bytes instead of RFC 2047 words: read as UTF-8, else Windows-1252."""
    for key, raw in message.raw_items():
        if key.lower() != name.lower():
            continue
        data = str(raw).encode("ascii", errors="surrogateescape")
        parsed.defects.append(f"{name}: 8-bit header")
        try:
            return data.decode("utf-8").replace("\n", " ").replace("\r", "")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace").replace("\n", " ").replace("\r", "")
    return ""


def _message_ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value or "")


def _addresses(value: str) -> list[str]:
    return [address.strip().lower() for _name, address in getaddresses([value]) if "@" in address]


def _is_auto_reply(headers: dict[str, str], subject: str) -> bool:
    """Written by a machine: the RFC 3834 and de facto headers (loop_signals), or an out-of-office subject.
    ``X-Auto-Response-Suppress`` is not a sign: Outlook sets it on ordinary mail too; it only asks others
    not to auto-reply (the loop guard honours that request)."""
    return is_auto_reply_header(headers) or bool(_AUTO_SUBJECT.match(subject))


def _decode_part(part: Message, parsed: ParsedEmail) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, AssertionError, KeyError, ValueError) as error:
        parsed.defects.append(f"body: {type(error).__name__}")
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload.decode("cp1252", errors="replace")
        return str(part.get_payload())
    if isinstance(content, bytes):
        return content.decode("utf-8", errors="replace")
    return c1_fix(str(content))


def _delivery_reports(message: Message, parsed: ParsedEmail) -> None:
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = (
            [block for block in payload if isinstance(block, Message)] if isinstance(payload, list) else []
        )
        for block in blocks[1:] if len(blocks) > 1 else blocks:
            recipient = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
            if not recipient:
                continue
            address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            parsed.delivery_reports.append(
                DeliveryReport(
                    recipient=address,
                    action=str(block.get("Action", "")).strip(),
                    status=str(block.get("Status", "")).strip(),
                    diagnostic=str(block.get("Diagnostic-Code", "")).strip(),
                )
            )
    for part in message.walk():
        original_id = ""
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(first, Message):
                original_id = next(iter(_message_ids(str(first.get("Message-ID", "")))), "")
        elif part.get_content_type() == "text/rfc822-headers":
            headers = HeaderParser(policy=policy.compat32).parsestr(_decode_part(part, parsed))
            original_id = next(iter(_message_ids(str(headers.get("Message-ID", "")))), "")
        if original_id:
            for report in parsed.delivery_reports:
                report.original_message_id = original_id


def _body_and_attachments(message: EmailMessage, parsed: ParsedEmail) -> None:
    body_parts: set[int] = set()
    for preference in ("plain", "html"):
        try:
            part = message.get_body(preferencelist=(preference,))
        except Exception as error:
            parsed.defects.append(f"body: {type(error).__name__}")
            part = None
        if part is not None:
            body_parts.add(id(part))
            text = _decode_part(part, parsed)
            if preference == "plain":
                parsed.text = text
            else:
                parsed.html = text
    try:
        parts = list(message.iter_attachments()) if message.is_multipart() else []
        if message.is_multipart():
            # Inline images in multipart/related sit beside the HTML, not as attachments.
            seen = {id(part) for part in parts}
            parts += [
                part
                for part in message.walk()
                if id(part) not in seen
                and not part.is_multipart()
                and part.get_content_maintype() == "image"
                and part.get("Content-ID")
            ]
    except Exception as error:
        parsed.defects.append(f"attachments: {type(error).__name__}")
        parts = []
    for part in parts:
        if id(part) in body_parts or part.get_content_type() == "message/delivery-status":
            continue
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = None
        if payload is None:
            payload = part.as_bytes() if part.get_content_type() == "message/rfc822" else b""
        content_id = str(part.get("Content-ID", "")).strip().strip("<>")
        filename = part.get_filename() or (
            "message.eml" if part.get_content_type() == "message/rfc822" else "attachment"
        )
        parsed.attachments.append(
            ParsedAttachment(
                filename=str(filename)[:255],
                content_type=part.get_content_type()[:100],
                content=payload if isinstance(payload, bytes) else bytes(payload),
                content_id=content_id,
                is_inline=bool(content_id) and part.get_content_disposition() != "attachment",
            )
        )
    if not parsed.text and not parsed.html and not message.is_multipart():
        parsed.text = _decode_part(message, parsed)


def storable(text: str) -> str:
    """``text`` as a database can hold it: NUL characters dropped (PostgreSQL refuses them), a lone
    surrogate as U+FFFD. Received mail is kept, never refused; its raw bytes keep what was dropped."""
    text = text.replace("\x00", "")
    if text.isascii():
        return text
    return text.translate(_SURROGATES)


def _storable_fields(item: Any) -> None:
    for name, value in vars(item).items():
        if isinstance(value, str):
            setattr(item, name, storable(value))
        elif isinstance(value, list):
            setattr(item, name, [storable(entry) if isinstance(entry, str) else entry for entry in value])
            for entry in value:
                if isinstance(entry, ParsedAttachment | DeliveryReport):
                    _storable_fields(entry)
        elif isinstance(value, dict):
            setattr(item, name, {key: storable(entry) for key, entry in value.items()})


def email_parse(raw: bytes) -> ParsedEmail:
    """Everything Lojal keeps from one message, every text storable; ``is_malformed`` when parts of it
    could not be read."""
    parsed = _email_parse(raw)
    _storable_fields(parsed)
    return parsed


def _email_parse(raw: bytes) -> ParsedEmail:
    parsed = ParsedEmail()
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # the parser is lenient; this is for the truly unreadable
        parsed.is_malformed = True
        parsed.defects.append(f"message: {type(error).__name__}")
        parsed.text = raw.decode("utf-8", errors="replace")
        return parsed
    assert isinstance(message, EmailMessage)
    parsed.subject = _header(message, "Subject", parsed).replace("\n", " ")[:300]
    name, address = parseaddr(_header(message, "From", parsed))
    parsed.sender = address.strip().lower() if "@" in address else ""
    parsed.sender_name = name.strip()[:200]
    parsed.to = _addresses(_header(message, "To", parsed))
    parsed.cc = _addresses(_header(message, "Cc", parsed))
    parsed.message_id = next(iter(_message_ids(_header(message, "Message-ID", parsed))), "")
    parsed.in_reply_to = next(iter(_message_ids(_header(message, "In-Reply-To", parsed))), "")
    parsed.references = _message_ids(_header(message, "References", parsed))
    date = _header(message, "Date", parsed)
    if date:
        try:
            parsed.date = parsedate_to_datetime(date)
            if parsed.date.tzinfo is None:
                parsed.date = parsed.date.replace(tzinfo=dt.UTC)
        except (TypeError, ValueError, IndexError):
            parsed.defects.append("Date: unreadable")
    try:
        parsed.guard_headers = guard_headers(message)
    except Exception as error:
        parsed.defects.append(f"headers: {type(error).__name__}")
    parsed.is_auto_reply = _is_auto_reply(parsed.guard_headers, parsed.subject)
    try:
        _body_and_attachments(message, parsed)
        if message.get_content_type() == "multipart/report":
            _delivery_reports(message, parsed)
    except Exception as error:
        parsed.defects.append(f"structure: {type(error).__name__}")
    parsed.defects += [type(defect).__name__ for defect in message.defects]
    for part in message.walk():
        parsed.defects += [type(defect).__name__ for defect in part.defects if part is not message]
    if not parsed.sender:
        parsed.defects.append("From: no address")
    parsed.defects = list(dict.fromkeys(parsed.defects))
    parsed.is_malformed = bool(parsed.defects)
    if parsed.is_malformed and not parsed.text and not parsed.html:
        parsed.text = raw.decode("utf-8", errors="replace")
    return parsed
