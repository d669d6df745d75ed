from django.urls import path

from apps.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("enterprises/<str:uscc>/", views.public_profile, name="public_profile"),
    path("workspace/enterprise/", views.my_profile, name="my_profile"),
    path("staff/registrations/", views.registrations, name="registrations"),
    path("staff/enterprise-names/", views.name_changes, name="name_changes"),
    path(
        "staff/registrations/<int:pk>/decide/",
        views.registration_decide,
        name="registration_decide",
    ),
]
