from django.urls import path

from apps.leaders import views

app_name = "leaders"
urlpatterns = [
    path("leaders/", views.leader_list, name="leader_list"),
    path("leaders/<str:code>/", views.leader_detail, name="leader_detail"),
]
