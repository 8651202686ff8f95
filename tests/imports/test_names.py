"""One name column: organisations told by their legal form, people split into first and last name."""

from __future__ import annotations

import pytest

from lojal.imports.rules.names import has_legal_form, split_full_name


@pytest.mark.parametrize(
    ("full_name", "first", "last"),
    [
        ("Per Åström", "Per", "Åström"),
        ("Åström, Per", "Per", "Åström"),
        ("af Klint, Hilma", "Hilma", "af Klint"),
        ("Hilma af Klint", "Hilma", "af Klint"),
        ("Anna-Karin de la Motte", "Anna-Karin", "de la Motte"),
        ("Carl Johan Bernadotte", "Carl Johan", "Bernadotte"),
        ("Ebba von der Lancken", "Ebba", "von der Lancken"),
        ("Gustaf von Platen", "Gustaf", "von Platen"),
        ("Vincent van Gogh", "Vincent", "van Gogh"),
        ("Jens Peter de Vries", "Jens Peter", "de Vries"),
        ("Kari  Nordmann", "Kari", "Nordmann"),
        ("Ole-Kristian Ødegård", "Ole-Kristian", "Ødegård"),
        ("Søren Kierkegaard", "Søren", "Kierkegaard"),
        ("Päivi Järvinen", "Päivi", "Järvinen"),
        ("Anna Da", "Anna", "Da"),
        ("Marie La", "Marie", "La"),
        ("Björk", "", "Björk"),
        ("Järvinen, Päivi Maria", "Päivi Maria", "Järvinen"),
        ("  Lars   Ek  ", "Lars", "Ek"),
    ],
)
def test_a_persons_full_name_splits_into_first_and_last_name(full_name: str, first: str, last: str) -> None:
    assert split_full_name(full_name) == (first, last)


@pytest.mark.parametrize(
    "name",
    [
        "Fjällräven Handel AB",
        "Volvo AB (publ)",
        "AB Volvo",
        "Nordisk Kaffe HB",
        "Bygg & Måleri KB",
        "Norsk Hydro ASA",
        "Rema 1000 AS",
        "Mærsk A/S",
        "Bageriet ApS",
        "Hansen & Søn I/S",
        "Oy Karl Fazer Ab",
        "Kesko Oyj",
        "Virtanen Ky",
        "Parturi Anneli Tmi",
        "Acme Widgets Ltd.",
        "Müller GmbH",
        "Konsum Värmland ek. för.",
    ],
)
def test_a_name_with_a_legal_form_is_an_organisation(name: str) -> None:
    assert has_legal_form(name) is True


@pytest.mark.parametrize(
    "name",
    ["Per Åström", "Hilma af Klint", "Anna-Karin de la Motte", "Abbe Larsson", "Asbjørn Aas", "AB", ""],
)
def test_a_persons_name_has_no_legal_form(name: str) -> None:
    assert has_legal_form(name) is False
