"""The FAQ search index: one posting per (published article, term) with the term's frequency in the
title, the tags and the body and the field lengths (so ranking needs no join), the vocabulary of each
language with document frequencies (typos and compounds are matched against it), and per-language
totals with a generation number that tells every process when its cached vocabulary is stale.

Written only by ``lojal.knowledge.indexing``; read only by ``lojal.knowledge.search``."""

from __future__ import annotations

from django.db import models

# Articles are named by label, not imported: models.py imports this module (no import cycle).
_ARTICLE = "knowledge.Article"


class SearchDocument(models.Model):
    """A published article as the index holds it: its language, who may see it, its field lengths."""

    # No database constraint: an article deleted before ``article_reindex`` runs leaves its index rows
    # for that call to find and drop (with a cascade the vocabulary's counts could not be corrected).
    article = models.OneToOneField(
        _ARTICLE, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    language = models.CharField(max_length=5)
    visibility = models.CharField(max_length=10)
    title_length = models.PositiveIntegerField()
    tags_length = models.PositiveIntegerField()
    body_length = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["language"], name="search_document_language")]

    def __str__(self) -> str:
        return f"{self.article_id} ({self.language})"


class SearchPosting(models.Model):
    """One term of one published article: how often it occurs per field, and the field lengths."""

    article = models.ForeignKey(
        _ARTICLE, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )  # found by article through search_posting_once
    language = models.CharField(max_length=5)
    term = models.CharField(max_length=40)
    visibility = models.CharField(max_length=10)
    title_tf = models.PositiveSmallIntegerField(default=0)
    tags_tf = models.PositiveSmallIntegerField(default=0)
    body_tf = models.PositiveIntegerField(default=0)
    title_length = models.PositiveSmallIntegerField(default=0)
    body_length = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "term"], name="search_posting_once")]
        indexes = [
            # Covering: a question's postings are read from the index alone, on both databases.
            models.Index(
                fields=[
                    "language",
                    "term",
                    "visibility",
                    "article",
                    "title_tf",
                    "tags_tf",
                    "body_tf",
                    "title_length",
                    "body_length",
                ],
                name="search_posting_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} in {self.article_id}"


class SearchTerm(models.Model):
    """A term of a language's vocabulary and the number of published articles that have it."""

    language = models.CharField(max_length=5)
    term = models.CharField(max_length=40)
    document_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["language", "term"], name="search_term_once")]

    def __str__(self) -> str:
        return f"{self.language}:{self.term}"


class SearchState(models.Model):
    """Per language: how many articles are indexed, their total field lengths (for the averages BM25
    needs) and a generation, a new random number at every change (never reused, even after a rolled
    back transaction), so each process knows when its cached vocabulary is stale."""

    language = models.CharField(max_length=5, unique=True)
    documents = models.PositiveIntegerField(default=0)
    title_length_total = models.BigIntegerField(default=0)
    tags_length_total = models.BigIntegerField(default=0)
    body_length_total = models.BigIntegerField(default=0)
    generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.language} #{self.generation}"
