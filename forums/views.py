from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from sociable import registry
from sociable.pagecache import cache_public_page
from sociable.params import row_id

from . import parts, selectors, services
from .forms import PostForm, ReportForm, ThreadForm
from .models import Board, Post, Reaction, Thread
from .permissions import (
    can_edit_post,
    can_moderate,
    can_open_unpublished_thread,
    can_read_board,
    get_board_for_user,
    get_post_for_user,
    get_thread_for_user,
    is_moderator,
    readable_thread,
    replies_refused,
    visible_boards,
)


def _with_page(url: str, page: str | None) -> str:
    """The story's page of comments. With a page (a post's permalink) it names no fragment,
    so the browser keeps the permalink's own (``#post-12``) and lands on the post."""
    return f"{url}?page={page}" if page and page.isdigit() else f"{url}#comments"


def _refusal(error) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@login_not_required
@cache_public_page
@require_GET
def board_list(request: HttpRequest) -> HttpResponse:
    boards = parts.board_table(request)
    # A board is new to you when a thread on its first page is.
    latest = boards.facts["latest_threads"]
    unread = selectors.unread_threads(request.viewer, [t for ids in latest.values() for t in ids])
    news = [board for board, ids in latest.items() if unread.intersection(ids)]
    context = {
        "boards_html": boards.keep("unread", news),
        "is_moderator": is_moderator(request.viewer),
    }
    return render(request, "forums/board_list.html", context)


@login_not_required
@cache_public_page
@require_GET
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_board_for_user(
        request.viewer, slug, queryset=selectors.for_reader(Board.objects.all(), request.viewer)
    )
    moderator = can_moderate(request.viewer, board)
    threads = parts.thread_table(request, board, request.GET.get("page", "1"), moderator)
    unread = selectors.unread_threads(request.viewer, threads.keys("unread"))
    return render(
        request,
        "forums/board_detail.html",
        {
            "board": board,
            "threads_html": threads.keep("unread", unread),
            "suspension": selectors.suspension_of_reader(board),
            "following": getattr(board, "following", False),
        },
    )


def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_board_for_user(request.viewer, slug)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread, post = services.start_thread(
                board=board, author=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal(error))
        else:
            if post.status == Post.Status.PENDING:
                messages.info(
                    request,
                    "Thank you. A moderator will check your post before others can see it.",
                )
            return redirect(thread)
    return render(request, "forums/thread_form.html", {"board": board, "form": form})


@login_not_required
@cache_public_page
@require_GET
def thread_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    thread = readable_thread(request.viewer, selectors.thread_for_page(request.viewer, pk))
    if thread.merged_into_id:  # its posts are in the thread it was merged into
        merged_into = Thread.objects.filter(pk=thread.merged_into_id).select_related("board")
        merged_into = merged_into.first()
        if merged_into is None or not can_read_board(request.viewer, merged_into.board):
            raise Http404("No such thread")  # not even its address says what it is
        return redirect(merged_into)
    if thread.for_story:  # its page is the story's
        for page in registry.thread_pages:
            if url := page(thread):
                return redirect(_with_page(url, request.GET.get("page")))
        raise Http404("No such thread")
    if slug != thread.slug:
        return redirect(thread, permanent=True)
    moderator = can_moderate(request.viewer, thread.board)
    if thread.post_count == 0 and not can_open_unpublished_thread(
        request.viewer, thread, moderator=moderator
    ):
        raise Http404("No such thread")  # its opening post is waiting for approval
    total = selectors.post_count(thread, request.viewer, moderator=moderator)
    per_page = selectors.posts_per_page(thread)
    page = Paginator(range(total), per_page).get_page(request.GET.get("page"))
    posts = parts.thread_posts(request, thread, page.number, total, moderator)
    # Each reaction button pressed where the viewer has reacted, and not pressed elsewhere.
    given = set(getattr(thread, "own_reactions", None) or ())
    posts = posts.keep("reacted", given).keep("unreacted", set(posts.keys("unreacted")) - given)
    if request.user.is_authenticated:
        services.mark_read(user=request.user, thread=thread)
    return render(
        request,
        "forums/thread_detail.html",
        {
            "thread": thread,
            "board": thread.board,
            "suspension": selectors.suspension_of_reader(thread),
            "posts_html": posts,
            "moderator": moderator,
            "following": getattr(thread, "following", False),
            "hidden_entry": selectors.why_hidden(thread, request.viewer),
        },
    )


