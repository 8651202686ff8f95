"""How FAQ search reads words: stemming per language, folding, stop words, compounds, synonyms, typos."""

from collections import Counter

from lojal.knowledge.analysis import (
    COMPOUND_PART_WEIGHT,
    PREFIX_WEIGHT,
    SYNONYM_WEIGHT,
    TYPO_WEIGHTS,
    Lexicon,
    compound_parts,
    fold,
    question_concepts,
    synonym_line_terms,
    term,
    terms,
    words,
)


def _lexicon(language: str, *texts: str, synonyms: tuple[str, ...] = ()) -> Lexicon:
    counts = Counter(known for text in texts for known in set(terms(text, language)))
    lines = tuple(synonym_line_terms(line, language) for line in synonyms)
    return Lexicon(document_counts=dict(counts), synonym_lines=lines)


def test_swedish_inflections_meet_at_one_term_including_definite_forms() -> None:
    assert {term(word, "sv") for word in ["lösenord", "lösenordet", "lösenorden"]} == {"losenord"}
    assert {term(word, "sv") for word in ["konto", "kontot", "kontots", "konton"]} == {"konto"}
    assert {term(word, "sv") for word in ["faktura", "fakturan", "fakturor", "fakturorna"]} == {"faktur"}
    assert {term(word, "sv") for word in ["byta", "byte", "byter"]} == {"byt"}


def test_norwegian_danish_finnish_and_english_are_stemmed_with_their_own_stemmer() -> None:
    assert {term(word, "nb") for word in ["passord", "passordet"]} == {"passord"}
    assert {term(word, "nb") for word in ["konto", "kontoen"]} == {"konto"}
    assert {term(word, "da") for word in ["adgangskode", "adgangskoden"]} == {"adgangskod"}
    assert {term(word, "fi") for word in ["lasku", "laskun", "laskua", "laskut"]} == {"lasku"}
    assert {term(word, "en") for word in ["change", "changing", "changed"]} == {"chang"}
    assert {term(word, "en") for word in ["deliveries", "delivery"]} == {"deliveri"}


def test_folding_drops_diacritics_and_spells_out_nordic_letters() -> None:
    assert fold("lösenord") == "losenord"
    assert fold("åtkomst") == "atkomst"
    assert fold("brød") == "brod"
    assert fold("kærlighed") == "kaerlighed"
    assert term("losenordet", "sv") == term("lösenordet", "sv") == "losenord"


def test_words_are_unicode_words_lower_cased_without_links() -> None:
    text = "Hej! Mitt BankID-lösenord (se [hjälp](https://bank.example/hjalp)) funkar ej, 3D Secure?"
    assert words(text) == ["hej", "mitt", "bankid", "lösenord", "se", "hjälp", "funkar", "ej", "3d", "secure"]


def test_stop_words_and_greetings_are_left_out_in_each_language() -> None:
    assert terms("Hej! Jag har glömt mitt lösenord, vad ska jag göra? Tack!", "sv") == ["glomt", "losenord"]
    assert terms("Hei, jeg har glemt passordet mitt. Takk", "nb") == ["glemt", "passord"]
    assert terms("Hi, I forgot my password, please help!", "en") == ["forgot", "password"]
    assert terms("Hej, jeg har glemt min adgangskode", "da") == ["glemt", "adgangskod"]
    assert terms("Hei, miten maksan laskun? Kiitos", "fi") == ["maks", "lasku"]


def test_a_swedish_compound_splits_into_known_words_with_a_linking_s() -> None:
    lexicon = _lexicon("sv", "Byta lösenord", "Beställ ett utdrag för kontot")

    assert compound_parts("lösenordsbyte", "sv", lexicon) == ["losenord", "byt"]
    assert compound_parts("kontoutdrag", "sv", lexicon) == ["konto", "utdrag"]
    assert compound_parts("losenordsbyte", "sv", lexicon) == ["losenord", "byt"]


def test_compounds_of_three_known_words_and_in_norwegian_and_danish() -> None:
    sv = _lexicon("sv", "Kort och konto", "Spärra ett kort", "Beställ utdrag")
    nb = _lexicon("nb", "Endre leveringen", "Ny adresse", "Bytte passord")
    da = _lexicon("da", "Ny adgangskode", "Skift kort")

    assert compound_parts("kortkontoutdrag", "sv", sv) == ["kort", "konto", "utdrag"]
    assert compound_parts("kortspärr", "sv", sv) == ["kort", "sparr"]
    assert compound_parts("leveringsadresse", "nb", nb) == ["levering", "adress"]
    assert compound_parts("passordbytte", "nb", nb) == ["passord", "bytt"]
    assert compound_parts("adgangskodeskift", "da", da) == ["adgangskod", "skift"]


def test_a_word_with_an_unknown_part_or_in_a_language_without_compounds_is_not_split() -> None:
    sv = _lexicon("sv", "Byta lösenord")
    en = _lexicon("en", "Change password", "Reset")

    assert compound_parts("lösenordsfras", "sv", sv) == []
    assert compound_parts("lösenord", "sv", sv) == []
    assert compound_parts("passwordreset", "en", en) == []


def test_a_synonym_line_makes_its_words_stand_for_each_other() -> None:
    lexicon = _lexicon("sv", "Byta lösenord", synonyms=("lösenord, pinkod, lösen",))

    concepts = question_concepts("Jag har glömt min pinkod!", "sv", lexicon)

    assert [concept.alternatives for concept in concepts] == [
        (("pinkod", 1.0), ("los", SYNONYM_WEIGHT), ("losenord", SYNONYM_WEIGHT)),
    ]


def test_a_misspelt_word_stands_for_the_nearest_known_terms() -> None:
    lexicon = _lexicon("sv", "Byta lösenord", "Spärra kortet", "Beställ kontoutdrag")

    assert question_concepts("lösenrod", "sv", lexicon)[0].alternatives == (("losenord", TYPO_WEIGHTS[1]),)
    assert question_concepts("kontoutdarg.", "sv", lexicon)[0].alternatives == (
        ("kontoutdrag", TYPO_WEIGHTS[1]),
    )
    assert question_concepts("bytta lösenord.", "sv", lexicon)[0].alternatives == (("byt", TYPO_WEIGHTS[1]),)
    assert question_concepts("kontuotdrga.", "sv", lexicon)[0].alternatives == (
        ("kontoutdrag", TYPO_WEIGHTS[2]),
    )


def test_short_words_get_no_typo_tolerance() -> None:
    lexicon = _lexicon("sv", "Spärra kortet")

    assert question_concepts("kurt.", "sv", lexicon)[0].alternatives == (("kort", TYPO_WEIGHTS[1]),)
    assert question_concepts("kat.", "sv", lexicon) == []


def test_a_compound_in_the_question_stands_for_its_parts() -> None:
    lexicon = _lexicon("sv", "Byta lösenord")

    concepts = question_concepts("lösenordsbyte?", "sv", lexicon)

    assert [concept.alternatives for concept in concepts] == [
        (("losenord", COMPOUND_PART_WEIGHT),),
        (("byt", COMPOUND_PART_WEIGHT),),
    ]


def test_the_word_being_typed_stands_for_the_known_words_it_begins() -> None:
    lexicon = _lexicon("sv", "Byta lösenord", "Lösenordsregler")

    assert question_concepts("glömt lösen", "sv", lexicon)[-1].alternatives == (
        ("losenord", PREFIX_WEIGHT),
        ("losenordsregl", PREFIX_WEIGHT),
    )
    assert question_concepts("glömt lösen ", "sv", lexicon) == []
