"""Article bodies from Markdown to the HTML readers get: CommonMark with tables and strikethrough
(markdown-it-py), raw HTML in the text shown as text, and the result sanitised with nh3 (ammonia)
against a short list of tags, attributes and address schemes, so no script, event handler, style or
``javascript:`` address reaches a reader, whatever an editor (or a stolen editor account) writes."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

#: What an article may contain once rendered; anything else is dropped (its text kept).
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
#: Links and images may point to these (and to addresses on the same site, without a scheme).
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: Every link gets these: the opened page cannot reach back into the help centre's window.
LINK_REL = "noopener noreferrer"
#: Dropped with their content, not only their tags (a script's text is no reading matter).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})

# html=False: HTML written in the Markdown is shown as text, never passed on.
_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def html_sanitise(html: str) -> str:
    """``html`` with only the allowed tags, attributes and address schemes left."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def markdown_render(text: str) -> str:
    """An article's Markdown as sanitised HTML (what ``Article.body_html`` stores and readers get)."""
    return html_sanitise(_PARSER.render(text))
