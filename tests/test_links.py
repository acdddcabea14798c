"""Addresses come from ``reverse``, so each follows the script prefix of the request that
asks for it (a site served under /sociable/ behind a proxy), never an earlier request's."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from forums.links import post_links, profile_link
from forums.models import Board, Post, Thread
from groups.models import Event, Group
from sociable import links


def _addresses() -> list[str]:
    group = Group(pk=3, slug="lunchtime-choir")
    template = Template(
        "{% url 'home' %} {% url 'forums:thread-detail' 9 'tea' %} "
        "{% url 'groups:event-detail' slug='choir' pk=4 %}"
    )
    return [
        *template.render(Context()).split(),
        Board(slug="staff-room").get_absolute_url(),
        Thread(pk=123, slug="who-can-help").get_absolute_url(),
        Post(pk=42).get_absolute_url(),
        *post_links()(Post(pk=42)).values(),
        profile_link("amara.okafor"),
        group.get_absolute_url(),
        Event(pk=7, group=group).get_absolute_url(),
    ]


def test_each_request_s_script_prefix_is_followed_not_the_first_one_s():
    before = get_script_prefix()
    try:
        set_script_prefix("/sociable/")  # as the WSGI handler does for each request
        under_prefix = _addresses()
        set_script_prefix("/")
        at_root = _addresses()
    finally:
        set_script_prefix(before)

    assert all(address.startswith("/sociable/") for address in under_prefix)
    assert [address.removeprefix("/sociable") for address in under_prefix] == at_root
    assert "/forums/t/123-who-can-help/" in at_root


def test_an_address_made_for_any_pk_is_the_one_django_resolves():
    for name in ("forums:post-permalink", "forums:post-react", "groups:suggestion-back"):
        address = links.by_pk(name)
        for pk in (1, 42, 7070, 123456789):
            assert address(pk) == reverse(name, args=[pk])


def test_a_kept_address_is_the_one_django_resolves():
    cases = [
        ("home", (), {}),
        ("forums:thread-detail", (123, "who-can-help"), {}),
        ("groups:event-detail", (), {"slug": "lunchtime-choir", "pk": 7}),
        ("profiles:profile-detail", ("amara.okafor",), {}),
    ]
    for _ in range(2):  # resolved, then kept
        for name, args, kwargs in cases:
            assert links.reverse(name, args=args, kwargs=kwargs) == reverse(
                name, args=args, kwargs=kwargs
            )


def test_other_arguments_are_resolved_each_time_and_bad_ones_still_fail():
    group = Group(pk=3, slug="lunchtime-choir")
    assert links.reverse("groups:group-detail", args=[group.slug]) == "/groups/lunchtime-choir/"
    # A lazy string (not plain text) is resolved as Django would, not kept by its identity.
    from django.utils.functional import lazy

    lazy_slug = lazy(lambda: "choir", str)()
    assert links.reverse("groups:group-detail", args=[lazy_slug]) == "/groups/choir/"
    with pytest.raises(NoReverseMatch):
        links.reverse("groups:group-detail", args=["not a slug!"])
    with pytest.raises(NoReverseMatch):
        links.reverse("no-such-page")
