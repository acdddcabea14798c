"""Writing stories: a new one, editing with a preview (no JavaScript needed), its images,
publishing now or later, proposing to the editors, and the editors' review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sociable.forms import add_service_errors
from sociable.markdown import render_markdown
from sociable.params import row_id

from . import selectors, services
from .forms import ImageForm, ProposeForm, PublishForm, ReviewForm, SeriesForm, StoryForm
from .models import Image, Series, Story
from .permissions import get_own_story, get_story_for_viewer
from .rendering import body_with_images


def _refused(request: HttpRequest, error: Exception) -> None:
    messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))


def _write(request: HttpRequest, story: Story | None) -> HttpResponse:
    initial = {"series": request.GET.get("series")} if story is None else None
    form = StoryForm(request.POST or None, instance=story, writer=request.user, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("preview"):
            images = list(story.images.all()) if story else []
            preview, _ = body_with_images(render_markdown(data["body"], outline=True), images)
        else:
            try:
                saved = services.save(
                    writer=request.user, story=story, title=data["title"],
                    summary=data["summary"], body=data["body"], audience=data["audience"],
                    series=data["series"], group=data["group"], tags=data["tags"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if story is None:
                    messages.success(request, "Your draft is saved. Add images, then publish.")
                    return redirect("stories:images", saved.pk)
                messages.success(request, "Your changes are saved.")
                return redirect(saved)
    return render(
        request,
        "stories/story_form.html",
        {"form": form, "story": story, "preview": preview},
    )


def new(request: HttpRequest) -> HttpResponse:
    return _write(request, None)


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_story_for_viewer(request.viewer, pk)
    if story.author_id != request.user.pk:
        # Someone else's story they may read: the 403 page says they cannot change it.
        raise PermissionDenied("You can only change your own stories.")
    return _write(request, story)


def mine(request: HttpRequest) -> HttpResponse:
    stories = list(selectors.own(request.user))
    return render(
        request,
        "stories/mine.html",
        {
            "stories": stories,
            "now": timezone.now(),
            "reviews": services.is_editor(request.user) or request.user.story_series.exists(),
        },
    )


def review_queue(request: HttpRequest) -> HttpResponse:
    waiting = list(selectors.to_review(request.user))
    if not waiting and not (services.is_editor(request.user) or request.user.story_series.exists()):
        raise Http404("Nothing to review")
    return render(request, "stories/review_queue.html", {"waiting": waiting})


def images(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_own_story(request.user, pk)
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "remove" in request.POST:
        image = get_object_or_404(Image, story=story, pk=row_id(request.POST.get("remove")))
        services.remove_image(image=image, by=request.user)
        messages.success(request, f"Image {image.number} is removed.")
        return redirect("stories:images", story.pk)
    if request.method == "POST" and form.is_valid():
        try:
            image = services.add_image(
                story=story, by=request.user, upload=form.cleaned_data["image"],
                alt=form.cleaned_data["alt"], caption=form.cleaned_data["caption"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Image {image.number} is added. Put “[image {image.number}]” on a line of "
                "its own in your story where it should go.",
            )
            return redirect("stories:images", story.pk)
    return render(
        request,
        "stories/images.html",
        {"story": story, "form": form, "images": list(story.images.all())},
    )


def publish(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_own_story(request.user, pk)
    direct = services.publishes_directly(request.user, story.series)
    data = request.POST if request.method == "POST" else None
    # Someone who proposes has nothing to choose: the form only carries a refusal.
    form = PublishForm(data) if direct else ProposeForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            if direct:
                services.publish(story=story, by=request.user, at=form.cleaned_data["publish_at"])
            else:
                services.propose(story=story, by=request.user)
        except PermissionDenied as error:
            form.add_error(None, " ".join(error.args))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not direct:
                messages.success(request, "Thank you. An editor will read it and let you know.")
            elif story.is_scheduled:
                when = timezone.localtime(story.published_at).strftime("%-d %B %Y at %H:%M")
                messages.success(request, f"Your story will be published on {when}.")
            else:
                messages.success(request, "Your story is published.")
            return redirect(story)
    return render(request, "stories/publish.html", {"story": story, "form": form, "direct": direct})


@require_POST
def unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_own_story(request.user, pk)
    try:
        services.unschedule(story=story, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "It is a draft again: nothing was published.")
    return redirect(story)


def review(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_story_for_viewer(request.viewer, pk)
    own = story.author_id == request.user.pk  # someone else reviews it, even for a reviewer
    if story.status != Story.Status.PROPOSED or own or not services.reviews(request.user, story):
        raise Http404("Nothing to review")
    form = ReviewForm(request.POST or None)
    publish_form = PublishForm(request.POST or None, prefix="publish")
    action = request.POST.get("action")
    if request.method == "POST" and action in ("changes", "publish"):
        bound = form if action == "changes" else publish_form
        if bound.is_valid():
            try:
                if action == "changes":
                    services.ask_for_changes(
                        story=story, editor=request.user, note=form.cleaned_data["note"]
                    )
                else:
                    services.publish_proposal(
                        story=story, editor=request.user,
                        at=publish_form.cleaned_data["publish_at"],
                    )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                add_service_errors(bound, _as_validation(error))
            else:
                messages.success(
                    request,
                    "The writer is told what to change." if action == "changes"
                    else "It is published under the writer's name, and they are told.",
                )  # fmt: skip
                return redirect("stories:review-queue")
    images = list(story.images.all())
    body, unplaced = body_with_images(story.body_html, images)
    return render(
        request,
        "stories/review.html",
        {"story": story, "form": form, "publish_form": publish_form, "body": body,
         "unplaced": unplaced},
    )  # fmt: skip


def _as_validation(error: Exception) -> ValidationError:
    return error if isinstance(error, ValidationError) else ValidationError(" ".join(error.args))


@require_POST
def feature(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_story_for_viewer(request.viewer, pk)
    try:
        services.feature(story=story, editor=request.user, on=request.POST.get("on") != "no")
    except PermissionDenied as error:
        raise Http404("No such story") from error
    messages.success(request, "Featured." if story.featured else "No longer featured.")
    return redirect(story)


def delete(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_own_story(request.user, pk)
    if request.method == "POST":
        services.delete(story=story, by=request.user)
        messages.success(request, f"“{story.title}” is deleted, with its images and comments.")
        return redirect("stories:mine")
    return render(request, "stories/delete.html", {"story": story})


def new_series(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.start_series(by=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            form.add_error(None, " ".join(error.args))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your series is started. Write its first story.")
            return redirect(series)
    return render(request, "stories/series_form.html", {"form": form})


@require_POST
def add_writer(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(Series.objects.visible_to(request.viewer), slug=slug)
    try:
        writer = services.add_writer(
            series=series, by=request.user, email=request.POST.get("email", "")
        )
    except PermissionDenied as error:
        raise Http404("No such series") from error
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{writer.display_name} writes for {series.title} now.")
    return redirect(series)
