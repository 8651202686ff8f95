"""The article services: create, translations, change with versions, restore, publish and its kin,
categories, synonyms and attachments; bad input changes nothing."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.models import AuditEntry
from lojal.knowledge import indexing, selectors, services
from lojal.knowledge.models import Article, ArticleAttachment, ArticleVersion, KnowledgeCategory, Synonyms

pytestmark = pytest.mark.django_db

#: The smallest PNG there is (1x1 pixel).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def editor(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_AGENT, "editor")


@pytest.fixture
def reindexed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(indexing, "article_reindex", lambda *, article_id: calls.append(article_id))
    return calls


def state() -> tuple[Any, ...]:
    return (
        list(Article.objects.order_by("pk").values_list("pk", "title", "slug", "body", "status", "version")),
        ArticleVersion.objects.count(),
        AuditEntry.objects.count(),
        list(KnowledgeCategory.objects.order_by("pk").values_list("pk", "name", "slug", "parent_id")),
        list(Synonyms.objects.order_by("pk").values_list("language", "words")),
        ArticleAttachment.objects.count(),
    )


def test_a_new_article_is_a_draft_with_its_first_version_audited_and_reindexed(
    editor: User, reindexed: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create(
            actor=editor,
            language="sv",
            title="Byta lösenord på Mina sidor",
            body="Gå till **Inställningar**.",
            tags=["Lösenord", "inloggning", "lösenord"],
        )
    article.refresh_from_db()
    assert (article.status, article.version, article.slug) == ("draft", 1, "byta-losenord-pa-mina-sidor")
    assert article.tags == ["lösenord", "inloggning"]
    assert article.body_html == "<p>Gå till <strong>Inställningar</strong>.</p>\n"
    version = ArticleVersion.objects.get(article=article)
    assert (version.number, version.title, version.author_id) == (1, "Byta lösenord på Mina sidor", editor.pk)
    entry = AuditEntry.objects.get(object_type="knowledge.article")
    assert (entry.action, entry.actor_id, entry.object_id) == ("article.created", editor.pk, str(article.pk))
    assert reindexed == [article.pk]


def test_slugs_fold_nordic_letters_and_stay_unique_per_language(editor: User) -> None:
    assert services.slug_make("Ærlig øl, Åsa och Ängen: Örebro") == "aerlig-ol-asa-och-angen-orebro"
    first = services.article_create(actor=editor, language="sv", title="Kort spärrat")
    second = services.article_create(actor=editor, language="sv", title="Kort spärrat")
    other_language = services.article_create(actor=editor, language="nb", title="Kort spärrat")
    assert [first.slug, second.slug, other_language.slug] == [
        "kort-sparrat",
        "kort-sparrat-2",
        "kort-sparrat",
    ]


def test_a_given_slug_taken_in_the_language_is_refused_and_nothing_is_written(editor: User) -> None:
    services.article_create(actor=editor, language="sv", title="Kort", slug="kort")
    before = state()
    with pytest.raises(Conflict) as raised:
        services.article_create(actor=editor, language="sv", title="Annat", slug="kort")
    assert raised.value.errors == {"slug": ["Already used by another article in this language."]}
    with pytest.raises(ValidationError) as bad:
        services.article_create(actor=editor, language="sv", title="Annat", slug="Kört Här")
    assert list(bad.value.errors) == ["slug"]
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": "de"}, "language"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "bad\x00"}, "title"),
        ({"visibility": "everyone"}, "visibility"),
        ({"category_id": 999}, "category_id"),
        ({"tags": "notalist"}, "tags"),
        ({"tags": ["ok", ""]}, "tags"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"translation_of": 999}, "translation_of"),
    ],
)
def test_bad_input_to_create_names_the_field_and_writes_nothing(
    editor: User, changes: dict[str, Any], field: str
) -> None:
    before = state()
    arguments: dict[str, Any] = {"language": "sv", "title": "Titel"} | changes
    with pytest.raises(ValidationError) as raised:
        services.article_create(actor=editor, **arguments)
    assert list(raised.value.errors) == [field]
    assert state() == before


def test_read_only_staff_may_not_write_articles(make_user: Callable[..., User], editor: User) -> None:
    article = services.article_create(actor=editor, language="en", title="Cards", body="Text")
    reader = make_user(Role.READ_ONLY)
    before = state()
    with pytest.raises(PermissionDenied):
        services.article_create(actor=reader, language="en", title="Mine")
    with pytest.raises(PermissionDenied):
        services.article_update(actor=reader, article_id=article.pk, changes={"title": "Mine"})
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=reader, article_id=article.pk)
    with pytest.raises(PermissionDenied):
        services.category_create(actor=editor, name="Agents may not set up categories")
    assert state() == before


def test_a_translation_joins_the_group_in_another_language_only(editor: User) -> None:
    swedish = services.article_create(actor=editor, language="sv", title="Spärra kort", body="Ring oss.")
    norwegian = services.article_create(
        actor=editor, language="nb", title="Sperre kort", body="Ring oss.", translation_of=swedish.pk
    )
    assert norwegian.group == swedish.group
    assert [other.pk for other in selectors.article_translations(article=swedish)] == [norwegian.pk]
    assert selectors.article_missing_languages(article=swedish, translations=[norwegian]) == [
        "da",
        "fi",
        "en",
    ]
    before = state()
    with pytest.raises(Conflict):
        services.article_create(actor=editor, language="nb", title="Sperre kortet", translation_of=swedish.pk)
    assert state() == before


def test_each_change_keeps_a_version_and_an_unchanged_save_keeps_none(
    editor: User,
    make_user: Callable[..., User],
    reindexed: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    article = services.article_create(actor=editor, language="en", title="Delivery", body="Two days.")
    manager = make_user(Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(
            actor=manager, article_id=article.pk, changes={"body": "Three days.", "tags": ["Post"]}
        )
    services.article_update(actor=manager, article_id=article.pk, changes={"body": "Three days."})
    article.refresh_from_db()
    assert (article.version, article.body, article.body_html) == (2, "Three days.", "<p>Three days.</p>\n")
    versions = list(selectors.article_versions(article_id=article.pk))
    assert [(v.number, v.body, v.author_id) for v in versions] == [
        (2, "Three days.", manager.pk),
        (1, "Two days.", editor.pk),
    ]
    change = AuditEntry.objects.get(action="article.changed")
    assert change.changes == {"body": [9, 11], "tags": [[], ["post"]]}
    assert reindexed == [article.pk]


def test_restore_brings_back_an_old_version_as_a_new_one(editor: User) -> None:
    category = KnowledgeCategory.objects.create(slug="cards", name="Cards")
    article = services.article_create(
        actor=editor, language="en", title="Lost card", body="Call us.", category_id=category.pk
    )
    services.article_update(
        actor=editor, article_id=article.pk, changes={"title": "Card lost", "body": "Block it in the app."}
    )
    restored = services.article_restore(actor=editor, article_id=article.pk, number=1)
    assert (restored.version, restored.title, restored.body, restored.category_id) == (
        3,
        "Lost card",
        "Call us.",
        category.pk,
    )
    assert list(ArticleVersion.objects.filter(article=article).values_list("number", "title")) == [
        (3, "Lost card"),
        (2, "Card lost"),
        (1, "Lost card"),
    ]
    assert AuditEntry.objects.get(action="article.restored").changes["version"] == 1
    before = state()
    with pytest.raises(NotFound):
        services.article_restore(actor=editor, article_id=article.pk, number=9)
    assert state() == before


def test_the_diff_marks_changed_words_and_lines(editor: User) -> None:
    article = services.article_create(
        actor=editor, language="en", title="Fees", body="Cards cost 10 kr.\nTransfers are free.\n<b>x</b>"
    )
    services.article_update(
        actor=editor,
        article_id=article.pk,
        changes={"title": "Our fees", "body": "Cards cost 20 kr.\nTransfers are free.\n<b>x</b>\nAsk us."},
    )
    diff = selectors.version_diff(article_id=article.pk, old=1, new=2)
    assert diff.fields == {"title": ("Fees", "Our fees")}
    assert [(row.kind, row.old_html, row.new_html) for row in diff.rows] == [
        ("changed", "Cards cost <del>10</del> kr.", "Cards cost <ins>20</ins> kr."),
        ("same", "Transfers are free.", "Transfers are free."),
        ("same", "&lt;b&gt;x&lt;/b&gt;", "&lt;b&gt;x&lt;/b&gt;"),
        ("added", "", "<ins>Ask us.</ins>"),
    ]
    assert "-Cards cost 10 kr.\n+Cards cost 20 kr." in diff.unified
    with pytest.raises(ValidationError):
        selectors.version_diff(article_id=article.pk, old=1, new=1)


def test_publish_unpublish_and_archive_change_the_status_and_are_audited(
    editor: User, reindexed: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    article = services.article_create(actor=editor, language="sv", title="Tom")
    before = state()
    with pytest.raises(ValidationError) as empty:
        services.article_publish(actor=editor, article_id=article.pk)
    assert list(empty.value.errors) == ["body"]
    assert state() == before
    services.article_update(actor=editor, article_id=article.pk, changes={"body": "Text."})
    with django_capture_on_commit_callbacks(execute=True):
        published = services.article_publish(actor=editor, article_id=article.pk)
        services.article_publish(actor=editor, article_id=article.pk)  # already published: nothing
    assert published.status == "published" and published.published_at is not None
    services.article_unpublish(actor=editor, article_id=article.pk)
    archived = services.article_archive(actor=editor, article_id=article.pk)
    assert archived.status == "archived"
    assert list(
        AuditEntry.objects.filter(action__in=["article.published", "article.unpublished", "article.archived"])
        .order_by("pk")
        .values_list("action", "changes")
    ) == [
        ("article.published", {"status": ["draft", "published"]}),
        ("article.unpublished", {"status": ["published", "draft"]}),
        ("article.archived", {"status": ["draft", "archived"]}),
    ]
    assert reindexed == [article.pk]
    assert Article.objects.get(pk=article.pk).version == 2  # status changes keep no content version


def test_categories_go_two_levels_deep_with_unique_addresses(admin_user: User) -> None:
    cards = services.category_create(actor=admin_user, name="Kort & betalningar", names={"en": "Cards"})
    lost = services.category_create(actor=admin_user, name="Spärrat kort", parent_id=cards.pk)
    assert (cards.slug, lost.slug, cards.names) == ("kort-betalningar", "sparrat-kort", {"en": "Cards"})
    before = state()
    for arguments in (
        {"name": "Djupt", "parent_id": lost.pk},
        {"name": "x", "names": {"de": "Karten"}},
        {"name": ""},
        {"name": "Kort", "slug": "Not A Slug"},
    ):
        with pytest.raises(ValidationError):
            services.category_create(actor=admin_user, **arguments)
    with pytest.raises(Conflict):
        services.category_create(actor=admin_user, name="Kort", slug="kort-betalningar")
    with pytest.raises(ValidationError):
        services.category_update(actor=admin_user, category_id=cards.pk, changes={"parent_id": cards.pk})
    assert state() == before
    services.category_update(actor=admin_user, category_id=lost.pk, changes={"name": "Borttappat kort"})
    tree = selectors.category_tree()
    assert [(node.category.name, [child.name for child in node.children]) for node in tree] == [
        ("Kort & betalningar", ["Borttappat kort"])
    ]


def test_synonyms_replace_a_language_list_and_bad_lines_are_named(
    admin_user: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    rebuilt: list[bool] = []
    monkeypatch.setattr(indexing, "index_rebuild", lambda: rebuilt.append(True) or 0)
    services.synonyms_set(actor=admin_user, language="nb", text="passord, kode")
    with django_capture_on_commit_callbacks(execute=True):
        services.synonyms_set(
            actor=admin_user, language="sv", text="Lösen, lösenord,  pinkod\n\nkort,bankkort, kort\n"
        )
    assert selectors.synonyms_of(language="sv") == ["kort, bankkort", "lösen, lösenord, pinkod"]
    assert rebuilt == [True]
    before = state()
    with pytest.raises(ValidationError) as raised:
        services.synonyms_set(actor=admin_user, language="sv", text="ok, bra\nensam\nx, " + "y" * 61)
    assert raised.value.errors == {
        "text": [
            "Line 2: give at least two different words, separated by commas.",
            "Line 3: a word is longer than 60 characters.",
        ]
    }
    with pytest.raises(ValidationError):
        services.synonyms_set(actor=admin_user, language="xx", text="a, b")
    assert state() == before
    assert selectors.synonyms_of(language="nb") == ["passord, kode"]


def test_an_image_is_kept_with_its_sniffed_type_and_a_disguised_file_is_refused(
    editor: User, tmp_path: Path
) -> None:
    article = services.article_create(actor=editor, language="en", title="Screens")
    with override_settings(MEDIA_ROOT=tmp_path, LOJAL_KB_ATTACHMENT_MAX_BYTES=1000):
        attachment = services.article_attachment_add(
            actor=editor, article_id=article.pk, name="C:\\Users\\me\\screen.pdf", content=PNG
        )
        assert (attachment.name, attachment.content_type, attachment.size) == (
            "screen.pdf",
            "image/png",
            len(PNG),
        )
        assert Path(attachment.file.path).read_bytes() == PNG
        before = state()
        files_before = sorted(tmp_path.rglob("*"))
        for name, content in (
            ("script.png", b"<script>alert(1)</script>"),
            ("big.png", PNG + b"\0" * 1000),
            ("empty.png", b""),
        ):
            with pytest.raises(ValidationError):
                services.article_attachment_add(
                    actor=editor, article_id=article.pk, name=name, content=content
                )
        assert state() == before
        assert sorted(tmp_path.rglob("*")) == files_before
        services.article_attachment_remove(actor=editor, attachment_id=attachment.pk)
    assert not ArticleAttachment.objects.exists()
    assert AuditEntry.objects.filter(action="article.file_removed").count() == 1


def test_a_removed_attachment_file_is_deleted_after_the_commit(
    editor: User, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    article = services.article_create(actor=editor, language="en", title="Screens")
    with override_settings(MEDIA_ROOT=tmp_path):
        attachment = services.article_attachment_add(
            actor=editor, article_id=article.pk, name="screen.png", content=PNG
        )
        stored = Path(attachment.file.path)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_attachment_remove(actor=editor, attachment_id=attachment.pk)
    assert not stored.exists()


def test_every_audit_code_of_the_knowledge_base_fits_the_audit_log() -> None:
    """SQLite would store a longer code; PostgreSQL refuses it (the code is a varchar)."""
    import re

    from lojal.knowledge import attachments, taxonomy

    limit = AuditEntry._meta.get_field("action").max_length
    codes: set[str] = set()
    for module in (services, attachments, taxonomy):
        codes |= set(
            re.findall(r'action="([a-z_.]+)"', Path(module.__file__ or "").read_text(encoding="utf-8"))
        )
    assert len(codes) == 11
    assert {code for code in codes if len(code) > limit} == set()
