from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/verify/", views.login_verify, name="login_verify"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path("staff/invitations/", views.invitations, name="invitations"),
    path(
        "staff/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
]

# Django's auth URLs with the same names, put in front of django.contrib.auth.urls.
overrides = [
    path("login/", views.login_view, name="login"),
    path("password_reset/", views.password_reset, name="password_reset"),
]
