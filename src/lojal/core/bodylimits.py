"""How large a request body may be, decided in one place: LOJAL_MAX_BODY_BYTES for API calls and form
posts, more for the endpoints that need it (the raw email webhook, the customer batch). Past the limit
the answer is 413, a problem document for the API and a page for people, whether Content-Length says so
up front or a chunked body grows past it while it is read."""

from __future__ import annotations

from tempfile import SpooledTemporaryFile
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lojal.core.problems import problem_response

MIB = 1024 * 1024
_CHUNK_BYTES = 64 * 1024
_IN_MEMORY_BYTES = MIB

# Endpoints whose bodies may be larger than LOJAL_MAX_BODY_BYTES, by path, with the setting that holds
# their limit (read on each request, so a changed setting applies at once). None: a file upload, which
# Django streams to disk while holding its other fields to DATA_UPLOAD_MAX_MEMORY_SIZE; an import file
# has its own limit (lojal.imports.services.MAX_FILE_BYTES).
_LARGER_BODIES: dict[str, str | None] = {
    "/api/v1/inbound/email": "LOJAL_EMAIL_MAX_BYTES",
    "/api/v1/customers/batch": "LOJAL_BATCH_MAX_BODY_BYTES",
    "/api/v1/imports": None,
    "/imports/": None,
}


class BodyTooLarge(RequestDataTooBig):
    """A request body past its endpoint's limit. Being a RequestDataTooBig, it still ends as Django's 400
    wherever no 413 handler sees it, never as a 500."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")
        self.limit = limit


def body_limit(request: HttpRequest) -> int | None:
    """The most bytes this request's body may have; None for a file upload."""
    setting = _LARGER_BODIES.get(request.path_info, "LOJAL_MAX_BODY_BYTES")
    return None if setting is None else int(getattr(settings, setting))


def body_limit_apply(request: HttpRequest) -> HttpResponse | None:
    """A 413 answer when Content-Length is over the limit, before anything is read. A body sent chunked
    (no Content-Length) gets a capped stream instead, so reading past the limit raises BodyTooLarge."""
    limit = body_limit(request)
    if limit is None:
        return None
    declared = request.META.get("CONTENT_LENGTH")
    if declared:
        try:
            length = int(declared)
        except ValueError:
            return None  # Django reads a body with an unreadable length as empty
        return too_large_response(request, limit=limit) if length > limit else None
    if request.META.get("HTTP_TRANSFER_ENCODING"):
        # Django reads a WSGI body without Content-Length as empty; a server that de-chunks the body
        # and says so (wsgi.input_terminated, as gunicorn does) can be read to its end instead.
        source: Any = (
            request.META["wsgi.input"] if request.META.get("wsgi.input_terminated") else request._stream
        )
        request._stream = cast(BinaryIO, _CappedStream(source, limit))
    return None


def body_read(request: HttpRequest) -> bytes:
    """The whole body of an endpoint that takes large bodies (the raw email webhook), read in pieces
    through a temporary file (on disk past 1 MiB) rather than through request.body, which holds it twice
    over; BodyTooLarge once it passes the limit, having read at most one byte more."""
    limit = body_limit(request) or settings.LOJAL_MAX_BODY_BYTES
    size = 0
    with SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES) as spool:
        while chunk := request.read(min(_CHUNK_BYTES, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            spool.write(chunk)
        spool.seek(0)
        return spool.read()


def too_large_response(request: HttpRequest, *, limit: int | None = None) -> HttpResponse:
    """413 saying the limit: a problem document under /api/, a page elsewhere. Without ``limit`` (Django's
    own RequestDataTooBig, from a multipart form's fields) the limit is DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if limit is None:
        limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    # Answered before LocaleMiddleware has run, so the reader's language is chosen here.
    with translation.override(translation.get_language_from_request(request)):
        size = _size_text(limit)
        if request.path_info.startswith("/api/"):
            return problem_response(
                status=413,
                title="Content too large",
                detail=_("The request body is larger than the %(size)s this address accepts.")
                % {"size": size},
                extra={"max_bytes": limit},
            )
        return HttpResponse(render_to_string("413.html", {"size": size}, request=request), status=413)


def _size_text(limit: int) -> str:
    if limit < MIB:
        return _("%(bytes)s bytes") % {"bytes": limit}
    mebibytes = round(limit / MIB, 1)
    shown = number_format(int(mebibytes) if mebibytes.is_integer() else mebibytes)
    return _("%(bytes)s bytes (%(mebibytes)s MiB)") % {"bytes": limit, "mebibytes": shown}


class _CappedStream:
    """A body stream that gives at most ``limit`` bytes and raises BodyTooLarge past them, having taken
    no more than one byte beyond the limit from the sender."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._given = 0

    def _room(self, size: int | None) -> int:
        room = self._limit + 1 - self._given
        return room if size is None or size < 0 else min(size, room)

    def _counted(self, data: bytes) -> bytes:
        self._given += len(data)
        if self._given > self._limit:
            raise BodyTooLarge(self._limit)
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.read(self._room(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.readline(self._room(size)))

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()
