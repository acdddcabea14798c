from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from profiles import urls as profiles_urls
from profiles import views as profiles_views

from . import bench, personal_data_views, search_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/", include("allauth.urls")),
    # Your data joins profiles' addresses; profiles itself knows nothing of it.
    path("", include((personal_data_views.urlpatterns + profiles_urls.urlpatterns, "profiles"))),
    # The skill page is profiles'; other apps add their sections (registry.skill_sections).
    # Its name stays outside the profiles namespace, as the pages that link to it use it.
    path("skills/<str:slug>/", profiles_views.skill_page, name="skill-detail"),
    path("", include("groups.urls")),
    path("", include("forums.urls")),
    path("conversations/", include("conversations.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("stories/", include("stories.urls")),
    path("safety/", include("safety.urls")),
    path("search/", search_views.search, name="search"),
    path("", include("sociable.notifications.urls")),
    path("admin/", admin.site.urls),
]

if getattr(settings, "SOCIABLE_BENCH", False):  # `make bench` only: see sociable/bench.py
    urlpatterns.append(path(bench.CEILING_PATH, bench.ceiling))
