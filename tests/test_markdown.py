"""Markdown people write is rendered as CommonMark and sanitised by an allow-list."""

from html.parser import HTMLParser

import pytest

from sociable.markdown import render_markdown


def test_commonmark_formatting_survives():
    html = render_markdown("# Title\n\n**bold** _it_ `code`\n\n- one\n- two\n\n> quote")

    assert "<h2>Title</h2>" in html  # the page's own h1 is the only one
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert "<code>code</code>" in html and "<li>one</li>" in html
    assert "<blockquote>" in html


def test_links_are_marked_as_user_content():
    html = render_markdown("[site](https://example.org)")

    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener"' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil.example></iframe>",
        "![x](javascript:alert(1))",
        '<svg onload="alert(1)">',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_script_never_survives(payload):
    tags = Elements()
    tags.feed(render_markdown(payload))

    for tag, attrs in tags.found:
        assert tag in {"p", "a", "em", "strong"}, tag
        for name, value in attrs:
            assert name in {"href", "rel", "title"}, name
            if name == "href":
                assert value.lower().startswith(("http:", "https:", "mailto:")), value


class Elements(HTMLParser):
    """Collect the real elements and attributes of some HTML (text stays text)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def test_a_text_with_an_outline_of_its_own_starts_its_headings_at_h2():
    # A story's "## Week one" is a section of the page (h2), and its "###" below it an h3;
    # a post's headings move one level down whatever they are.
    story = render_markdown("## Week one\n\ntext\n\n### Tuesday\n\n#### Late", outline=True)
    assert "<h2>Week one</h2>" in story and "<h3>Tuesday</h3>" in story
    assert "<h4>Late</h4>" in story
    assert render_markdown("# Big\n\n###### Small", outline=True).count("<h2>") == 1
    assert "<h3>Week one</h3>" in render_markdown("## Week one")
