"""Handing one message to an SMTP server so that a worker killed at any moment never sends it twice.

An SMTP server takes responsibility for a message when it reads the line with the single dot that ends
DATA; a connection that drops before it leaves nothing behind (RFC 5321 4.1.1.4). So everything up to
the dot goes first, then the caller records the email as sent (a committed transaction), and only then
the dot follows. A worker killed before that commit left nothing at the server: the email is safely sent
again. The one moment that loses an email is a kill between the commit returning and the dot being
written to the socket (two system calls apart); once written, the kernel delivers it even if the process
dies. A server refusing the message at the dot is reported so the caller can take the mark back."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable

_LINE_START_DOT = re.compile(rb"(?m)^\.")


class RefusedAtEnd(smtplib.SMTPResponseException):
    """The server answered the final dot with a refusal: the message was not taken."""


class UnconfirmedAtEnd(Exception):
    """The connection failed after the final dot was sent: the server may or may not have the message."""


def smtp_hand_over(
    *, connection: smtplib.SMTP, sender: str, recipients: list[str], raw: bytes, confirm: Callable[[], bool]
) -> bool:
    """Send ``raw`` (CRLF line ends) to ``recipients``; ``confirm()`` runs just before the final dot and
    returns False to abandon the message (the connection is then closed, so the server drops it).
    Raises smtplib's exceptions for refusals before the dot, RefusedAtEnd or UnconfirmedAtEnd after it."""
    connection.ehlo_or_helo_if_needed()
    options = [f"size={len(raw)}"] if connection.does_esmtp and connection.has_extn("size") else []
    code, reply = connection.mail(sender, options)
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in recipients:
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        _reset(connection)
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = connection.docmd("data")
    if code != 354:
        _reset(connection)
        raise smtplib.SMTPDataError(code, reply)
    body = _LINE_START_DOT.sub(b"..", raw)
    connection.send(body if body.endswith(b"\r\n") else body + b"\r\n")
    if not confirm():
        connection.close()
        return False
    try:
        connection.send(b".\r\n")
        code, reply = connection.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as error:
        raise UnconfirmedAtEnd(f"{type(error).__name__}: {error}") from error
    if code != 250:
        raise RefusedAtEnd(code, reply)
    return True


def _reset(connection: smtplib.SMTP) -> None:
    try:
        connection.rset()
    except smtplib.SMTPException:
        connection.close()
