from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import feeds, views, writing_views

app_name = "stories"

urlpatterns = [
    path("", views.story_list, name="list"),
    path("feed/", login_not_required(feeds.StoriesFeed()), name="feed"),
    path("new/", writing_views.new, name="new"),
    path("mine/", writing_views.mine, name="mine"),
    path("review/", writing_views.review_queue, name="review-queue"),
    path("tag/<str:slug>/", views.tag_page, name="tag"),
    path("tag/<str:slug>/feed/", login_not_required(feeds.TagFeed()), name="tag-feed"),
    path("by/<str:username>/", views.author_page, name="author"),
    path("by/<str:username>/feed/", login_not_required(feeds.AuthorFeed()), name="author-feed"),
    path("series/new/", writing_views.new_series, name="series-new"),
    path("series/<slug:slug>/", views.series_page, name="series"),
    path("series/<slug:slug>/writers/", writing_views.add_writer, name="series-writer"),
    path("series/<slug:slug>/feed/", login_not_required(feeds.SeriesFeed()), name="series-feed"),
    path("follow/<str:kind>/<int:pk>/", views.follow, name="follow"),
    path("<int:pk>-<str:slug>/", views.story_detail, name="detail"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/images/<int:number>/<int:width>.jpg", views.image, name="image"),
    path("<int:pk>/edit/", writing_views.edit, name="edit"),
    path("<int:pk>/images/", writing_views.images, name="images"),
    path("<int:pk>/publish/", writing_views.publish, name="publish"),
    path("<int:pk>/unschedule/", writing_views.unschedule, name="unschedule"),
    path("<int:pk>/review/", writing_views.review, name="review"),
    path("<int:pk>/feature/", writing_views.feature, name="feature"),
    path("<int:pk>/delete/", writing_views.delete, name="delete"),
]
