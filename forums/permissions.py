"""Who may see, write in and moderate the forums, on top of the audience rule.

Seeing a board follows its audience (a group's board: its members). Moderators
see what they moderate. Writing needs a signed-in, unsuspended account.
Moderating needs staff status and the "moderate_board" permission (the Moderators
group), the board among the person's boards (or no boards listed: all of them), and
two-factor authentication.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Exists, Q
from django.http import Http404

from sociable.two_factor import has_two_factor

from .models import Board, Post, Thread


def is_moderator(user) -> bool:
    """Whether ``user`` is a moderator: staff status (``is_staff``, as for the admin) and
    forums.moderate_board, directly or through a group (the Moderators role). One query,
    and none for everyone without staff status; the same query says whether they are named
    for some boards (``moderated_boards``)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_forums_moderator"):  # asked several times per request
        found = list(
            Permission.objects.filter(
                Q(group__user=user.pk) | Q(user=user.pk),
                codename="moderate_board",
                content_type__app_label="forums",
            )
            .annotate(named=Exists(Board.objects.filter(moderators=user.pk)))
            .values_list("named", flat=True)[:1]
        )
        user._forums_moderator = bool(found)
        user._forums_moderates_named = bool(found and found[0])
    return user._forums_moderator


def moderated_boards(user):
    """The boards ``user`` moderates (before the two-factor check): those they are named
    for, or every board when they are named for none. One query, once a request."""
    if not is_moderator(user):
        return Board.objects.none()
    own = Board.objects.filter(moderators=user.pk)
    if not hasattr(user, "_forums_moderates_named"):  # asked several times per request
        user._forums_moderates_named = own.exists()
    return own if user._forums_moderates_named else Board.objects.all()


def can_open_unpublished_thread(viewer, thread: Thread, *, moderator: bool) -> bool:
    """Whether ``viewer`` may open a thread whose opening post awaits approval: its author
    and its board's moderators may; nobody else, and nobody at all once its author's
    account is gone."""
    if moderator:
        return True
    return (
        viewer.is_authenticated and thread.author_id is not None and thread.author_id == viewer.pk
    )


def can_moderate(user, board: Board) -> bool:
    if not is_moderator(user):
        return False
    return moderated_boards(user).filter(pk=board.pk).exists() and has_two_factor(user)


def visible_boards(user):
    """Boards ``user`` may read: their audience, plus the ones they moderate; never the
    boards of stories' comments, which are read from the stories."""
    boards = Board.objects.visible_to(user)
    if is_moderator(user):
        boards = Board.objects.filter(Q(pk__in=boards) | Q(pk__in=moderated_boards(user)))
    return boards.filter(for_stories=False)


def readable_boards_sql(user, alias: str) -> tuple[str, list]:
    """``visible_boards`` for hand-written SQL: the board read under ``alias`` is one
    ``user`` may read. Returns the SQL and its parameters (and asks, once a request, what
    ``is_moderator`` and ``moderated_boards`` ask)."""
    sql, params = Board.objects.visible_sql(user, alias)
    if not is_moderator(user):
        return sql, params
    moderated_boards(user)  # (which says whether they are named for some boards)
    if not user._forums_moderates_named:
        return "true", []  # every board
    through = Board.moderators.through._meta
    moderated = f"{alias}.id IN (SELECT board_id FROM {through.db_table} WHERE user_id = %s)"  # noqa: S608
    return f"({sql} OR {moderated})", [*params, user.pk]


def can_read_board(user, board: Board) -> bool:
    """What ``visible_boards`` says of one board, asked of the board in hand: its audience,
    or the reader moderates it. (A query only for a group's board or a moderator.)"""
    if board.is_visible_to(user):
        return True
    return is_moderator(user) and moderated_boards(user).filter(pk=board.pk).exists()


def get_board_for_user(user, slug: str, *, queryset=None) -> Board:
    """The board, if ``user`` may read it (404 otherwise); ``queryset`` may add annotations."""
    boards = Board.objects.all() if queryset is None else queryset
    board = boards.filter(slug=slug, for_stories=False).select_related("group").first()
    if board is None or not can_read_board(user, board):
        raise Http404("No such board")
    return board


def can_open_removed_thread(user, thread: Thread) -> bool:
    """Whether ``user`` may open a thread a moderator hid: its board's moderators, and its
    author (who is told why). A deleted thread: nobody (moderators read it in the log)."""
    if thread.deleted_at:
        return False
    if user.is_authenticated and thread.author_id is not None and thread.author_id == user.pk:
        return True
    return can_moderate(user, thread.board)


def replies_refused(thread: Thread) -> str:
    """Why nobody can reply to ``thread`` now, if nobody can ("" if they can)."""
    if thread.deleted_at or thread.merged_into_id:
        return "This thread is no longer here to reply to."
    if thread.hidden_at:
        return "A moderator has hidden this thread: nobody can reply to it."
    if thread.is_locked:
        return "This thread is locked: nobody can reply to it."
    return ""


def get_thread_for_user(user, pk: int, *, queryset=None, removed: bool = False) -> Thread:
    """The thread, if ``user`` may read its board (404 otherwise); ``queryset`` may add to
    it. A hidden or deleted thread only as ``can_open_removed_thread`` says, unless
    ``removed`` (moderators' pages, which check the moderator themselves)."""
    threads = Thread.objects.all() if queryset is None else queryset
    return readable_thread(user, threads.filter(pk=pk).select_related("board").first(), removed)


def readable_thread(user, thread: Thread | None, removed: bool = False) -> Thread:
    """``thread`` if there is one and ``user`` may read it, as ``get_thread_for_user`` says
    (404 otherwise)."""
    if thread is None or not can_read_board(user, thread.board):
        raise Http404("No such thread")
    if (thread.hidden_at or thread.deleted_at) and not removed:
        if not can_open_removed_thread(user, thread):
            raise Http404("No such thread")
    return thread


def can_see_post(user, post: Post, *, moderator: bool) -> bool:
    """Pending posts: their author and moderators. Hidden ones show a placeholder to all."""
    if post.status == Post.Status.PENDING:
        return moderator or (user.is_authenticated and post.author_id == user.pk)
    return True


def can_edit_post(user, post: Post) -> bool:
    return user.is_authenticated and post.author_id == user.pk and not post.deleted_at


def get_post_for_user(user, pk: int) -> Post:
    """Return a post ``user`` may see (its thread visible, and pending only to its author
    and moderators); 404 otherwise. ``post.thread`` and its board come with it."""
    post = Post.objects.filter(pk=pk).first()
    if post is None:
        raise Http404("No such post")
    post.thread = get_thread_for_user(user, post.thread_id)
    if not can_see_post(user, post, moderator=can_moderate(user, post.thread.board)):
        raise Http404("No such post")
    return post
