"""Every XSS payload we know of renders inert: as a thread title, a post body, a tag, a report.

The payloads are the XSS strings of the Big List of Naughty Strings and vectors after the
OWASP XSS filter-evasion cheat sheet (tests/forums/data). They go in through
``forums.services``; the pages come out through the test client and are read with
``html.parser``, as a browser would see the markup (entities decoded, so
``jav&#x09;ascript:`` is checked as a javascript: URL).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from forums import selectors, services
from forums.models import Board, Report
from sociable.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from tests.accounts.factories import UserFactory, add_totp, staff_of

DATA = Path(__file__).parent / "data"
CORPUS_WORD = "xsscorpus"
ATOM = "{http://www.w3.org/2005/Atom}"

# The Big List's XSS payloads: every string with markup, an entity, a quote or a URL scheme
# in it (its emoji, numbers and right-to-left text cannot inject anything into HTML).
XSS_LIKE = re.compile(r"""[<>&"'`]|script:|data:|\]\(""", re.IGNORECASE)


def _payloads() -> list[str]:
    blns = [
        s
        for s in json.loads((DATA / "blns.json").read_text(encoding="utf-8"))
        if XSS_LIKE.search(s)
    ]
    owasp = (DATA / "owasp_xss.txt").read_text(encoding="utf-8").splitlines()
    seen: dict[str, None] = {}
    for text in [*blns, *owasp]:
        # PostgreSQL text cannot hold NUL; blank strings are refused as titles and bodies.
        if text.strip() and "\x00" not in text:
            seen.setdefault(text, None)
    return list(seen)


PAYLOADS = _payloads()

# What may appear inside user content: exactly what the sanitiser allows, plus search's <mark>.
CONTENT_TAGS = ALLOWED_TAGS | {"mark"}
CONTENT_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "a": ALLOWED_ATTRIBUTES["a"] | {"rel"}}  # nh3 adds rel
CONTENT_CLASSES = {"sociable-prose", "sociable-search-snippet"}
NEVER_ON_A_PAGE = {
    "iframe",
    "object",
    "embed",
    "base",
    "frame",
    "frameset",
    "applet",
    "math",
    "isindex",
    "xml",
    "bgsound",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "dynsrc",
    "lowsrc",
    "poster",
    "srcset",
    "codebase",
    "cite",
}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "param",
    "keygen",
    "isindex",
    "frame",
    "bgsound",
}
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")  # browsers drop these before reading a scheme


