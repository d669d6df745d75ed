from django.urls import path

from apps.leaders import views

app_name = "leaders"
urlpatterns = [
    path("leaders/", views.leader_list, name="leader_list"),
    path("leaders/<str:code>/", views.leader_detail, name="leader_detail"),
]
urlpatterns += [
    path("rankings/", views.ranking_list, name="rankings"),
    path("rankings/<str:scheme_code>/", views.ranking_detail, name="ranking_detail"),
]
