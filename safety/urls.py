"""Trust and safety's pages: appeals, flags and the transparency report."""

from django.urls import path

from . import appeal_views, flag_views, report_views

app_name = "safety"

urlpatterns = [
    path("appeal/<int:entry>/", appeal_views.appeal, name="appeal-new"),
    path("appeal/post/<int:post>/", appeal_views.about_post, name="appeal-post"),
    path("appeals/<int:pk>/", appeal_views.detail, name="appeal"),
    path("flags/<int:pk>/", flag_views.detail, name="flag"),
    path("transparency/", report_views.transparency, name="transparency"),
    path("transparency.csv", report_views.transparency_csv, name="transparency-csv"),
]
