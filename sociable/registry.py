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
