import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apps.core import inbox


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down" to the health check
        return False


def _broker_ok() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


@never_cache
def healthz(request):
    checks = {
        "database": "ok" if _database_ok() else "down",
        "broker": "ok" if _broker_ok() else "down",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@login_required
def inbox_page(request):
    """The signed-in person's messages, newest first; opening the page marks them read."""
    page = Paginator(inbox.messages_of(request.user), 30).get_page(request.GET.get("page"))
    unread = {message.pk for message in page if message.read_at is None}
    inbox.mark_read(request.user)
    return render(request, "core/inbox.html", {"page": page, "unread": unread})
