"""Background work for the forums."""

from django_tasks import task

from .models import Post
from .notifications import tell_about_post


@task()
def notify_about_post(post_id: int) -> int:
    """Tell people about a published post; safe to run twice (each person hears once)."""
    post = (
        Post.objects.published()
        .filter(pk=post_id, hidden_at__isnull=True, deleted_at__isnull=True)
        .select_related("thread__board", "author", "parent__author", "thread__author")
        .first()
    )
    return tell_about_post(post) if post else 0
