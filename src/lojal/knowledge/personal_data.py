"""Personal data in the knowledge base (see lojal.core.privacy): none about customers. Articles are the
company's own texts; what readers do with them is counted without saying who they are."""

from __future__ import annotations

from lojal.core.privacy import NotPersonal, personal_data

personal_data(
    NotPersonal(model="knowledge.KnowledgeCategory", fields=("name",), reason="a help centre section's name"),
    NotPersonal(
        model="knowledge.Article",
        fields=("body", "body_html"),
        reason="an FAQ article the company publishes (editors must not write about customers in them)",
    ),
    NotPersonal(
        model="knowledge.ArticleVersion",
        fields=("number", "body"),
        reason="an earlier text of an article, and its version number",
    ),
    NotPersonal(
        model="knowledge.ArticleAttachment",
        fields=("file", "name", "content_type"),
        reason="an image or document shown in an article",
    ),
    NotPersonal(
        model="knowledge.ArticleUse",
        fields=("as_text",),
        reason="whether an agent inserted an article's text or its link into a reply",
    ),
    NotPersonal(
        model="knowledge.SearchDocument", fields=("body_length",), reason="a word count of the search index"
    ),
    NotPersonal(
        model="knowledge.SearchPosting",
        fields=("body_tf", "body_length"),
        reason="word counts of the search index",
    ),
    NotPersonal(
        model="knowledge.SearchState",
        fields=("body_length_total",),
        reason="a word count of the search index",
    ),
)
