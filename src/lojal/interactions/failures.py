"""Why an email could not be sent, in words: the worker keeps a reason code and the server it talked to
(``OutboundEmail.failure_reason``, ``failure_server``); pages turn them into a sentence in the reader's
language when shown. The exception's own text stays in ``last_error`` for operators, never on a page."""

from __future__ import annotations

import smtplib
import socket
import ssl

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Reason(models.TextChoices):
    CONNECTION_REFUSED = "connection_refused", gettext_lazy("Connection refused")
    HOST_UNKNOWN = "host_unknown", gettext_lazy("Unknown mail server")
    UNREACHABLE = "unreachable", gettext_lazy("Mail server unreachable")
    TIMEOUT = "timeout", gettext_lazy("No answer in time")
    AUTHENTICATION = "authentication", gettext_lazy("Sign-in refused")
    TLS = "tls", gettext_lazy("No secure connection")
    RECIPIENT_REFUSED = "recipient_refused", gettext_lazy("Recipient refused")
    SENDER_REFUSED = "sender_refused", gettext_lazy("Sender refused")
    MESSAGE_REFUSED = "message_refused", gettext_lazy("Message refused")
    DISCONNECTED = "disconnected", gettext_lazy("Connection closed")
    UNCONFIRMED = "unconfirmed", gettext_lazy("Not confirmed")
    WORKER_STOPPED = "worker_stopped", gettext_lazy("Worker stopped")
    OTHER = "other", gettext_lazy("Other error")


_AUTH_CODES = {530, 534, 535, 538}


def failure_reason(error: BaseException) -> str:
    """The reason code for what the SMTP conversation raised."""
    if any(isinstance(link, TimeoutError) for link in _chain(error)):
        # smtplib reports a read that timed out as "server disconnected", raised while handling it.
        return Reason.TIMEOUT
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return Reason.AUTHENTICATION
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code in _AUTH_CODES:
        said = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else ""
        return Reason.TLS if "TLS" in said.upper() else Reason.AUTHENTICATION
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return Reason.RECIPIENT_REFUSED
    if isinstance(error, smtplib.SMTPSenderRefused):
        return Reason.SENDER_REFUSED
    if isinstance(error, smtplib.SMTPDataError):
        return Reason.MESSAGE_REFUSED
    if isinstance(error, smtplib.SMTPNotSupportedError | ssl.SSLError | ssl.CertificateError):
        return Reason.TLS
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionResetError | ConnectionAbortedError):
        return Reason.DISCONNECTED
    if isinstance(error, TimeoutError):
        return Reason.TIMEOUT
    if isinstance(error, ConnectionRefusedError):
        return Reason.CONNECTION_REFUSED
    if isinstance(error, socket.gaierror):
        return Reason.HOST_UNKNOWN
    if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
        return Reason.UNREACHABLE
    return Reason.OTHER


def _chain(error: BaseException) -> list[BaseException]:
    links: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in links and len(links) < 10:
        links.append(current)
        current = current.__cause__ or current.__context__
    return links


def mail_server() -> str:
    """Where the configured backend sends mail: "host:port", or "" for one that is not SMTP."""
    backend = get_connection(fail_silently=True)
    if isinstance(backend, SmtpBackend):
        return f"{backend.host}:{backend.port}"
    return ""


def failure_words(*, reason: str, server: str) -> str:
    """The failure as one sentence for the page, in the current language."""
    if not server and reason != Reason.WORKER_STOPPED:
        return _("The email could not be handed to the mail backend.")
    where = {"server": server}
    sentences = {
        Reason.CONNECTION_REFUSED: _("The mail server at %(server)s refused the connection."),
        Reason.HOST_UNKNOWN: _("No mail server called %(server)s could be found."),
        Reason.UNREACHABLE: _("The mail server at %(server)s could not be reached."),
        Reason.TIMEOUT: _("The mail server at %(server)s did not answer in time."),
        Reason.AUTHENTICATION: _(
            "The mail server at %(server)s did not accept Lojal's user name and password."
        ),
        Reason.TLS: _("A secure (TLS) connection to the mail server at %(server)s could not be set up."),
        Reason.RECIPIENT_REFUSED: _("The mail server at %(server)s refused the recipient's address."),
        Reason.SENDER_REFUSED: _("The mail server at %(server)s refused the sender's address."),
        Reason.MESSAGE_REFUSED: _("The mail server at %(server)s refused the message."),
        Reason.DISCONNECTED: _(
            "The mail server at %(server)s closed the connection before taking the message."
        ),
        Reason.UNCONFIRMED: _(
            "The mail server at %(server)s did not confirm the message; it may have arrived, so it is not sent again."
        ),
        Reason.WORKER_STOPPED: _(
            "The worker stopped before handing the email to the mail server; it is sent again."
        ),
    }
    sentence = sentences.get(reason)  # type: ignore[call-overload]
    if sentence is None:
        sentence = _("The email could not be sent through the mail server at %(server)s.")
    return str(sentence) % where
