from django.urls import path

from apps.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/<slug:section>.csv", views.statistics_csv, name="statistics_csv"),
]
