"""Files customers attach on My pages: how many, how large, and of which types, the type read from the
file's first bytes with the ``filetype`` library (magic numbers), never trusted from its name or the
browser's Content-Type. Text without a magic number counts as plain text only when it is valid UTF-8
with no control characters."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from lojal.core.errors import ValidationError
from lojal.interactions.services import IncomingFile

#: The content types a customer may attach, with the file name ending each is stored with.
ALLOWED = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "text/plain": "txt",
}
#: The images a company's logo may be (no SVG: it can carry scripts).
LOGO_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")


def max_count() -> int:
    return int(getattr(settings, "LOJAL_PORTAL_ATTACHMENT_COUNT", 3))


def max_bytes() -> int:
    return int(getattr(settings, "LOJAL_PORTAL_ATTACHMENT_MAX_BYTES", 2 * 1024 * 1024))


def content_type_of(content: bytes) -> str | None:
    """The content type the bytes say they are, or None when they are none we recognise."""
    kind = filetype.guess(content[:8192])
    if kind is not None:
        return str(kind.mime)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
        return None
    return "text/plain"


def _safe_name(name: str, extension: str) -> str:
    """The file's own name without any folder, with the ending its content has."""
    stem = PurePosixPath((name or "").replace("\\", "/")).stem.strip(". ")[:100] or "file"
    return f"{stem}.{extension}"


def files_checked(uploads: Sequence[Any], *, field: str = "files") -> list[IncomingFile]:
    """The uploaded files (Django UploadedFile or anything with ``name``, ``size`` and ``read()``) as
    checked IncomingFiles; too many, too large, empty or of a type not allowed raise ValidationError
    naming the file."""
    if len(uploads) > max_count():
        raise ValidationError.for_field(field, _("At most %(count)d files.") % {"count": max_count()})
    checked: list[IncomingFile] = []
    for upload in uploads:
        name = str(getattr(upload, "name", "") or "")
        size = int(getattr(upload, "size", 0) or 0)
        if size > max_bytes():
            raise ValidationError.for_field(
                field,
                _("%(name)s is larger than %(size)s MB.")
                % {"name": name, "size": f"{max_bytes() / 1024 / 1024:.0f}"},
            )
        content = upload.read(max_bytes() + 1)
        if not content:
            raise ValidationError.for_field(field, _("%(name)s is empty.") % {"name": name})
        if len(content) > max_bytes():
            raise ValidationError.for_field(
                field,
                _("%(name)s is larger than %(size)s MB.")
                % {"name": name, "size": f"{max_bytes() / 1024 / 1024:.0f}"},
            )
        content_type = content_type_of(content)
        if content_type not in ALLOWED:
            raise ValidationError.for_field(
                field,
                _("%(name)s is not a file type we accept (pictures, PDF, Word, Excel or text).")
                % {"name": name},
            )
        checked.append(
            IncomingFile(
                filename=_safe_name(name, ALLOWED[content_type]),
                content_type=content_type,
                content=content,
            )
        )
    return checked
