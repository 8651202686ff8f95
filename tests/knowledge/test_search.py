"""FAQ search and suggestions over the index: compounds, synonyms, typos, ranking, visibility; the same
answers (and scores) on SQLite and PostgreSQL, since this module runs on both."""

from typing import Any

import pytest

from lojal.core.errors import ValidationError
from lojal.knowledge.indexing import article_reindex, index_rebuild
from lojal.knowledge.models import Article, SearchDocument, SearchPosting, SearchState, SearchTerm, Synonyms
from lojal.knowledge.search import article_search, article_suggest

pytestmark = pytest.mark.django_db


def _article(
    title: str,
    body: str = "",
    *,
    language: str = "sv",
    tags: tuple[str, ...] = (),
    visibility: str = "public",
    status: str = "published",
    slug: str = "",
) -> Article:
    article = Article.objects.create(
        language=language,
        title=title,
        slug=slug or f"a-{Article.objects.count() + 1}",
        body=body,
        tags=list(tags),
        visibility=visibility,
        status=status,
    )
    article_reindex(article_id=article.pk)
    return article


def _titles(found: list[Any]) -> list[str]:
    return [item.title for item in found]


@pytest.fixture
def bank() -> dict[str, Article]:
    return {
        "password": _article(
            "Byta lösenord",
            "Så byter du ditt lösenord i appen: välj Inställningar och sedan Säkerhet.",
            tags=("inloggning",),
        ),
        "statement": _article(
            "Beställ utdrag", "Du kan beställa ett utdrag för kontot i internetbanken eller i appen."
        ),
        "card": _article(
            "Spärra kortet", "Har du tappat kortet? Spärra det direkt i appen, dygnet runt.", tags=("kort",)
        ),
        "swish": _article("Koppla Swish", "Koppla Swish till ditt konto med mobilt BankID."),
    }


def test_a_compound_finds_the_article_written_with_its_parts(bank: dict[str, Article]) -> None:
    assert _titles(article_suggest(question="lösenordsbyte", language="sv")) == ["Byta lösenord"]
    assert _titles(article_suggest(question="kontoutdrag", language="sv"))[0] == "Beställ utdrag"


def test_a_question_without_diacritics_or_with_a_typo_finds_the_article(bank: dict[str, Article]) -> None:
    assert _titles(article_suggest(question="losenordet", language="sv")) == ["Byta lösenord"]
    assert _titles(article_suggest(question="hur bytta losenrod", language="sv")) == ["Byta lösenord"]
    assert _titles(article_suggest(question="sparra kortet", language="sv"))[0] == "Spärra kortet"


def test_a_chatty_question_finds_its_answer_first(bank: dict[str, Article]) -> None:
    question = (
        "Hej! Jag har tappat mitt kort igår på stan, vad ska jag göra nu? Tacksam för snabbt svar. /Eva"
    )

    assert _titles(article_suggest(question=question, language="sv"))[0] == "Spärra kortet"


def test_scores_are_exact_and_the_same_on_both_databases(bank: dict[str, Article]) -> None:
    found = article_suggest(question="Hur spärrar jag kortet i appen?", language="sv")

    assert [(item.title, item.score) for item in found] == [
        ("Spärra kortet", 4.5466),
        ("Beställ utdrag", 0.3768),
        ("Byta lösenord", 0.3504),
    ]
    assert [(item.slug, item.language) for item in found] == [
        (bank["card"].slug, "sv"),
        (bank["statement"].slug, "sv"),
        (bank["password"].slug, "sv"),
    ]


def test_a_match_in_the_title_ranks_above_the_same_match_in_the_body() -> None:
    in_body = _article("Om appen", "Ladda ner appen och se din faktura direkt i mobilen, enkelt och snabbt.")
    in_title = _article("Din faktura", "Ladda ner appen och se allt direkt i mobilen, enkelt och snabbt.")

    found = article_search(query="faktura", language="sv")

    assert [item.article_id for item in found] == [in_title.pk, in_body.pk]
    assert found[0].score > found[1].score


def test_a_tag_counts_more_than_the_body() -> None:
    in_body = _article("Betala räkningar", "Du kan betala med autogiro eller e-faktura från din bank.")
    tagged = _article("Betala räkningar i tid", "Du betalar enkelt från din bank.", tags=("autogiro",))

    assert [item.article_id for item in article_search(query="autogiro", language="sv")] == [
        tagged.pk,
        in_body.pk,
    ]


def test_synonyms_from_the_list_count_at_once_and_stop_counting_when_removed(
    bank: dict[str, Article],
) -> None:
    assert article_suggest(question="pinkod", language="sv") == []
    line = Synonyms.objects.create(language="sv", words="lösenord, pinkod, kod")

    assert _titles(article_suggest(question="Jag har glömt min pinkod", language="sv")) == ["Byta lösenord"]

    line.delete()
    assert article_suggest(question="Jag har glömt min pinkod", language="sv") == []


