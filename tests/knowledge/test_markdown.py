"""Article Markdown to HTML: what editors write comes out as readable HTML, and hostile input comes out
harmless (no script, event handler, style, frame or dangerous address), links with rel=noopener."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from lojal.knowledge.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, html_sanitise, markdown_render


class Elements(HTMLParser):
    """Every element of an HTML text with its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_markdown_renders_headings_lists_links_images_and_tables() -> None:
    text = (
        "# Byta lösenord\n\n1. Logga in\n2. Välj *Inställningar*\n\n"
        "[Mina sidor](https://bank.example/mina) ![Skärm](/knowledge/files/1/s.png)\n\n"
        "| Avgift | Kr |\n|---|---|\n| Kort | 10 |\n\n~~gammalt~~"
    )
    assert markdown_render(text) == (
        "<h1>Byta lösenord</h1>\n<ol>\n<li>Logga in</li>\n<li>Välj <em>Inställningar</em></li>\n</ol>\n"
        '<p><a href="https://bank.example/mina" rel="noopener noreferrer">Mina sidor</a> '
        '<img src="/knowledge/files/1/s.png" alt="Skärm"></p>\n'
        "<table>\n<thead>\n<tr>\n<th>Avgift</th>\n<th>Kr</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>Kort</td>\n<td>10</td>\n</tr>\n</tbody>\n</table>\n<p><s>gammalt</s></p>\n"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<svg onload=alert(1)>",
        '<form action="https://evil.example"><input name=q></form>',
        "<!-- <script>alert(1)</script> -->",
        "<<script>script>alert(1)<</script>/script>",
        '[x](https://ok.example "t" onclick="alert(1)")',
        '[x](https://ok.example "a\\" onclick=\\"alert(1)")',
        "[x](//evil.example/path)",
    ],
)
def test_hostile_markdown_leaves_no_active_content(hostile: str) -> None:
    elements = Elements()
    elements.feed(markdown_render(hostile))
    for tag, attributes in elements.found:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attributes:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name)
            if name in {"href", "src"}:
                assert (value or "").split(":")[0].lower() in {"https", "http", "mailto", "tel"} or (
                    value or ""
                ).startswith("/"), value
        if tag == "a":
            assert ("rel", "noopener noreferrer") in attributes


def test_the_sanitiser_alone_strips_what_rendered_html_could_smuggle() -> None:
    dirty = (
        '<p onclick="x()" style="color:red">Hej <a href="javascript:alert(1)" target="_blank">x</a>'
        '<a href="https://ok.example" rel="opener">ok</a><img src="https://i.example/a.png" onerror="x()">'
        "<script>alert(1)</script><style>p{}</style></p>"
    )
    assert html_sanitise(dirty) == (
        '<p>Hej <a rel="noopener noreferrer">x</a><a href="https://ok.example" rel="noopener noreferrer">ok</a>'
        '<img src="https://i.example/a.png"></p>'
    )


def test_raw_html_in_markdown_is_shown_as_text_not_dropped() -> None:
    assert markdown_render("Skriv <b>fet</b> så här: `**fet**`") == (
        "<p>Skriv &lt;b&gt;fet&lt;/b&gt; så här: <code>**fet**</code></p>\n"
    )
