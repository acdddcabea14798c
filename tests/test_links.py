"""Addresses come from ``reverse``, so each follows the script prefix of the request that
asks for it (a site served under /sociable/ behind a proxy), never an earlier request's."""

from django.urls import get_script_prefix, set_script_prefix

from forums.links import post_links, profile_link
from forums.models import Board, Post, Thread
from groups.models import Event, Group


def _addresses() -> list[str]:
    group = Group(pk=3, slug="lunchtime-choir")
    return [
        Board(slug="staff-room").get_absolute_url(),
        Thread(pk=123, slug="who-can-help").get_absolute_url(),
        Post(pk=42).get_absolute_url(),
        *post_links(Post(pk=42)).values(),
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
