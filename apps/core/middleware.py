"""Request hygiene that every view relies on."""

from contextvars import ContextVar

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

from apps.core import uploads


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


class UploadSizeLimitMiddleware:
    """An upload larger than its page accepts is refused by its Content-Length, with 413 and
    a readable page, before any of the body is read (uploads.request_max_bytes: the limits
    the upload checks use). Placed before anything that reads request.POST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT") and request.content_type == "multipart/form-data":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = uploads.request_max_bytes(request.path_info)
            if length > limit:
                body = render_to_string(
                    "413.html", {"limit_mb": limit // 2**20, "size_mb": length / 2**20}
                )
                response = HttpResponse(body, status=413)
                response["Connection"] = "close"  # the rest of the body is not read
                return response
        return self.get_response(request)
