from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("open/", views.openness, name="openness"),
    path("roulette/", views.roulette_page, name="roulette"),
    path("buddy/", views.buddy_page, name="buddy"),
    path("ask/<str:username>/", views.ask, name="ask"),
    path("<int:pk>/", views.conversation_detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/suggest/", views.suggest, name="suggest"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/message/", views.send_message, name="message"),
    path("<int:pk>/afterwards/", views.afterwards, name="afterwards"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/change/", views.change, name="change"),
    path("<int:pk>/calendar.ics", views.calendar_file, name="calendar"),
]