@login_not_required
@require_GET
def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.viewer, pk)
    thread = post.thread
    moderator = can_moderate(request.viewer, thread.board)
    page = selectors.page_of(post, request.viewer, moderator=moderator)
    return redirect(f"{thread.get_absolute_url()}?page={page}#post-{post.pk}")


def reply(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    thread = get_thread_for_user(request.viewer, pk)
    if thread.deleted_at or thread.merged_into_id:
        raise Http404("No such thread")
    if thread.hidden_at:  # its author and moderators see why; nothing is sent
        if request.method != "POST":
            messages.error(request, replies_refused(thread))
            return redirect(thread)
        form = PostForm(request.POST)
        form.is_valid()
        form.add_error(None, replies_refused(thread))
        context = {"thread": thread, "parent": None, "form": form}
        return render(request, "forums/reply_form.html", context)
    parent = None
    if to := request.GET.get("to") or request.POST.get("parent"):
        # No id: no post.
        parent = get_object_or_404(thread.posts.select_related("author"), pk=row_id(to))
        # Its text is shown and quoted only while anyone may read it: never a hidden,
        # deleted or waiting post's (a reply sent to one is refused with the reason).
        if request.method == "GET" and not parent.is_answerable:
            raise Http404("That post is no longer there to reply to.")
    initial = {}
    if parent and request.GET.get("quote"):
        initial["body"] = selectors.quote(parent)
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("preview"):
            from sociable.markdown import render_markdown

            return render(
                request,
                "forums/reply_form.html",
                {
                    "thread": thread,
                    "parent": parent,
                    "form": form,
                    "preview": render_markdown(form.cleaned_data["body"]),
                },
            )
        try:
            post = services.reply(
                thread=thread, author=request.user, parent=parent, body=form.cleaned_data["body"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal(error))
        else:
            if post.status == Post.Status.PENDING:
                messages.info(
                    request,
                    "Thank you. A moderator will check your post before others can see it.",
                )
            return redirect(post)
    return render(
        request, "forums/reply_form.html", {"thread": thread, "parent": parent, "form": form}
    )


def edit_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.viewer, pk)
    if not can_edit_post(request.viewer, post):
        raise PermissionDenied("You can only edit your own posts.")
    if post.thread.hidden_at:  # (anyone it newly mentioned would be told of a hidden thread)
        messages.error(request, "A moderator has hidden this thread: its posts stay as they are.")
        return redirect(post.thread)
    form = PostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(post=post, editor=request.user, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, "Your post has been changed.")
            return redirect(post)
    return render(
        request, "forums/reply_form.html", {"thread": post.thread, "form": form, "editing": post}
    )


@require_POST
def delete_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.viewer, pk)
    services.delete_post(post=post, user=request.user)
    messages.success(request, "Your post has been deleted.")
    return redirect(post)


@require_POST
def react(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.viewer, pk)
    if post.status != Post.Status.PUBLISHED:
        raise Http404
    kind = request.POST.get("kind")
    if kind not in Reaction.Kind.values:
        raise Http404
    services.react(post=post, user=request.user, kind=kind)
    return redirect(post)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.viewer, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_post(post=post, reporter=request.user, **form.cleaned_data)
        messages.success(request, "Thank you. A moderator will look at the post.")
        return redirect(post)
    return render(request, "forums/report_form.html", {"post": post, "form": form})


@require_POST
def follow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    on = request.POST.get("follow") != "no"
    if kind == "thread":
        thread = get_thread_for_user(request.viewer, pk)
        services.follow(user=request.user, thread=thread, on=on)
        return redirect(thread)
    board = get_object_or_404(visible_boards(request.viewer), pk=pk)
    services.follow(user=request.user, board=board, on=on)
    return redirect(board)
