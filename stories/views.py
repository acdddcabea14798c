"""Reading stories: the list, a story, an author's, a series' and a tag's pages, images,
history, and following (/stories/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from forums import parts as forum_parts
from forums import selectors as forum_selectors
from forums.permissions import can_moderate
from profiles.models import Skill
from sociable.accounts.models import Organisation, User
from sociable.links import reverse
from sociable.pagecache import cache_public_page
from sociable.paging import Stretch
from sociable.search import clean_query

from . import parts, selectors, services
from .models import Image, Series, Story
from .permissions import get_story_for_viewer, readable_story, shown_with
from .rendering import body_with_images


def _page(request: HttpRequest, stories) -> Stretch:
    return Stretch(stories, request.GET.get("page"), selectors.PAGE_SIZE)


@login_not_required
@cache_public_page
@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    organisation = request.GET.get("organisation", "")
    organisations = Organisation.objects.only("name", "slug")
    if organisation not in {o.slug for o in organisations}:
        organisation = ""  # an unknown one is no filter
    q = clean_query(request.GET.get("q"))
    page = request.GET.get("page", "1")
    query_string = urlencode({k: v for k, v in (("q", q), ("organisation", organisation)) if v})
    first = not (q or organisation) and page == "1"
    return render(
        request,
        "stories/story_list.html",
        {
            "listed": parts.story_list(request, q, organisation, page, query_string),
            "followed": selectors.followed(request.viewer) if first else [],
            "organisations": organisations,
            "organisation": organisation,
            "q": q,
        },
    )


@login_not_required
@cache_public_page
@require_GET
def tag_page(request: HttpRequest, slug: str) -> HttpResponse:
    skill = get_object_or_404(Skill, slug=slug)
    page = _page(request, selectors.CardPages(request.viewer, tag=skill.pk))
    return render(request, "stories/tag.html", {"skill": skill, "page": page})


@login_not_required
@cache_public_page
@require_GET
def author_page(request: HttpRequest, username: str) -> HttpResponse:
    author = get_object_or_404(
        User.objects.select_related("organisation"), username=username, is_active=True
    )
    page = _page(request, selectors.CardPages(request.viewer, author=author.pk))
    if not page.object_list and not page.has_previous and request.user != author:
        raise Http404("No stories")  # nobody's existence is told by an empty page
    authors, _ = selectors.follows_of(request.viewer)
    return render(
        request,
        "stories/author.html",
        {"author": author, "page": page, "following": author.pk in authors},
    )


@login_not_required
@cache_public_page
@require_GET
def series_page(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(Series.objects.visible_to(request.viewer), slug=slug)
    _, followed = selectors.follows_of(request.viewer)
    return render(
        request,
        "stories/series.html",
        {
            "series": series,
            "writers": list(series.writers.select_related("organisation").order_by("name")),
            "page": _page(request, selectors.CardPages(request.viewer, series=series.pk)),
            "following": series.pk in followed,
        },
    )


@login_not_required
@cache_public_page
@require_GET
def story_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    viewer = request.viewer
    story = readable_story(viewer, selectors.story_page(viewer, pk))
    if slug != story.slug:
        return redirect(story, permanent=True)
    images = list(story.images.all())
    body, unplaced = body_with_images(story.body_html, images)
    series, group = shown_with(viewer, story)
    context = {
        "story": story,
        "body": body,
        "unplaced": unplaced,
        "tags": story.tag_list,
        "series": series,
        "group": group,
        "more": selectors.more_in_series(viewer, story) if series else [],
        "mine": viewer.signed_in and story.author_id == viewer.pk,
        "editor": getattr(story, "viewer_edits", False),
        # Someone else's proposal only: nobody reviews their own story.
        "reviewer": story.status == Story.Status.PROPOSED
        and story.author_id != viewer.pk
        and services.reviews(request.user, story),
    }
    if story.thread_id and story.is_out:
        context.update(_comments(request, story))
    return render(request, "stories/story_detail.html", context)


def _comments(request: HttpRequest, story: Story) -> dict:
    """The story's comments: a page of its thread, as the forums' thread page shows one
    (the same shared part, with the reader's reactions pressed)."""
    viewer = request.viewer
    thread = forum_selectors.thread_for_page(viewer, story.thread_id)
    moderator = can_moderate(viewer, thread.board)
    total = forum_selectors.post_count(thread, viewer, moderator=moderator)
    number = (
        Paginator(range(total), forum_selectors.posts_per_page(thread))
        .get_page(request.GET.get("page"))
        .number
    )
    posts = forum_parts.thread_posts(request, thread, number, total, moderator)
    given = set(getattr(thread, "own_reactions", None) or ())
    posts = posts.keep("reacted", given).keep("unreacted", set(posts.keys("unreacted")) - given)
    return {
        "comments_html": posts,
        "comment_count": total,
        "moderator": moderator,
        "thread": thread,
        "suspension": forum_selectors.suspension_of_reader(thread),
    }


@login_not_required
@require_GET
def image(request: HttpRequest, pk: int, number: int, width: int) -> FileResponse:
    """One of a story's images at one width, for people who may see the story only."""
    story = get_story_for_viewer(request.viewer, pk)
    found = Image.objects.filter(story=story, number=number).first()
    if found is None or width not in found.widths:
        raise Http404("No such image")
    try:
        response = FileResponse(
            default_storage.open(found.file_name(width), "rb"), content_type="image/jpeg"
        )
    except FileNotFoundError:
        raise Http404("No such image") from None
    # Never kept by a shared cache: whether someone may see it is asked every time.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """What a published story said before each edit: for its writer and the editors."""
    story = get_story_for_viewer(request.viewer, pk)
    if story.author_id != request.user.pk and not services.is_editor(request.user):
        raise Http404("No such story")
    return render(
        request,
        "stories/history.html",
        {"story": story, "revisions": list(story.revisions.select_related("edited_by"))},
    )


@require_POST
def follow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    on = request.POST.get("follow") != "no"
    if kind == "author":
        author = get_object_or_404(User, pk=pk, is_active=True)
        # Following someone needs a story of theirs you can read (else 404).
        story = selectors.out_for(request.viewer).filter(author=author).first()
        if story is None:
            raise Http404("No stories")
        target = reverse("stories:author", args=[author.username])
        kwargs = {"author": author}
    elif kind == "series":
        series = get_object_or_404(Series.objects.visible_to(request.viewer), pk=pk)
        target, kwargs = series.get_absolute_url(), {"series": series}
    else:
        raise Http404("Nothing to follow")
    try:
        services.follow(user=request.user, on=on, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "You will hear of new stories here." if on else "You will no longer hear of them.",
        )
    return redirect(request.POST.get("next") if _safe(request) else target)


def _safe(request: HttpRequest) -> bool:
    nxt = request.POST.get("next", "")
    return bool(nxt) and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
