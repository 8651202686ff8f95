"""Every choice label of Lojal's models (stages, channels, states ...) has a Swedish and a Norwegian
translation: an untranslated "Lead" shows English in the middle of a Swedish page."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

from lojal.customers.models import Stage


def _labels() -> list[tuple[str, Promise]]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("lojal."):
            continue
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "choices", None) or []:
                if isinstance(label, Promise):  # plain strings (currency codes) are not for translation
                    found.append((f"{model.__name__}.{field.name}", label))
    return found


@pytest.mark.parametrize("language", ["sv", "nb"])
def test_every_choice_label_is_translated(language: str) -> None:
    catalogue = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    missing = []
    for where, label in _labels():
        with translation.override("en"):
            english = str(label)
        with translation.override(language):
            translated = str(label)
        # A label the same in both ("Status", "SMS") must still be in the catalogue on purpose.
        if translated == english and catalogue.get(english) is None:
            missing.append((where, english))
    assert missing == []


def test_the_stage_lead_is_translated() -> None:
    with translation.override("sv"):
        assert str(Stage.LEAD.label) == "Potentiell kund"
    with translation.override("nb"):
        assert str(Stage.LEAD.label) == "Potensiell kunde"
