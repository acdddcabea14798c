"""Moderation pages (included by forums/urls.py in the "forums" namespace)."""

from django.urls import path

from . import moderation_views as views

urlpatterns = [
    path("forums/moderation/", views.queue, name="moderation-queue"),
    path("forums/moderation/log/", views.log, name="moderation-log"),
    path("forums/moderation/thread/<int:pk>/", views.moderate_thread, name="moderate-thread"),
    path("forums/moderation/post/<int:pk>/", views.moderate_post, name="moderate-post"),
    path(
        "forums/moderation/thread/<int:pk>/<slug:action>/",
        views.thread_action,
        name="thread-action",
    ),
    path("forums/moderation/post/<int:pk>/split/", views.split_post, name="post-split"),
    path("forums/moderation/post/<int:pk>/edit/", views.edit_post, name="post-moderator-edit"),
    path("forums/moderation/report/<int:pk>/claim/", views.claim, name="report-claim"),
    path("forums/moderation/people/<int:pk>/suspend/", views.suspend, name="suspend"),
    path(
        "forums/moderation/suspensions/<int:pk>/lift/",
        views.lift_suspension,
        name="suspension-lift",
    ),
]
