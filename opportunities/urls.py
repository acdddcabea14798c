from django.urls import path

from . import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("new/", views.opportunity_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("agree/<str:token>/", views.agree, name="agree"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/interest/", views.express_interest, name="interest"),
    path("<int:pk>/change/", views.change, name="change"),
    path("interest/<int:pk>/answer/", views.answer, name="answer"),
    path("interest/<int:pk>/withdraw/", views.withdraw_interest, name="withdraw-interest"),
]
