"""The knowledge base: FAQ articles in the company's languages, their versions and translations, the
words search knows (synonyms), and what readers did with what they were shown (feedback, suggestions,
deflection). Search's own index tables live in ``search_models`` (imported at the end)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleLanguage(models.TextChoices):
    """The languages articles are written in; search stems each with its Snowball stemmer."""

    SWEDISH = "sv", _("Swedish")
    NORWEGIAN = "nb", _("Norwegian Bokmål")
    DANISH = "da", _("Danish")
    FINNISH = "fi", _("Finnish")
    ENGLISH = "en", _("English")


class KnowledgeCategory(models.Model):
    """A section of the help centre ("Cards", "Delivery"), one or two levels deep. Its name is given per
    language in ``names`` ({"sv": "Kort", "en": "Cards"}); a missing language falls back to ``name``."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("names per language"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """One FAQ article in one language. Translations of the same article share ``group``; the body is
    Markdown as written and ``body_html`` its sanitised rendering (what readers get)."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public (help centre)")
        PORTAL = "portal", _("Customers signed in to My pages")
        INTERNAL = "internal", _("Internal (staff only)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    group = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    language = models.CharField(_("language"), max_length=5, choices=ArticleLanguage.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=220)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(blank=True, editable=False)
    category = models.ForeignKey(
        KnowledgeCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        verbose_name=_("category"),
    )
    #: Lower-case tags, weighted in search like the title.
    tags = models.JSONField(_("tags"), default=list, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    #: The number of the latest ArticleVersion (1 after creation).
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: Counters kept by the feedback and use services (one UPDATE each), so lists need no aggregate.
    view_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    unhelpful_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["group", "language"], name="article_one_per_language"),
            models.UniqueConstraint(fields=["language", "slug"], name="article_slug_per_language"),
        ]
        indexes = [models.Index(fields=["language", "status", "visibility"], name="article_published")]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """An article as it was saved: every save keeps one, so an editor can compare and restore."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    category_id_at_save = models.IntegerField(null=True, blank=True)
    visibility = models.CharField(max_length=10)
    status = models.CharField(max_length=10)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_version_once")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleAttachment(models.Model):
    """A file or image an article shows or offers; its type is read from its content, not its name."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="knowledge/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Synonyms(models.Model):
    """One line of the editable synonym list of a language: words customers use for the same thing
    ("lösen, lösenord, pinkod"). Search treats every word of a line as any other."""

    language = models.CharField(_("language"), max_length=5, choices=ArticleLanguage.choices)
    words = models.CharField(_("words (comma separated)"), max_length=500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "words"]
        verbose_name = _("synonyms")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return self.words


class SuggestionSession(models.Model):
    """What one reader was suggested while writing one question (the portal's new-case form, the help
    centre's search, the suggestion API), and what came of it: articles opened, "it helped", a case
    opened anyway, or the question given up (deflection). One row per form visit, keyed by a random
    token the page carries."""

    class Source(models.TextChoices):
        PORTAL = "portal", _("My pages, new case")
        HELP_CENTRE = "help", _("Help centre")
        API = "api", _("API")
        ACKNOWLEDGEMENT = "ack", _("Acknowledgement email")

    token = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    language = models.CharField(max_length=5)
    customer_id = models.BigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    #: How many suggestion lists were shown and the distinct articles that were in them.
    shown_count = models.PositiveIntegerField(default=0)
    shown_article_ids = models.JSONField(default=list, blank=True)
    opened_article_ids = models.JSONField(default=list, blank=True)
    opened_count = models.PositiveIntegerField(default=0)
    #: The reader's "Did this help?" on an article opened from the suggestions (None: not answered).
    helped = models.BooleanField(null=True, blank=True)
    #: The case opened from this form (an id in the cases app), None while none was.
    case_id = models.BigIntegerField(null=True, blank=True)
    #: Set when the form was left without a case after suggestions were shown (a deflected question).
    abandoned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["started_at"], name="suggestion_session_started")]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class ArticleFeedback(models.Model):
    """One "Did this help? yes / no" on an article page (help centre, portal, or a suggestion)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helped = models.BooleanField()
    source = models.CharField(max_length=10)
    session = models.ForeignKey(
        SuggestionSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["article", "at"], name="article_feedback_at")]

    def __str__(self) -> str:
        return f"{self.article_id}: {'yes' if self.helped else 'no'}"


class ArticleUse(models.Model):
    """An agent put an article's link or text into a reply on a case (an id in the cases app): the
    articles used on solved cases are counted from these."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    case_id = models.BigIntegerField()
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    as_text = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "case_id"], name="article_use_once_per_case")
        ]
        indexes = [models.Index(fields=["case_id"], name="article_use_case")]

    def __str__(self) -> str:
        return f"{self.article_id} on case {self.case_id}"


from lojal.knowledge.search_models import (  # noqa: E402  (the search index; see its module)
    SearchDocument,
    SearchPosting,
    SearchState,
    SearchTerm,
)

__all__ = [
    "Article",
    "ArticleAttachment",
    "ArticleFeedback",
    "ArticleLanguage",
    "ArticleUse",
    "ArticleVersion",
    "KnowledgeCategory",
    "SearchDocument",
    "SearchPosting",
    "SearchState",
    "SearchTerm",
    "SuggestionSession",
    "Synonyms",
]
