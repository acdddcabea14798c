"""An Atom feed of each public board's latest posts, for feed readers that never sign in."""

from django.contrib.syndication.views import Feed

from sociable.feeds import AtomWithContent

from .models import Board, Post

FEED_LENGTH = 30


class BoardFeed(Feed):
    """The latest published posts of a public board (404 for any other board)."""

    feed_type = AtomWithContent

    def get_object(self, request, slug: str) -> Board:
        # The audience rule as seen by someone who is not signed in: public boards only.
        return Board.objects.visible_to(None).get(slug=slug, for_stories=False)

    def title(self, board: Board) -> str:
        return f"{board.name} – Sociable discussions"

    def link(self, board: Board) -> str:
        return board.get_absolute_url()

    def subtitle(self, board: Board) -> str | None:
        return board.description or None

    def items(self, board: Board):
        return (
            Post.objects.filter(
                thread__board=board,
                thread__hidden_at__isnull=True,
                thread__deleted_at__isnull=True,
                status=Post.Status.PUBLISHED,
                hidden_at__isnull=True,
                deleted_at__isnull=True,
            )
            .select_related("thread", "author")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, post: Post) -> str:
        return post.thread.title if post.is_opening else f"Re: {post.thread.title}"

    def item_link(self, post: Post) -> str:
        return post.get_absolute_url()

    def item_description(self, post: Post) -> None:
        return None  # the whole post is in <content>

    def item_extra_kwargs(self, post: Post) -> dict:
        return {"content_html": post.body_html}

    def item_author_name(self, post: Post) -> str:
        return post.author.display_name if post.author else "A former member"

    def item_pubdate(self, post: Post):
        return post.created_at

    def item_updateddate(self, post: Post):
        return post.edited_at or post.created_at
