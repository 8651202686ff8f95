"""A request's language ends with the request. Django's LocaleMiddleware and Lojal's
UserLanguageMiddleware activate the language of the page in the thread that serves it and leave it
active afterwards, so work the same thread does next outside a request (a task run in process, a
management command after a test client's request, the next test) would speak the last visitor's
language. The language active when a request starts is put back when it finishes: on Django's
``request_finished``, which fires after a streamed response (a CSV export) has been sent, so the
stream still writes in the request's language."""

from __future__ import annotations

import threading
from typing import Any

from django.core.signals import request_finished, request_started
from django.utils import translation

_state = threading.local()


def _remember(**_kwargs: Any) -> None:
    _state.before = translation.get_language()


def _restore(**_kwargs: Any) -> None:
    before = getattr(_state, "before", None)
    _state.before = None
    if before is None:
        translation.deactivate()
    else:
        translation.activate(before)


def request_language_install() -> None:
    """Connect the two receivers once (``dispatch_uid`` keeps a second call harmless)."""
    request_started.connect(_remember, dispatch_uid="lojal.core.request_language.remember")
    request_finished.connect(_restore, dispatch_uid="lojal.core.request_language.restore")
