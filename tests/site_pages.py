"""Every page type of the site, as one viewer finds them: follow the links from a few start
pages, keep the first pages of each kind, and say which kinds were never reached.

The crawl does not care how pages are fetched: tests/test_rendered_pages.py fetches with
Django's test client, tests/browser/test_every_page.py with Chromium (and runs axe-core on
each page it keeps). Both work on the seeded demo (`seed_demo`), signed out and as each of
the README's demo people.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from django.http import Http404
from django.urls import Resolver404, get_resolver, resolve, reverse

# The README's demo sign-ins (sociable.demo.SIGN_INS), and nobody signed in.
SIGNED_OUT = None
VIEWERS = [
    SIGNED_OUT,
    "amara.okafor@kirkfield.gov.uk",  # staff (council)
    "tom.whitaker@kth.nhs.uk",  # group organiser (NHS trust)
    "priya.shah@kirkfieldva.org.uk",  # moderator (voluntary sector), two-factor
    "jordan.reid@example.com",  # community member (citizen)
    "helen.marsh@kirkfield.gov.uk",  # administrator, two-factor
]

# Named routes that answer no HTML page to a GET: files, feeds, data, and actions that only
# take a POST (their forms sit on pages that are crawled). The crawl never fetches them.
NOT_PAGES = {
    "healthz": "JSON for the load balancer",
    "profiles:profile-vcard": "a vCard file",
    "profiles:profile-photo": "an image",
    "profiles:skill-suggest": "JSON for the skill field's suggestions",
    "profiles:my-data-download": "a JSON download",
    "profiles:profile-confirm": "POST only",
    "profiles:correction-resolve": "POST only",
    "profiles:correction-archive": "POST only",
    "profiles:correction-dismiss": "POST only",
    "safety:transparency-csv": "a CSV download",
    "groups:group-ics": "a calendar file",
    "groups:event-ics": "a calendar file",
    "groups:personal-ics": "a calendar file",
    "groups:group-private-ics": "a calendar file",
    "groups:whats-on-ics": "a calendar file",
    "groups:series-ics": "a calendar file",
    "groups:series-reply": "POST only",
    "groups:whats-on-private-ics": "a calendar file",
    "groups:group-image": "an image",
    "groups:group-feed": "an Atom feed",
    "groups:event-attendees-csv": "a CSV download",
    "groups:group-join": "POST only",
    "groups:group-leave": "POST only",
    "groups:member-add": "POST only",
    "groups:member-change": "POST only",
    "groups:event-rsvp": "POST only",
    "groups:guest-signup": "POST only (the form is on the event's page, signed out)",
    "groups:guest-confirm": "a guest's link, sent by email (tests/groups/test_guests.py)",
    "groups:guest-cancel": "a guest's link, sent by email (tests/groups/test_guests.py)",
    "groups:event-invite-learners": "POST only",
    "groups:suggestion-back": "POST only",
    "forums:board-feed": "an Atom feed",
    "forums:post-delete": "POST only",
    "forums:post-react": "POST only",
    "forums:follow": "POST only",
    "forums:mute": "POST only",
    "forums:report-claim": "POST only",
    "forums:suspension-lift": "POST only",
    "notifications:mark-all-read": "POST only",
    "conversations:accept": "POST only",
    "conversations:suggest": "POST only",
    "conversations:decline": "POST only",
    "conversations:message": "POST only",
    "conversations:afterwards": "POST only",
    "conversations:change": "POST only",
    "conversations:calendar": "a calendar file",
    "opportunities:feed": "an Atom feed",
    "opportunities:interest": "POST only",
    "opportunities:answer": "POST only",
    "opportunities:withdraw-interest": "POST only",
    "opportunities:change": "POST only",
    "opportunities:stats-csv": "a CSV download",
    "opportunities:moderate": "POST only",
    "opportunities:agree": "a line manager's link, sent by email, that works once",
    "stories:feed": "an Atom feed",
    "stories:tag-feed": "an Atom feed",
    "stories:series-feed": "an Atom feed",
    "stories:author-feed": "an Atom feed",
    "stories:image": "an image (a JPEG)",
    "stories:follow": "POST only",
    "stories:feature": "POST only",
    "stories:unschedule": "POST only",
    "stories:series-writer": "POST only",
    "safety:appeal-new": "the notice a person gets when a moderator acts on what they wrote; "
    "the demo's viewers have none (tests/safety/test_appeals.py, browser/test_appeal_journey.py)",
    "notifications:notify-receipt": "GOV.UK Notify's delivery receipts (JSON, POST)",
    "mfa_download_recovery_codes": "a text file",
    # Redirects, not pages: where they lead is crawled.
    "forums:post-permalink": "redirects to the post in its thread",
    "safety:appeal-post": "redirects its author from a hidden post to the notice about it",
    "profiles:my-profile": "redirects to your own profile",
    "notifications:open": "marks a notification read and redirects to its subject",
    "account_request_reauthentication_code": "sign-in by emailed code is off",
    "account_confirm_reauthentication_code": "sign-in by emailed code is off",
    "account_confirm_login_code": "sign-in by emailed code is off",
    "mfa_view_recovery_codes": "the demo has no recovery codes (their generate page is crawled)",
    "account_set_password": "redirects: every demo account has a password",
    "socialaccount_signup": "only in the middle of an organisation sign-in",
    "socialaccount_login_cancelled": "only when an identity provider cancels",
    "socialaccount_login_error": "only when an identity provider fails",
    "openid_connect_login": "the demo configures no identity provider",
    "openid_connect_callback": "the identity provider's return",
}

# Links the crawl never follows from a page (the address prefix says why).
NOT_FOLLOWED = (
    "/static/",  # files
    "/media/",
    "/admin/",  # the admin's own pages: ADMIN_PAGES picks ours
)

# The admin pages that are ours: the index, a list and a form of our own models, and the
# skill merge page (templates/admin/profiles/skill/merge.html).
ADMIN_PAGES = [
    "/admin/",
    "/admin/profiles/skill/",
    "/admin/accounts/organisation/",
]


@dataclass
class Fetched:
    """What a GET answered, after redirects."""

    url: str  # the final address: path and query
    status: int
    content_type: str
    html: str


@dataclass
class Page:
    route: str  # the view's name, e.g. "groups:group-detail", or the status for an error page
    url: str
    status: int
    html: str


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # every address fetched or skipped

    @property
    def routes(self) -> set[str]:
        return {page.route for page in self.pages}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    """The site's own addresses that a page links to (path and query, no fragment)."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme not in {"", "http", "https"} or (parts.netloc and parts.scheme == ""):
            continue  # mailto:, tel:, protocol-relative
        if parts.netloc and parts.hostname not in {"testserver", "localhost", "127.0.0.1"}:
            continue  # another site
        if not parts.path.startswith("/"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def route_name(url: str) -> str | None:
    """The name of the view behind an address, or None when no named view answers it."""
    try:
        match = resolve(urlsplit(url).path)
    except (Resolver404, Http404):
        return None
    return match.view_name or None


def kind_of(url: str) -> tuple[str, str] | None:
    """What makes two addresses the same kind of page: the view, and which query parameters
    are given (a list searched, filtered, paged or cut to one section shows other parts)."""
    name = route_name(url)
    if name is None or name in NOT_PAGES:
        return None
    parameters = sorted({key for key, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)})
    return name, "&".join(parameters)


