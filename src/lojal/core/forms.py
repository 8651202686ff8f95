"""What every page form shares: a service's errors put on the fields a person typed them into."""

from __future__ import annotations

from collections.abc import Callable

from django import forms

from lojal.core.errors import LojalError


def lojal_error_add(
    form: forms.Form, error: LojalError, field_of: Callable[[str], str | None] | None = None
) -> None:
    """Each field error of ``error`` on the form field ``field_of`` names (the key itself when the form
    has such a field), the rest, and an error about no field in particular, above the form."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for key, reasons in error.errors.items():
        field = field_of(key) if field_of else (key if key in form.fields else None)
        for reason in reasons:
            form.add_error(field, reason)


class ServiceForm(forms.Form):
    """A form whose data goes to a service; the service's validation errors come back onto it."""

    def service_error_field(self, key: str) -> str | None:
        """The form field a service error key (``"emails[0]"``, ``"code"``) belongs to, or None."""
        return key if key in self.fields else None

    def add_lojal_error(self, error: LojalError) -> None:
        lojal_error_add(self, error, self.service_error_field)
