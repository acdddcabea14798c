from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import feeds, moderation_urls, mute_views, search_views, views

app_name = "forums"

# Board slugs never take the words used by the addresses below ("t", "p", "follow", ...).
urlpatterns = [
    *moderation_urls.urlpatterns,
    path("forums/", views.board_list, name="board-list"),
    path("forums/t/<int:pk>-<str:slug>/", views.thread_detail, name="thread-detail"),
    path("forums/t/<int:pk>-<str:slug>/reply/", views.reply, name="reply"),
    path("forums/p/<int:pk>/", views.post_permalink, name="post-permalink"),
    path("forums/p/<int:pk>/edit/", views.edit_post, name="post-edit"),
    path("forums/p/<int:pk>/delete/", views.delete_post, name="post-delete"),
    path("forums/p/<int:pk>/react/", views.react, name="post-react"),
    path("forums/p/<int:pk>/report/", views.report, name="post-report"),
    path("forums/follow/<str:kind>/<int:pk>/", views.follow, name="follow"),
    path("forums/follow/muted/", mute_views.muted_list, name="mutes"),
    path("forums/mute/<str:kind>/<int:pk>/", mute_views.mute, name="mute"),
    path("forums/search/", search_views.search, name="search"),
    path("forums/<slug:slug>/feed/", login_not_required(feeds.BoardFeed()), name="board-feed"),
    path("forums/<slug:slug>/", views.board_detail, name="board-detail"),
    path("forums/<slug:slug>/new/", views.thread_create, name="thread-create"),
]
