from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/me/", views.my_profile, name="my-profile"),
    path("people/me/edit/", views.edit_profile, name="profile-edit"),
    path("people/me/blocked/", views.blocked_people, name="blocked"),
    path("people/me/confirm/", views.confirm_profile, name="profile-confirm"),
    path(
        "people/corrections/<int:pk>/resolve/", views.resolve_correction, name="correction-resolve"
    ),
    path("people/corrections/", views.correction_list, name="corrections"),
    path(
        "people/corrections/<int:pk>/archive/", views.correction_archive, name="correction-archive"
    ),
    path(
        "people/corrections/<int:pk>/dismiss/", views.correction_dismiss, name="correction-dismiss"
    ),
    path("people/teams/<slug:slug>/", views.team_detail, name="team-detail"),
    path("people/places/<slug:slug>/", views.place_detail, name="place-detail"),
    path("people/<str:username>/", views.profile_detail, name="profile-detail"),
    path("people/<str:username>/vcard/", views.profile_vcard, name="profile-vcard"),
    path("people/<str:username>/photo/", views.profile_photo, name="profile-photo"),
    path("people/<str:username>/block/", views.block_person, name="block"),
    path("people/<str:username>/correction/", views.report_correction, name="correction-create"),
    path("skills/", views.skill_index, name="skill-index"),
    path("skills/_suggest/", views.skill_suggest, name="skill-suggest"),  # "_": never a slug
]
