"""URLconf of bench/wsgi.py: the portal's URLs and the baseline view."""

from django.http import HttpResponse
from django.urls import include, path

CONSTANT = b"ok\n" * 100


def constant(request):
    return HttpResponse(CONSTANT, content_type="text/plain")


urlpatterns = [
    path("__bench__/constant/", constant),
    path("", include("config.urls")),
]
