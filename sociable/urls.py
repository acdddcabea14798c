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
    path("admin/", admin.site.urls),
]
