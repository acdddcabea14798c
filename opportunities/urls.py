from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import feeds, stats_views, views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("feed/", login_not_required(feeds.OpenOpportunitiesFeed()), name="feed"),
    path("new/", views.opportunity_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("stats/", stats_views.stats, name="stats"),
    path("stats.csv", stats_views.stats_csv, name="stats-csv"),
    path("agree/<str:token>/", views.agree, name="agree"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/interest/", views.express_interest, name="interest"),
    path("<int:pk>/change/", views.change, name="change"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("interest/<int:pk>/answer/", views.answer, name="answer"),
    path("interest/<int:pk>/withdraw/", views.withdraw_interest, name="withdraw-interest"),
]
