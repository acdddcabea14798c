"""The house's floors hold: core <- profiles <- groups <- forums <- composition.

Read from the source with ``ast`` (every import, at the top of a module or inside a
function), so a late import to dodge a cycle counts like any other:

- **core** is ``sociable/`` but its composition: the shared pieces (the audience rule,
  Markdown, the page cache, accounts, notifications) and the pages gathered from every app
  (home, the one search, your data, the skill page's frame), which read
  ``sociable.registry`` and so import no app;
- **profiles** imports no groups, forums, conversations or opportunities; **groups** no
  forums; **conversations** and **opportunities** stand beside groups and forums: each
  imports none of the others, and none of the others imports them;
- **composition** is what must name the apps to put the site together, and nothing else:
  ``sociable/urls.py`` and ``sociable/settings/`` (which apps, at which addresses), and the
  demo and scale seeding (``sociable/demo.py``, ``sociable/scale/`` and the two commands
  that run them), which write every app's rows to build a whole site of made-up people;
- no app, and nothing in core, imports a composition module.

An app adds itself to the site in its ``contributions.py`` (``AppConfig.ready``), so adding
an app touches no file in ``sociable/`` but the settings and the URLs (and the demo, if it
has demo data). See docs/architecture.md, "The floors".
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("profiles", "groups", "forums", "conversations", "opportunities")  # ground up
COMPOSITION = (
    "sociable.urls",
    "sociable.settings",
    "sociable.demo",
    "sociable.scale",
    "sociable.management.commands.seed_demo",
    "sociable.management.commands.seed_scale",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, by full name (``from a import b`` gives a and a.b)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def modules(top: str) -> dict[str, set[str]]:
    return {
        module_name(path): imports_of(path)
        for path in sorted((ROOT / top).rglob("*.py"))
        if "migrations" not in path.parts
    }


def within(name: str, prefixes) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def breaches(importers: dict[str, set[str]], forbidden) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in importers.items()
        for target in targets
        if within(target, forbidden)
    )


def core_modules() -> dict[str, set[str]]:
    return {
        name: targets
        for name, targets in modules("sociable").items()
        if not within(name, COMPOSITION)
    }


def test_the_import_graph_is_read_from_the_source():
    """A broken reader would find nothing and pass everything: it must see known imports."""
    core = core_modules()
    assert "sociable.registry" in core["sociable.home"]
    assert "sociable.personal_data" in core["sociable.personal_data_views"]  # from . import
    assert "groups.models" in modules("forums")["forums.models"]
    assert "profiles.views" in modules("sociable")["sociable.urls"]  # composition, counted


def test_core_imports_no_app_and_no_composition():
    assert breaches(core_modules(), APPS + COMPOSITION) == []


@pytest.mark.parametrize(
    ("app", "above"),
    [
        ("profiles", ("groups", "forums", "conversations", "opportunities")),
        ("groups", ("forums", "conversations", "opportunities")),
        ("forums", ("conversations", "opportunities")),
        # Beside groups and forums, above profiles: they take none of the others, and none
        # of the others takes them.
        ("conversations", ("groups", "forums", "opportunities")),
        ("opportunities", ("groups", "forums", "conversations")),
    ],
)
def test_an_app_imports_nothing_above_it_and_no_composition(app, above):
    assert breaches(modules(app), above + COMPOSITION) == []


# --- what core's tables point at -------------------------------------------------------------


def core_relations() -> list[tuple[str, str]]:
    """Every relation of a model in core, read from the models Django has loaded."""
    from django.apps import apps

    return [
        (f"{model._meta.label}.{field.name}", field.related_model._meta.app_config.name)
        for config in apps.get_app_configs()
        if within(config.name, ["sociable"])
        for model in config.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model is not None
    ]


def test_the_relations_of_core_models_are_read():
    """Read from the loaded models: a notification's recipient and its anchor's type."""
    relations = dict(core_relations())
    assert relations["notifications.Notification.recipient"] == "sociable.accounts"
    assert relations["notifications.Notification.anchor_type"] == "django.contrib.contenttypes"


def test_no_core_model_has_a_foreign_key_to_an_app():
    """Core's tables stand without any app's: an app points at core, never the other way."""
    assert [
        f"{relation} points at {app}" for relation, app in core_relations() if within(app, APPS)
    ] == []


# --- trust and safety: screening below every app, the rest above the forums -----------------

#: Every app's writing services screen what people write against the watched words, so the
#: screen and the rows it reads stand below them all; telling people, appeals and the report
#: act on the forums' moderation and stand above it (as stories do).
SAFETY_FLOOR = ("safety.models", "safety.screening")


def test_the_safety_floor_imports_no_app():
    floor = {
        name: targets for name, targets in modules("safety").items() if within(name, SAFETY_FLOOR)
    }
    assert set(floor) == set(SAFETY_FLOOR)
    assert breaches(floor, (*APPS, "stories", "safety") + COMPOSITION) == [
        f"{name} imports {target}"
        for name, targets in sorted(floor.items())
        for target in sorted(targets)
        if within(target, SAFETY_FLOOR)  # one another (the screen reads the models)
    ]


@pytest.mark.parametrize("app", [*APPS, "stories"])
def test_apps_take_only_the_screen_from_safety(app):
    # (``from safety import screening`` names the package too: its __init__ is empty.)
    taken = {
        f"{module} imports {target}"
        for module, targets in modules(app).items()
        for target in targets
        if within(target, ["safety"]) and target != "safety" and not within(target, SAFETY_FLOOR)
    }
    assert taken == set()
