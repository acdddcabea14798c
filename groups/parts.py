"""The groups' rows that pages show, and the parts of the groups' pages shared between
the people who see them alike (``sociable.parts``)."""

from django.core.paginator import Paginator
from django.utils.http import urlencode

from sociable import registry
from sociable.content import content
from sociable.paging import FoundPaginator
from sociable.parts import Part, render_part, shared
from sociable.search import sections_part
from sociable.viewer import SQLFact

from . import search_sections, selectors
from .models import Membership

# Not content: each person's private calendar address.
content(
    "groups.Group",
    "groups.GroupTag",
    "groups.Membership",
    "groups.Event",
    "groups.EventSeries",
    "groups.RSVP",
    "groups.Guest",
    "groups.Suggestion",
    "groups.Backing",
)


# The viewer fact "groups": the groups they are an active member of, which decide what they
# see of groups, events and boards whose audience is their members. Read in the one query
# of the viewer's facts (``sociable.viewer.SQLFact``).
registry.viewer_facts.add(
    "groups",
    SQLFact(
        sql=f"""SELECT coalesce(array_agg(group_id), '{{}}') FROM {Membership._meta.db_table}
            WHERE user_id = %s AND status = '{Membership.Status.ACTIVE}'""",  # noqa: S608 (constants)
        params=lambda viewer: [viewer.pk],
        read=lambda viewer, groups: frozenset(groups),
        nobody=frozenset(),
    ),
)

GROUPS_PER_PAGE = 20
# The group list shows groups and their topics (skills); a group's and an event's page
# show people's names as well.
LIST_ENDS_ON = ("groups", "profiles")
PAGE_ENDS_ON = ("groups", "profiles", "accounts")


@shared(varies=("audience", "groups"), ends_on=LIST_ENDS_ON)
def group_list(viewer, q: str, kind: str, tag: str, page: str) -> Part:
    """A page of the groups the viewer may see (members-only groups to their members),
    found by ``q``, ``kind`` and ``tag`` (``page`` as asked for: the paginator decides)."""
    groups = selectors.group_list(viewer, q=q, kind=kind, tag=tag)
    # A search ranks at most CANDIDATES groups: count them as the page is read.
    paging = FoundPaginator if q.strip() else Paginator
    page = paging(groups, GROUPS_PER_PAGE).get_page(page)
    asked = (("q", q), ("kind", kind), ("tag", tag))  # what the pages' links keep
    context = {
        "page": page,
        "groups": page.object_list,
        "searched": bool(q or kind),
        "q": q,
        "signed_in": viewer.signed_in,
        "query_string": urlencode([(name, value) for name, value in asked if value]),
    }
    return render_part("groups/partials/_group_list.html", context)


@shared(varies=("audience",), ends_on=PAGE_ENDS_ON)
def group_about(viewer, group) -> Part:
    """What a group's page shows everyone who may see the group: its events, organisers and
    member count; owned by the organisers whose names their audience may not know."""
    page = selectors.group_page(group, viewer)
    return render_part(
        "groups/partials/_group_about.html",
        {"group": group, **page},
        owners=page["organisers"].hidden,
    )


@shared(varies=("audience",), ends_on=PAGE_ENDS_ON)
def event_about(viewer, event) -> Part:
    """What an event's page shows everyone who may see it: when, where, who teaches and who
    is going (facts: the places left and the waiting list, for the viewer's own reply)."""
    attendance = selectors.event_about(event, viewer)
    facts = {
        "places_left": attendance["places_left"],
        # The whole waiting list in order, guests as None: the viewer's place in it.
        "waiting": attendance["queue_users"],
    }
    context = {"event": event, "group": event.group, **attendance}
    owners = attendance["going_names"].hidden | attendance["teacher_names"].hidden
    return render_part("groups/partials/_event_about.html", context, owners=owners, facts=facts)


@shared(varies=("audience", "groups"), ends_on=LIST_ENDS_ON)
def skill_groups(viewer, skill) -> Part:
    """A skill page's section of groups and sessions about the skill
    (``registry.skill_sections``)."""
    context = {
        "groups": selectors.groups_about(viewer, skill),
        "events": selectors.events_about(viewer, skill),
    }
    return render_part("partials/_skill_groups.html", context)


@shared(varies=("audience", "groups"), ends_on=PAGE_ENDS_ON)
def search_groups(viewer, q: str) -> Part:
    """The one search's groups and events sections (``registry.search_parts``)."""
    sections = [
        search_sections.groups_section(viewer, q),
        search_sections.events_section(viewer, q),
    ]
    return sections_part(q, sections)