def crawl(
    fetch: Callable[[str], Fetched],
    start: Iterable[str],
    *,
    per_kind: int = 1,
    limit: int = 400,
    visit: Callable[[Page], None] | None = None,
) -> Crawl:
    """Fetch every start address, then follow links breadth first, keeping ``per_kind``
    pages of each kind. ``visit`` sees each kept page just after it was fetched."""
    result = Crawl()
    counts: dict[tuple[str, str], int] = {}
    queue = [(url, True) for url in start]
    while queue and len(result.pages) < limit:
        url, explicit = queue.pop(0)
        if url in result.seen:
            continue
        result.seen.add(url)
        kind = kind_of(url)
        if not explicit and (kind is None or counts.get(kind, 0) >= per_kind):
            continue
        fetched = fetch(url)
        if not fetched.content_type.startswith("text/html"):
            continue
        final_kind = kind_of(fetched.url)
        if fetched.url != url:  # redirected: keep the page only if its kind is still wanted
            full = final_kind is not None and counts.get(final_kind, 0) >= per_kind
            if not explicit and (fetched.url in result.seen or full):
                continue
            result.seen.add(fetched.url)
        if final_kind is not None:
            counts[final_kind] = counts.get(final_kind, 0) + 1
        route = final_kind[0] if final_kind and fetched.status == 200 else str(fetched.status)
        if fetched.status == 200 and final_kind is None:
            route = route_name(fetched.url) or fetched.url
        page = Page(route=route, url=fetched.url, status=fetched.status, html=fetched.html)
        result.pages.append(page)
        if visit is not None:
            visit(page)
        if not fetched.url.startswith(NOT_FOLLOWED):
            queue.extend((link, False) for link in links(fetched.html))
    return result


