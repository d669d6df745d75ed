from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/verify/", views.login_verify, name="login_verify"),
    path("two-factor/", views.two_factor, name="two_factor"),
]

# Django's auth URLs with the same names, put in front of django.contrib.auth.urls.
overrides = [
    path("login/", views.login_view, name="login"),
    path("password_reset/", views.password_reset, name="password_reset"),
]
