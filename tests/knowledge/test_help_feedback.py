import pytest
from django.test import Client

from lojal.core.errors import NotFound, ValidationError
from lojal.knowledge import deflection
from lojal.knowledge.feedback import article_feedback_record
from lojal.knowledge.models import Article, ArticleFeedback, SuggestionSession
from tests.knowledge.help_support import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def pin() -> Article:
    return article("Byta pinkod", slug="byta-pinkod")


def counters(item: Article) -> tuple[int, int]:
    item.refresh_from_db()
    return item.helpful_count, item.unhelpful_count


def test_yes_by_htmx_records_the_answer_bumps_the_counter_and_thanks(pin: Article) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/help/sv/byta-pinkod/")
    token = page.cookies["csrftoken"].value

    response = client.post(
        "/help/sv/byta-pinkod/feedback/",
        {"helped": "yes", "csrfmiddlewaretoken": token},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Tack! Vad roligt att det hjälpte." in response.content.decode()
    assert list(ArticleFeedback.objects.values_list("article_id", "helped", "source", "session")) == [
        (pin.pk, True, "help", None)
    ]
    assert counters(pin) == (1, 0)


def test_no_without_javascript_redirects_back_to_the_article_with_thanks(pin: Article) -> None:
    client = Client()

    response = client.post("/help/sv/byta-pinkod/feedback/", {"helped": "no"})

    assert response.status_code == 302
    assert response["Location"] == "/help/sv/byta-pinkod/?voted=no#feedback"
    page = client.get(response["Location"]).content.decode()
    assert "Tack. Vi använder ditt svar för att förbättra artikeln." in page
    assert counters(pin) == (0, 1)
    pin.refresh_from_db()
    assert pin.view_count == 0  # the page after the vote is no new reading


def test_a_vote_without_the_csrf_token_is_refused_and_changes_nothing(pin: Article) -> None:
    response = Client(enforce_csrf_checks=True).post("/help/sv/byta-pinkod/feedback/", {"helped": "yes"})

    assert response.status_code == 403
    assert ArticleFeedback.objects.count() == 0
    assert counters(pin) == (0, 0)


@pytest.mark.parametrize("answer", ["", "maybe", "1", "ja"])
def test_a_bad_answer_is_refused_and_changes_nothing(pin: Article, answer: str) -> None:
    response = Client().post("/help/sv/byta-pinkod/feedback/", {"helped": answer}, HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    assert "Svara" in response.content.decode()
    assert ArticleFeedback.objects.count() == 0
    assert counters(pin) == (0, 0)


def test_a_vote_on_an_internal_or_draft_article_is_not_found_and_changes_nothing() -> None:
    internal = article("Intern rutin", slug="intern-rutin", visibility="internal")
    draft = article("Utkast", slug="utkast", status="draft")

    assert Client().post("/help/sv/intern-rutin/feedback/", {"helped": "yes"}).status_code == 404
    assert Client().post("/help/sv/utkast/feedback/", {"helped": "yes"}).status_code == 404
    with pytest.raises(NotFound):
        article_feedback_record(article_id=internal.pk, helped="yes")
    with pytest.raises(ValidationError):
        article_feedback_record(article_id="1", helped="yes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        article_feedback_record(article_id=draft.pk, helped="yes", source="elsewhere")
    assert ArticleFeedback.objects.count() == 0
    assert (counters(internal), counters(draft)) == ((0, 0), (0, 0))


def test_a_get_on_the_feedback_address_changes_nothing(pin: Article) -> None:
    assert Client().get("/help/sv/byta-pinkod/feedback/?helped=yes").status_code == 405
    assert ArticleFeedback.objects.count() == 0


def test_an_article_opened_from_a_suggestion_records_opened_and_helped(pin: Article) -> None:
    token = deflection.suggestion_session_start(source="portal", language="sv")
    deflection.suggestion_shown(token=token, article_ids=[pin.pk])
    client = Client()

    page = client.get(f"/help/sv/byta-pinkod/?s={token}").content.decode()
    assert f'name="s" value="{token}"' in page
    client.post("/help/sv/byta-pinkod/feedback/", {"helped": "yes", "s": token}, HTTP_HX_REQUEST="true")

    session = SuggestionSession.objects.get(token=token)
    assert (session.opened_article_ids, session.opened_count, session.helped) == ([pin.pk], 1, True)
    assert ArticleFeedback.objects.get().session_id == session.pk


def test_an_unknown_suggestion_token_is_ignored_and_the_vote_counts(pin: Article) -> None:
    client = Client()
    assert client.get("/help/sv/byta-pinkod/?s=no-such-token").status_code == 200

    client.post(
        "/help/sv/byta-pinkod/feedback/", {"helped": "no", "s": "no-such-token"}, HTTP_HX_REQUEST="true"
    )

    assert SuggestionSession.objects.count() == 0
    assert list(ArticleFeedback.objects.values_list("helped", "session")) == [(False, None)]
    assert counters(pin) == (0, 1)
