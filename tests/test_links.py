"""Addresses filled in from patterns resolved once are the addresses ``reverse`` gives."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from sociable.links import link

CASES = [
    ("profiles:profile-detail", ["amara.okafor"]),
    ("profiles:profile-detail", ["jo+test@example.com"]),  # usernames may hold @ . + - _
    ("profiles:profile-detail", ["what? #1 100%"]),  # text that would change the address
    ("profiles:team-detail", ["housing-options"]),
    ("skill-detail", ["british-sign-language"]),
    ("forums:board-detail", ["staff-room"]),
    ("forums:thread-detail", [123, "who-can-help"]),
    ("forums:post-permalink", [42]),
    ("groups:group-detail", ["lunchtime-choir"]),
    ("groups:event-detail", ["lunchtime-choir", 7]),
]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_a_link_is_the_address_reverse_gives(name, args):
    assert link(name, *args) == reverse(name, args=args)


def test_an_address_asked_with_the_wrong_number_of_arguments_is_an_error():
    with pytest.raises(NoReverseMatch):
        link("forums:thread-detail", 123)


# --- {% url %}: the addresses without arguments come from their resolved patterns ---------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NO_ARGUMENTS = re.compile(r"{% url '([\w:-]+)' %}")


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_every_link_without_arguments_in_the_templates_is_the_address_reverse_gives():
    names = {
        name
        for path in TEMPLATES.rglob("*.html")
        for name in NO_ARGUMENTS.findall(path.read_text())
    }
    assert len(names) > 20  # the navigation, the footer, the forms, the empty panels

    for name in sorted(names):
        assert _render(f"{{% url '{name}' %}}") == reverse(name), name


def test_the_url_tag_keeps_the_rest_of_what_django_s_does():
    assert _render("{% url 'profiles:profile-detail' name %}", name="a&b") == reverse(
        "profiles:profile-detail", args=["a&b"]
    ).replace("&", "&amp;")  # escaped, as Django's tag does
    assert _render("{% url 'home' as home %}[{{ home }}]") == f"[{reverse('home')}]"
    assert _render("{% url 'no-such-page' as nowhere %}[{{ nowhere }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-page' %}")
