from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import (
    calendar_views,
    feeds,
    guest_views,
    message_views,
    organiser_views,
    series_views,
    views,
    whats_on_views,
)

app_name = "groups"

urlpatterns = [
    path("groups/", views.group_list, name="group-list"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/suggestions/", views.suggestion_list, name="suggestion-list"),
    path("groups/suggestions/<int:pk>/back/", views.suggestion_back, name="suggestion-back"),
    path("groups/suggestions/<int:pk>/fulfil/", views.suggestion_fulfil, name="suggestion-fulfil"),
    path("groups/calendar/", calendar_views.calendar_settings, name="calendar-settings"),
    path("groups/teach/<str:skill_slug>/", views.teach, name="teach"),
    path("groups/<slug:slug>/", views.group_detail, name="group-detail"),
    path("groups/<slug:slug>/edit/", views.group_edit, name="group-edit"),
    path("groups/<slug:slug>/image/", views.group_image, name="group-image"),
    path("groups/<slug:slug>/join/", views.group_join, name="group-join"),
    path("groups/<slug:slug>/leave/", views.group_leave, name="group-leave"),
    path("groups/<slug:slug>/members/", views.member_list, name="member-list"),
    path("groups/<slug:slug>/members/add/", views.member_add, name="member-add"),
    path(
        "groups/<slug:slug>/members/<int:pk>/<str:action>/",
        views.member_change,
        name="member-change",
    ),
    path("groups/<slug:slug>/calendar.ics", calendar_views.group_ics, name="group-ics"),
    path("groups/<slug:slug>/calendar/", calendar_views.group_calendar, name="group-calendar"),
    path(
        "groups/<slug:slug>/feed/", login_not_required(feeds.GroupEventsFeed()), name="group-feed"
    ),
    path("groups/<slug:slug>/events/new/", views.event_create, name="event-create"),
    path("groups/<slug:slug>/series/<int:pk>/", series_views.series_detail, name="series-detail"),
    path(
        "groups/<slug:slug>/series/<int:pk>/reply/",
        series_views.series_reply,
        name="series-reply",
    ),
    path(
        "groups/<slug:slug>/series/<int:pk>/series.ics",
        calendar_views.series_ics,
        name="series-ics",
    ),
    path("groups/<slug:slug>/events/<int:pk>/", views.event_detail, name="event-detail"),
    path("groups/<slug:slug>/events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path(
        "groups/<slug:slug>/events/<int:pk>/cancel/",
        organiser_views.event_cancel,
        name="event-cancel",
    ),
    path(
        "groups/<slug:slug>/events/<int:pk>/check-in/",
        organiser_views.event_check_in,
        name="event-check-in",
    ),
    path("groups/<slug:slug>/events/<int:pk>/rsvp/", views.event_rsvp, name="event-rsvp"),
    path(
        "groups/<slug:slug>/events/<int:pk>/guest/",
        guest_views.guest_signup,
        name="guest-signup",
    ),
    path(
        "groups/<slug:slug>/events/<int:pk>/message/",
        message_views.event_message,
        name="event-message",
    ),
    path("guests/<str:token>/confirm/", guest_views.guest_confirm, name="guest-confirm"),
    path("guests/<str:token>/cancel/", guest_views.guest_cancel, name="guest-cancel"),
    path(
        "groups/<slug:slug>/events/<int:pk>/invite-learners/",
        organiser_views.event_invite_learners,
        name="event-invite-learners",
    ),
    path(
        "groups/<slug:slug>/events/<int:pk>/attendees/",
        views.event_attendees,
        name="event-attendees",
    ),
    path(
        "groups/<slug:slug>/events/<int:pk>/attendees.csv",
        views.event_attendees_csv,
        name="event-attendees-csv",
    ),
    path(
        "groups/<slug:slug>/events/<int:pk>/event.ics", calendar_views.event_ics, name="event-ics"
    ),
    path("calendar/<str:token>.ics", calendar_views.personal_ics, name="personal-ics"),
    path(
        "calendar/<str:token>/groups/<slug:slug>.ics",
        calendar_views.group_private_ics,
        name="group-private-ics",
    ),
    path("whats-on/", whats_on_views.whats_on_page, name="whats-on"),
    path("whats-on/calendar.ics", whats_on_views.whats_on_ics, name="whats-on-ics"),
    path(
        "calendar/<str:token>/whats-on.ics",
        whats_on_views.whats_on_private_ics,
        name="whats-on-private-ics",
    ),
]
