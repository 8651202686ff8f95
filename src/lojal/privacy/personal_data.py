"""The privacy app's own table holds no personal data (see lojal.core.privacy)."""

from __future__ import annotations

from lojal.core.privacy import NotPersonal, personal_data

personal_data(
    NotPersonal(
        model="privacy.RetentionRun",
        fields=("note", "error"),
        reason="what a retention rule did, in Lojal's words; pending rows by id only",
    ),
)
