"""Helpers of the acknowledgement tests: received messages as bytes, and the inbound handlers in the
order settings name them (ingest's, which files the message into a case, then the acknowledgement)."""

from __future__ import annotations

import functools

from tests.mail import message as email_message

HANDLERS = ["lojal.cases.ingest.inbound_to_case", "lojal.cases.acknowledgement.inbound_acknowledge"]


#: A message received at the service desk's address (tests/mail.py builds it).
message = functools.partial(
    email_message, to="kundservice@lojal.example", date="Mon, 7 Dec 2026 10:00:00 +0100"
)