class InertChecker(HTMLParser):
    """Collect every way a page could run script or restyle itself from user content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, inside user content)

    def _inside(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag not in VOID:
            classes = set((dict(attrs).get("class") or "").split())
            self.stack.append((tag, self._inside() or bool(classes & CONTENT_CLASSES)))

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        described = f"<{tag} {attrs}>"
        values = dict(attrs)
        if tag == "script" and not (
            values.get("type") == "module" and (values.get("src") or "").startswith("/static/")
        ):
            self.problems.append(f"script element {described}")
        if tag in NEVER_ON_A_PAGE:
            self.problems.append(f"forbidden element {described}")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"meta http-equiv {described}")
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc":
                self.problems.append(f"event handler {name} on {described}")
            if name in URL_ATTRIBUTES and value:
                url = _IGNORED_IN_URLS.sub("", value).lower()
                if url.startswith(BAD_SCHEMES):
                    self.problems.append(f"dangerous URL in {name} of {described}")
        if self._inside():
            if tag not in CONTENT_TAGS:
                self.problems.append(f"element not allowed in user content: {described}")
            allowed = CONTENT_ATTRIBUTES.get(tag, set())
            for name, _ in attrs:
                if name not in allowed:
                    self.problems.append(
                        f"attribute {name} not allowed in user content: {described}"
                    )


def assert_inert(html: str, where: str) -> None:
    checker = InertChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, f"{where}:\n" + "\n".join(checker.problems[:20])


def fetch_all_pages(client: Client, url: str, *, params: dict | None = None) -> list[str]:
    """Every page of a paginated list, following "Next" until there is none."""
    pages, number = [], 1
    while True:
        response = client.get(url, {**(params or {}), "page": number})
        assert response.status_code == 200, (url, number, response.status_code)
        html = response.content.decode()
        assert_inert(html, f"{url} page {number}")
        pages.append(html)
        if 'rel="next"' not in html:
            return pages
        number += 1


def test_the_corpus_is_loaded():
    """Both lists are here: hundreds of naughty strings, dozens of cheat-sheet vectors."""
    assert len(PAYLOADS) > 350
    assert "<script>alert(123)</script>" in PAYLOADS
    assert "[x](javascript:alert(1))" in PAYLOADS


def test_the_checker_catches_what_it_should():
    """The checker itself finds a script, a handler, a javascript: link and raw content tags."""
    for bad in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<div class="sociable-prose"><svg></svg></div>',
        '<div class="sociable-prose"><p style="color:red">x</p></div>',
        '<div class="sociable-prose"><form></form></div>',
        "<iframe></iframe>",
    ]:
        checker = InertChecker()
        checker.feed(bad)
        assert checker.problems, bad
    checker = InertChecker()
    checker.feed(
        '<script type="module" src="/static/js/sociable.js"></script>'
        '<div class="sociable-prose"><p><a href="https://x.example" rel="nofollow">'
        "x</a></p></div><svg></svg>"
    )
    assert not checker.problems


@pytest.fixture
def author(council, settings):
    settings.FORUMS_POSTS_PER_10_MINUTES = 100_000
    return staff_of(council, name="Pat Poster")


@pytest.fixture
def board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="public")


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@pytest.mark.django_db
def test_titles_bodies_and_tags_render_inert_everywhere(author, board):
    """Board pages, thread pages, search results and the feed stay inert for every payload."""
    # Every payload as a thread's title, and as a reply (a page's worth of replies per
    # thread: one page to fetch each) and as one of the first thread's tags.
    for i, payload in enumerate(PAYLOADS):
        services.start_thread(
            board=board, author=author, title=payload[:150], body=f"{CORPUS_WORD} title number {i}"
        )
    threads = []
    for n, chunk in enumerate(_chunks(PAYLOADS, selectors.POSTS_PER_PAGE - 1)):
        tags = [p.strip()[:100] for p in PAYLOADS] if n == 0 else []
        thread, _ = services.start_thread(
            board=board,
            author=author,
            title=f"Payloads {n}",
            body=f"{CORPUS_WORD} opening {n}",
            tags=tags,
        )
        for payload in chunk:
            services.reply(thread=thread, author=author, body=f"{CORPUS_WORD}\n\n{payload}")
        threads.append(thread)
    anonymous = Client()

    board_pages = fetch_all_pages(anonymous, board.get_absolute_url())
    shown = "".join(board_pages)
    missing = [p for p in PAYLOADS if escape(p[:150].strip()) not in shown]
    assert not missing, f"titles not shown (escaped) on the board page: {missing[:5]}"

    for thread in threads:
        (page,) = fetch_all_pages(anonymous, thread.get_absolute_url())
        if thread is threads[0]:
            assert "&lt;script&gt;alert(123)&lt;/script&gt;" in page  # as a tag

    results = fetch_all_pages(anonymous, reverse("forums:search"), params={"q": CORPUS_WORD})
    assert len(results) == -(-(2 * len(PAYLOADS) + len(threads)) // 20)  # every post found

    feed = anonymous.get(reverse("forums:board-feed", args=[board.slug]))
    assert feed.status_code == 200
    # Our own feed, not untrusted XML.
    entries = ElementTree.fromstring(feed.content).findall(f"{ATOM}entry")  # noqa: S314
    assert len(entries) == 30
    for entry in entries:
        assert_inert(
            f'<div class="sociable-prose">{entry.find(f"{ATOM}content").text}</div>', "feed entry"
        )


@pytest.mark.django_db
def test_report_details_render_inert_in_the_moderation_queue(author, board):
    """Every payload as a report's details shows escaped in the moderators' queue."""
    moderator = UserFactory(is_staff=True, name="Mo Derator")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    add_totp(moderator)
    client = Client()
    client.force_login(moderator)
    queue = reverse("forums:moderation-queue")
    assert client.get(queue).status_code == 200

    # The queue shows up to 100 reported posts: spread the payloads over that many posts,
    # each reported by several people (one report per person per post).
    thread, _ = services.start_thread(
        board=board, author=author, title="Reported", body="Something to report"
    )
    posts = [services.reply(thread=thread, author=author, body=f"Post {i}") for i in range(100)]
    reasons = Report.Reason.values
    reporters = [UserFactory() for _ in range(-(-len(PAYLOADS) // len(posts)))]
    for i, payload in enumerate(PAYLOADS):
        services.report_post(
            post=posts[i % len(posts)],
            reporter=reporters[i // len(posts)],
            reason=reasons[i % len(reasons)],
            details=payload,
        )
    (page,) = fetch_all_pages(client, queue)
    assert "&lt;script&gt;alert(123)&lt;/script&gt;" in page
