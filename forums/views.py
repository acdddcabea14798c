from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from groups.permissions import groups_audience_key
from sociable.audience import audience_key
from sociable.pagecache import (
    Part,
    cache_public_page,
    keep_marked,
    marked_keys,
    render_part,
    shared_part,
)
from sociable.params import row_id

from . import selectors, services
from .forms import PostForm, ReportForm, ThreadForm
from .models import Board, Post, Reaction, Thread
from .permissions import (
    can_edit_post,
    can_moderate,
    get_board_for_user,
    get_post_for_user,
    get_thread_for_user,
    is_moderator,
    visible_boards,
)


def _refusal(error) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@login_not_required
@cache_public_page
@require_GET
def board_list(request: HttpRequest) -> HttpResponse:
    moderator = is_moderator(request.user)
    # Everyone who sees the same groups sees the same boards; moderators (who may see
    # boards beyond their audience) are shown their own.
    boards = shared_part(
        request,
        "board-list",
        None if moderator else groups_audience_key(request.user),
        "",
        lambda: _board_table(request),
    )
    # A board is new to you when a thread on its first page is.
    latest = boards.facts["latest_threads"]
    unread = selectors.unread_threads(request.user, [t for ids in latest.values() for t in ids])
    news = [board for board, ids in latest.items() if unread.intersection(ids)]
    return render(
        request,
        "forums/board_list.html",
        {"boards_html": keep_marked(boards.html, "unread", news), "is_moderator": moderator},
    )


def _board_table(request: HttpRequest) -> Part:
    boards = list(selectors.boards_with_stats(visible_boards(request.user)))
    context = {"boards": boards, "signed_in": request.user.is_authenticated}
    latest = {board.pk: board.latest_threads for board in boards}
    return render_part(
        "forums/partials/_board_table.html", context, facts={"latest_threads": latest}
    )


@login_not_required
@cache_public_page
@require_GET
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_board_for_user(
        request.user, slug, queryset=selectors.for_reader(Board.objects.all(), request.user)
    )
    moderator = can_moderate(request.user, board)
    # The board's readers see its threads alike, but for threads of their own waiting for
    # a moderator; moderators see those of everyone.
    audience = None if getattr(board, "own_waiting", False) else audience_key(request.user)
    threads_html = shared_part(
        request,
        "thread-list",
        audience,
        f"{board.pk}:{request.GET.get('page', '1')}:{'moderator' if moderator else 'reader'}",
        lambda: _thread_table(request, board, moderator=moderator),
    ).html
    unread = selectors.unread_threads(request.user, marked_keys(threads_html, "unread"))
    return render(
        request,
        "forums/board_detail.html",
        {
            "board": board,
            "threads_html": keep_marked(threads_html, "unread", unread),
            "suspension": selectors.suspension_of_reader(board),
            "following": getattr(board, "following", False),
        },
    )


def _thread_table(request: HttpRequest, board: Board, *, moderator: bool) -> Part:
    threads = selectors.thread_list(request.user, board, moderator=moderator)
    page = Paginator(threads, selectors.THREADS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "query_string": "", "signed_in": request.user.is_authenticated}
    return render_part("forums/partials/_thread_table.html", context)


def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_board_for_user(request.user, slug)
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
                    "Thank you. A moderator will check your first post before others can see it.",
                )
            return redirect(thread)
    return render(request, "forums/thread_form.html", {"board": board, "form": form})


@login_not_required
@cache_public_page
@require_GET
def thread_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    thread = get_thread_for_user(
        request.user, pk, queryset=selectors.for_reader(Thread.objects.all(), request.user)
    )
    if slug != thread.slug:
        return redirect(thread, permanent=True)
    moderator = can_moderate(request.user, thread.board)
    if thread.post_count == 0 and not moderator and thread.author_id != request.user.pk:
        raise Http404("No such thread")  # its opening post is waiting for approval
    total = selectors.post_count(thread, request.user, moderator=moderator)
    page = Paginator(range(total), selectors.POSTS_PER_PAGE).get_page(request.GET.get("page"))
    # Everyone who may read the thread sees its pages alike, but for their own posts (the
    # part is not shared with their authors) and any of theirs waiting for a moderator.
    audience = None if getattr(thread, "own_waiting", False) else audience_key(request.user)
    posts_html = shared_part(
        request,
        "thread-posts",
        audience,
        f"{thread.pk}:{page.number}:{'moderator' if moderator else 'reader'}",
        lambda: _thread_posts(request, thread, page, moderator=moderator),
    ).html
    posts_html = _with_own_reactions(posts_html, getattr(thread, "own_reactions", None) or ())
    if request.user.is_authenticated:
        services.mark_read(user=request.user, thread=thread)
    return render(
        request,
        "forums/thread_detail.html",
        {
            "thread": thread,
            "board": thread.board,
            "suspension": selectors.suspension_of_reader(thread),
            "posts_html": posts_html,
            "moderator": moderator,
            "following": getattr(thread, "following", False),
        },
    )


def _thread_posts(request: HttpRequest, thread: Thread, page, *, moderator: bool) -> Part:
    """A page of the thread's posts and the reply form, and the posts' authors."""
    posts = selectors.page_of_posts(thread, request.user, moderator=moderator, page=page.number)
    return render_part(
        "forums/partials/_thread_posts.html",
        {
            "thread": thread,
            "posts": posts,
            "page": page,
            "query_string": "",
            "moderator": moderator,
            "signed_in": request.user.is_authenticated,
            "viewer_id": request.user.pk,
            "linkable_authors": selectors.authors_with_visible_profiles(request.user, posts),
            "reply_form": PostForm(),
            "reply_url": reverse("forums:reply", args=[thread.pk, thread.slug or "thread"]),
            "reactions": Reaction.Kind.choices,
            "tag_names": selectors.tag_names(thread),
        },
        owners={post.author_id for post in posts if post.author_id},
    )


def _with_own_reactions(posts_html: str, given) -> str:
    """Keep each reaction button pressed where the viewer has reacted (``given``, from the
    thread read ``for_reader``), and not pressed elsewhere."""
    given = set(given)
    not_given = set(marked_keys(posts_html, "unreacted")) - given
    return keep_marked(keep_marked(posts_html, "reacted", given), "unreacted", not_given)


@login_not_required
@require_GET
def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    thread = post.thread
    moderator = can_moderate(request.user, thread.board)
    page = selectors.page_of(post, request.user, moderator=moderator)
    return redirect(f"{thread.get_absolute_url()}?page={page}#post-{post.pk}")


def reply(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    thread = get_thread_for_user(request.user, pk)
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
                    "Thank you. A moderator will check your first post before others can see it.",
                )
            return redirect(post)
    return render(
        request, "forums/reply_form.html", {"thread": thread, "parent": parent, "form": form}
    )


def edit_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if not can_edit_post(request.user, post):
        raise PermissionDenied("You can only edit your own posts.")
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
    post = get_post_for_user(request.user, pk)
    services.delete_post(post=post, user=request.user)
    messages.success(request, "Your post has been deleted.")
    return redirect(post)


@require_POST
def react(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if post.status != Post.Status.PUBLISHED:
        raise Http404
    kind = request.POST.get("kind")
    if kind not in Reaction.Kind.values:
        raise Http404
    services.react(post=post, user=request.user, kind=kind)
    return redirect(post)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
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
        thread = get_thread_for_user(request.user, pk)
        services.follow(user=request.user, thread=thread, on=on)
        return redirect(thread)
    board = get_object_or_404(visible_boards(request.user), pk=pk)
    services.follow(user=request.user, board=board, on=on)
    return redirect(board)