def test_public_search_leaves_out_drafts_portal_and_internal_articles() -> None:
    public = _article("Reklamera en vara", "Så reklamerar du en trasig vara.")
    portal = _article("Reklamera en vara i butik", "Ta med varan.", visibility="portal")
    internal = _article("Reklamera en vara: intern rutin", "Rutin.", visibility="internal")
    _article("Reklamera en vara (utkast)", "Utkast.", status="draft")

    def ids(*visibilities: str) -> set[int]:
        return {
            item.article_id
            for item in article_search(query="reklamera vara", language="sv", visibilities=visibilities)
        }

    assert ids("public") == {public.pk}
    assert ids("public", "portal") == {public.pk, portal.pk}
    assert ids("public", "portal", "internal") == {public.pk, portal.pk, internal.pk}


def test_search_stays_in_the_language_asked_for() -> None:
    _article("Byta lösenord", "Byt lösenord i appen.", language="sv")
    norwegian = _article(
        "Bytte passord", "Du kan bytte passord i appen.", language="nb", slug="bytte-passord"
    )

    found = article_suggest(question="Hvordan bytter jeg passordet?", language="nb")

    assert [(item.article_id, item.title, item.slug, item.language) for item in found] == [
        (norwegian.pk, "Bytte passord", "bytte-passord", "nb")
    ]
    assert article_suggest(question="passord", language="da") == []


def test_unpublishing_or_deleting_an_article_takes_it_and_its_words_out_of_the_index(
    bank: dict[str, Article],
) -> None:
    card = bank["card"]
    assert SearchTerm.objects.get(language="sv", term="sparr").document_count == 1

    Article.objects.filter(pk=card.pk).update(status=Article.Status.ARCHIVED)
    article_reindex(article_id=card.pk)

    assert _titles(article_suggest(question="spärra kortet", language="sv")) == []
    assert not SearchPosting.objects.filter(article_id=card.pk).exists()
    assert not SearchTerm.objects.filter(language="sv", term="sparr").exists()
    assert SearchState.objects.get(language="sv").documents == 3

    swish = bank["swish"]
    Article.objects.filter(pk=swish.pk).delete()
    article_reindex(article_id=swish.pk)
    assert not SearchDocument.objects.filter(article_id=swish.pk).exists()
    assert not SearchTerm.objects.filter(language="sv", term="swish").exists()
    assert SearchState.objects.get(language="sv").documents == 2
    article_reindex(article_id=999_999)  # an unknown id is no error and changes nothing
    assert SearchState.objects.get(language="sv").documents == 2


def test_an_edited_article_is_found_by_its_new_words_only(bank: dict[str, Article]) -> None:
    swish = bank["swish"]
    Article.objects.filter(pk=swish.pk).update(
        title="Koppla Autogiro", body="Anmäl autogiro i internetbanken."
    )
    article_reindex(article_id=swish.pk)

    assert article_suggest(question="swish", language="sv") == []
    assert _titles(article_suggest(question="autogiro", language="sv")) == ["Koppla Autogiro"]
    assert SearchTerm.objects.get(language="sv", term="konto").document_count == 1


def test_a_rebuild_indexes_what_reindexing_one_by_one_did(bank: dict[str, Article]) -> None:
    _article("Gammal artikel", "Om bankdosan.", status="archived")
    before = article_suggest(question="Hur spärrar jag kortet i appen?", language="sv")
    terms_before = sorted(SearchTerm.objects.values_list("language", "term", "document_count"))

    assert index_rebuild() == 4

    assert article_suggest(question="Hur spärrar jag kortet i appen?", language="sv") == before
    assert sorted(SearchTerm.objects.values_list("language", "term", "document_count")) == terms_before
    assert SearchPosting.objects.filter(article_id__in=[article.pk for article in bank.values()]).count() == (
        SearchPosting.objects.count()
    )


def test_search_pages_with_limit_and_offset() -> None:
    articles = [_article(f"Faktura nummer {number}", "Om fakturan.") for number in range(5)]

    first = article_search(query="faktura", language="sv", limit=2)
    second = article_search(query="faktura", language="sv", limit=2, offset=2)

    assert [item.article_id for item in first + second] == [article.pk for article in articles[:4]]


def test_bad_language_visibility_limit_or_offset_is_refused() -> None:
    with pytest.raises(ValidationError) as language:
        article_suggest(question="kort", language="de")
    with pytest.raises(ValidationError) as visibility:
        article_search(query="kort", language="sv", visibilities=("secret",))
    with pytest.raises(ValidationError) as limit:
        article_suggest(question="kort", language="sv", limit=0)
    with pytest.raises(ValidationError) as offset:
        article_search(query="kort", language="sv", offset=-1)

    assert [set(error.value.errors) for error in (language, visibility, limit, offset)] == [
        {"language"},
        {"visibilities"},
        {"limit"},
        {"offset"},
    ]


def test_an_empty_index_or_a_question_of_stop_words_suggests_nothing() -> None:
    assert article_suggest(question="kort", language="sv") == []
    _article("Spärra kortet", "Spärra kortet i appen.")
    assert article_suggest(question="Hej! Hur gör jag?", language="sv") == []
    assert article_suggest(question="", language="sv") == []