def start_urls(user) -> list[str]:
    """Where a viewer's crawl begins: home, and the pages no link leads to (searches, pages
    reached from a form or an email, error pages)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    from sociable.accounts.models import User
    from sociable.notifications.services import DIGEST, unsubscribe_token

    urls = [
        "/",
        "/people/?q=opra+singer",  # a typo: "did you mean"
        "/search/?q=choir",
        "/search/?q=zzzxqj",  # nothing found
        "/groups/?q=choir",
        "/whats-on/?kind=learning&online=on",  # filtered (the page itself is in the menu)
        "/forums/search/?q=welcome",
        "/no-such-page/",
    ]
    if user is None:
        amara = User.objects.get(email=VIEWERS[1])
        address = EmailAddress.objects.get(user=amara, primary=True)
        urls += [
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            reverse("account_reset_password_done"),
            reverse("account_email_verification_sent"),
            reverse("account_inactive"),
            reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key]),
            reverse(
                "account_reset_password_from_key",
                kwargs={
                    "uidb36": user_pk_to_url_str(amara),
                    "key": default_token_generator.make_token(amara),
                },
            ),
            reverse("account_reset_password_from_key_done"),
            reverse("notifications:unsubscribe", args=[unsubscribe_token(amara, DIGEST)]),
            reverse("notifications:unsubscribe", args=["not-a-token"]),
            reverse("profiles:account-deleted"),
        ]
    else:
        urls += [
            reverse("notifications:list"),
            reverse("notifications:preferences"),
            reverse("forums:mutes"),
            reverse("profiles:my-data"),
            reverse("profiles:account-delete"),
            reverse("account_email"),
            reverse("account_change_password"),
            reverse("account_reauthenticate"),
            reverse("account_logout"),
            reverse("mfa_index"),
            reverse("socialaccount_connections"),
            reverse("groups:calendar-settings"),
            reverse("mfa_activate_totp"),
            *_own_pages(user),
        ]
        if user.is_staff:
            urls += ADMIN_PAGES
    return urls


def _own_pages(user) -> list[str]:
    """Pages only some viewers have: an organiser's tools for their group and its next event,
    a skill they teach, the opportunity they offered and its form, and someone else's
    profile (with its "something wrong?" link)."""
    from forums.models import Post
    from groups.models import Membership
    from opportunities.models import Opportunity
    from profiles.models import ProfileSkill
    from sociable.accounts.models import User
    from stories.models import Story

    urls = []
    membership = (
        Membership.objects.filter(
            user=user, role=Membership.Role.ORGANISER, status=Membership.Status.ACTIVE
        )
        .select_related("group")
        .order_by("group__name")
        .first()
    )
    if membership is not None:
        group = membership.group
        urls += [
            reverse("groups:group-detail", args=[group.slug]),
            reverse("groups:group-edit", args=[group.slug]),
            reverse("groups:member-list", args=[group.slug]),
            reverse("groups:event-create", args=[group.slug]),
        ]
        event = group.events.order_by("-starts_at").first()
        if event is not None:
            urls += [
                reverse("groups:event-detail", args=[group.slug, event.pk]),
                reverse("groups:event-edit", args=[group.slug, event.pk]),
                reverse("groups:event-attendees", args=[group.slug, event.pk]),
                reverse("groups:event-cancel", args=[group.slug, event.pk]),  # asks why
                reverse("groups:event-check-in", args=[group.slug, event.pk]),
                reverse("groups:event-message", args=[group.slug, event.pk]),
            ]
    taught = ProfileSkill.objects.filter(
        profile__user=user, relation=ProfileSkill.Relation.TEACH
    ).select_related("skill")
    urls += [reverse("groups:teach", args=[found.skill.slug]) for found in taught[:1]]
    offered = Opportunity.objects.filter(posted_by=user, status=Opportunity.Status.OPEN)
    for opportunity in offered.order_by("pk")[:1]:
        urls += [
            reverse("opportunities:detail", args=[opportunity.pk]),
            reverse("opportunities:edit", args=[opportunity.pk]),
        ]
    draft = Story.objects.filter(author=user).exclude(status="published").order_by("pk").first()
    if draft is not None:
        urls += [
            reverse(f"stories:{name}", args=[draft.pk])
            for name in ("edit", "images", "publish", "delete")
        ]
    if user.has_perm("stories.edit_stories"):  # the editors read any story's history
        revised = Story.objects.filter(revisions__isnull=False).order_by("pk").first()
        urls += [reverse("stories:history", args=[revised.pk])] if revised else []
    if user.is_superuser or user.has_perm("profiles.archive_profiles"):
        urls += [reverse("profiles:corrections")]  # people administrators' notes
    if user.is_superuser or user.has_perm("safety.view_transparency"):
        urls += [reverse("safety:transparency")]
    if user.has_perm("forums.moderate_board"):  # splitting from a reply, not an opening post
        reply = Post.objects.filter(parent__isnull=False, status="published", hidden_at=None)
        reply = reply.filter(thread__for_story=False).order_by("pk").first()
        urls += [reverse("forums:post-split", args=[reply.pk])] if reply else []
    other = User.objects.filter(email__in=VIEWERS[1:]).exclude(pk=user.pk).order_by("email")
    urls += [reverse("profiles:profile-detail", args=[person.username]) for person in other[:1]]
    return urls


def named_routes() -> set[str]:
    """Every named view of the site, the admin's aside."""
    names: set[str] = set()

    def walk(resolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, (inner or "") if pattern.namespace else namespace)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "")
    return {name for name in names if not name.startswith("admin:")}


def unreached(crawls: Iterable[Crawl]) -> set[str]:
    """The page types no viewer's crawl reached, nor NOT_PAGES explains."""
    reached = set().union(*(c.routes for c in crawls))
    return named_routes() - reached - set(NOT_PAGES)


def demo_totp_code() -> str:
    """The current two-factor code of the demo's moderator and administrator."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from sociable.demo_credentials import DEMO_TOTP_SECRET

    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
