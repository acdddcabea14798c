from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/", include("allauth.urls")),
    path("", include("profiles.urls")),
    # The skill page brings people (profiles) and groups together, so it lives here.
    path("skills/<str:slug>/", views.skill_page, name="skill-detail"),
    path("", include("groups.urls")),
    path("", include("forums.urls")),
    path("admin/", admin.site.urls),
]
