"""Request hygiene that every view relies on."""

from contextvars import ContextVar

from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    queries = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for query in queries:
        for key, values in query.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


class RejectNullCharactersMiddleware:
    """A NUL character can never be stored in PostgreSQL text and is never legitimate in a
    URL or a form field: such a request gets 400 with a message, before any view (and any
    query) sees it, instead of a database error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            # No request context: sign-in and sessions are not read yet (and need not be).
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)


# The address the person in the current request used ("https://host"), for links in the
# messages a request causes (apps.core.inbox); unset outside requests (Celery, commands).
request_base_url: ContextVar[str] = ContextVar("request_base_url", default="")


class RequestBaseURLMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            token = request_base_url.set(request.build_absolute_uri("/").rstrip("/"))
        except DisallowedHost:  # Django answers 400 further on
            return self.get_response(request)
        try:
            return self.get_response(request)
        finally:
            request_base_url.reset(token)
