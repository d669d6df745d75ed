import re

import pytest
from django.test import Client

from apps.core import pagecache
from tests.factories.leaders import LeaderFactory
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_anonymous_pages_served_from_cache_with_own_csrf_token():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    miss = first.get("/")
    hit = second.get("/")
    assert miss["X-Page-Cache"] == "miss"
    assert hit["X-Page-Cache"] == "hit"
    for response, client in ((miss, first), (hit, second)):
        body = response.content.decode()
        assert pagecache.PLACEHOLDER not in body
        token = TOKEN.search(body).group(1)
        assert "csrftoken" in response.cookies  # the visitor's own CSRF cookie
        # The token in the cached page is valid for this visitor: the form posts.
        post = client.post(
            "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
        )
        assert post.status_code == 302
    assert TOKEN.search(miss.content.decode()).group(1) != TOKEN.search(hit.content.decode()).group(
        1
    )


def test_pages_cached_per_language():
    client = Client()
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")["X-Page-Cache"] == "miss"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.content.decode()


def test_logged_in_users_and_sessions_bypass_the_cache(client_for, enterprise_user):
    Client().get("/leaders/")
    response = client_for(enterprise_user).get("/leaders/")
    assert "X-Page-Cache" not in response
    session_client = Client()
    session_client.cookies["sessionid"] = "x"
    assert "X-Page-Cache" not in session_client.get("/leaders/")


def test_leader_and_news_changes_invalidate_pages():
    client = Client()
    client.get("/leaders/")
    assert client.get("/leaders/")["X-Page-Cache"] == "hit"
    leader = LeaderFactory()
    response = client.get(f"/leaders/?year={leader.year}")
    assert response["X-Page-Cache"] == "miss"
    assert leader.standard.standard_no in response.content.decode()
    client.get("/news/")
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    ArticleFactory()
    assert client.get("/news/")["X-Page-Cache"] == "miss"


def test_another_process_invalidation_is_seen_within_the_local_interval(monkeypatch):
    from django.core.cache import cache

    client = Client()
    client.get("/leaders/")
    assert client.get("/leaders/")["X-Page-Cache"] == "hit"
    cache.incr(pagecache.GENERATION_KEY)  # as another process's invalidate() does
    assert client.get("/leaders/")["X-Page-Cache"] == "hit"  # this process's copy, still fresh
    monkeypatch.setattr(pagecache, "LOCAL_SECONDS", 0)
    assert client.get("/leaders/")["X-Page-Cache"] == "miss"


def _stored_pages() -> int:
    from django.core.cache import cache

    return len([key for key in cache._cache if ":pagecache:" in key and "generation" not in key])


def test_junk_query_parameters_store_no_pages():
    client = Client()
    client.get("/leaders/?year=2026")
    stored = _stored_pages()
    for junk in range(20):
        response = client.get(f"/leaders/?year=2026&junk={junk}")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response  # rendered, not served from or put in the cache
    assert "X-Page-Cache" not in client.get("/?utm_source=mail")
    assert "X-Page-Cache" not in client.get("/leaders/?year=2026&year=2025")
    assert "X-Page-Cache" not in client.get(f"/leaders/?year={'9' * 100}")
    assert _stored_pages() == stored


def test_pages_are_keyed_on_the_parameters_they_read_in_a_fixed_order():
    client = Client()
    assert client.get("/leaders/?year=2026&sector=energy")["X-Page-Cache"] == "miss"
    assert client.get("/leaders/?sector=energy&year=2026")["X-Page-Cache"] == "hit"
    assert client.get("/news/?kind=news&page=1")["X-Page-Cache"] == "miss"
    assert client.get("/news/?page=1&kind=news")["X-Page-Cache"] == "hit"
