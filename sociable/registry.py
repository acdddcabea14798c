"""What each app adds to the site as a whole, without the site knowing the app.

The site's own modules (``sociable/``) import no app. Where a page or a job gathers
something from every app (the one search's sections, the home page's panels, a person's
data to download or erase, the daily jobs, what the viewer is), it reads a registry here,
and each app fills the registries in its ``AppConfig.ready()``. Adding an app so touches
no file in ``sociable/`` but the settings and the URLs::

    # groups/apps.py
    def ready(self):
        from sociable import registry
        from . import contributions

        registry.home_panels.add(contributions.next_events, order=20)

Entries keep the order given by ``order`` (then the order they were added in), so a page
that lists them (search sections, home panels) does not depend on the order of
``INSTALLED_APPS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


class Registry:
    """An ordered list of what apps contribute to one thing, each entry added once."""

    def __init__(self, name: str):
        self.name = name
        self._entries: list[tuple[int, int, Any]] = []

    def add(self, entry: Any, *, order: int = 100) -> Any:
        """Add ``entry`` (again: nothing changes); returns it, so it can decorate."""
        if all(existing is not entry for _, _, existing in self._entries):
            self._entries.append((order, len(self._entries), entry))
            self._entries.sort(key=lambda item: item[:2])
        return entry

    def __iter__(self) -> Iterator[Any]:
        return iter([entry for _, _, entry in self._entries])

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self)} entries>"


class NamedRegistry:
    """Entries found by name (a viewer's facts, a kind of notification), each name once."""

    def __init__(self, name: str):
        self.name = name
        self._entries: dict[str, Any] = {}

    def add(self, key: str, entry: Any) -> Any:
        existing = self._entries.get(key)
        if existing is not None and existing != entry:
            raise ValueError(f"{self.name}: {key!r} is registered already")
        self._entries[key] = entry
        return entry

    def __getitem__(self, key: str) -> Any:
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"{self.name}: nothing registered as {key!r}") from None

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def items(self):
        return self._entries.items()

    def __repr__(self) -> str:
        return f"<NamedRegistry {self.name}: {sorted(self._entries)}>"


#: What a viewer is, beyond their account: name -> ``fact(user) -> hashable``
#: (``sociable.viewer``). The groups app adds "groups", the forums "moderated_boards".
viewer_facts = NamedRegistry("viewer facts")

#: The models whose rows pages show, by label ("forums.Post"), each with the fields whose
#: change alone is bookkeeping that no page shows (a person's last sign-in). A write to one of
#: their tables ends what was rendered from it (``sociable.content``).
content_models = NamedRegistry("content models")

# --- a person's data -----------------------------------------------------------------------

#: What each app holds about a person, for their download: ``export(user) -> dict``, whose
#: keys go into the document in the registry's order (``sociable.personal_data``).
data_exports = Registry("personal data exports")

#: What deleting an account will do, to show before the person confirms:
#: ``plan(user, plan)`` fills in its part of ``sociable.personal_data.DeletionPlan``.
deletion_plans = Registry("deletion plans")

#: What each app does when an account is deleted, before the rows pointing at the account
#: are deleted or unlinked: ``step(leaving, result)``, where ``leaving`` is a ``Leaving``
#: and ``result`` the ``sociable.personal_data.DeletionResult`` to fill in. In the
#: registry's order, in the deletion's transaction.
erasure_steps = Registry("erasure steps")


@dataclass(frozen=True)
class Leaving:
    """Someone deleting their account, as the erasure steps see them."""

    user: Any
    delete_posts: bool  # whether they asked for what they wrote to go too
    names: list[str]  # every name they went by, longest first

    # What other people's things say instead of their name, and what the admin calls them.
    FORMER_MEMBER = "A former member"
    TOMBSTONE_NAME = "Former member"


#: The names a person goes by beyond their account's (a profile's preferred name), taken
#: out of what they leave behind: ``names(user) -> list[str]``.
person_names = Registry("person names")

#: Foreign keys (``"app.model.field"``) whose rows keep pointing at a deleted account so
#: that who did what stays on record; the account then stays as an anonymous tombstone.
kept_for_accountability = Registry("kept for accountability")


# --- pages gathered from every app ---------------------------------------------------------

#: The one search's parts (``sociable.search``), in order: each a shared part
#: (``sociable.parts``) ``part(viewer, q)`` whose fact "sections" is its sections found for
#: ``q`` (``search.sections_part``), rendered once for everyone who would find the same.
search_parts = Registry("search parts")

#: Sections listed in full on the search page itself (they have no search page of their
#: own), by the ``section`` parameter: ``(title, find(viewer, q) -> sociable.paging.Found)``.
full_search_sections = NamedRegistry("full search sections")

#: What a viewer who finds nothing is offered instead: ``spelled_like(viewer, q) -> [name]``.
search_suggestions = Registry("search suggestions")

#: The signed-in home page's panels (``sociable.home``): ``panel(request, now) -> dict`` of
#: template context, merged in order.
home_panels = Registry("home panels")

#: What the privacy notice says of how long an app keeps things: ``facts() -> dict`` of
#: template context (``sociable.legal.facts``).
privacy_facts = Registry("privacy facts")

#: The skill page's sections below its people: ``section(request, skill) -> html``.
skill_sections = Registry("skill sections")

#: What other parts offer on a person's profile, as the viewer's audience sees it (the page
#: is shared by the audience): ``action(profile, view, signed_in) -> (label, url) | None``.
profile_actions = Registry("profile actions")

#: A person's profile page's sections below the profile, as the viewer's audience sees them:
#: ``section(request, person) -> html``, where ``person`` is what the profile part found
#: (its facts: "user_id", and "sees", the field groups of the profile the viewer may see).
profile_sections = Registry("profile sections")


#: Threads whose page is another app's (a story's comments): ``page(thread) -> url | None``,
#: asked of a thread marked ``for_story``; the thread's own page sends its readers there.
thread_pages = Registry("thread pages")


# --- notifications and jobs ----------------------------------------------------------------

#: Things a notification can be anchored to, by model label (``"forums.Board"``):
#: ``visible_to(user) -> QuerySet`` of those the user may see. A notification about a thing
#: is shown and sent only while its recipient may see its anchor, and goes when it goes.
#: Added through ``sociable.notifications.anchors.register``, which also does the latter.
notification_anchors = NamedRegistry("notification anchors")

#: The kinds of notification, by name (``"mention"``): ``NotificationKind`` entries (what
#: the settings page calls each, and how people hear of it until they choose). Added through
#: ``sociable.notifications.kinds.register``; an app may send only the kinds registered.
notification_kinds = NamedRegistry("notification kinds")

#: The daily jobs (``sociable.notifications.schedule``), by name: ``(task, time of day)``.
daily_jobs = NamedRegistry("daily jobs")

#: Jobs queued whenever they have something to do, asked at each of the scheduler's
#: wake-ups (every minute), by name: ``(is_due() -> bool, task)``. ``is_due`` is one cheap
#: query; the task must be safe to run twice at once (several nodes may queue it).
due_jobs = NamedRegistry("due jobs")
