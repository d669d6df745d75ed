"""Read replicas (apps/core/replicas.py) against a real streaming replica of the test server,
started here on loopback (tests/core/replica_server.py): public reads come from the replica,
a user's own write is read back from the primary, a lagging or stopped replica is skipped."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from apps.core import replicas
from apps.declarations.models import Standard
from tests.core.replica_server import ReplicaPair, ReplicaUnavailable, libpq_params, use_as_default
from tests.declarations.helpers import declare
from tests.factories.declarations import PDF_BYTES, category_with_indicators

ALIAS = "replica1"
PIN = 3  # seconds a write pins its author to the primary, in these tests


pytestmark = pytest.mark.django_db(transaction=True, databases=["default", ALIAS])


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    """A primary holding a copy of the test database, made Django's `default` for this
    module, and its streaming replica as `replica1` (tests/core/replica_server.py). The
    tests pause, stop and start the replica and leave it running and replaying."""
    with django_db_blocker.unblock():
        default = connections["default"].settings_dict
        source = libpq_params(default)
    try:
        pair = ReplicaPair(source)
    except ReplicaUnavailable as missing:
        pytest.skip(f"no PostgreSQL to start a streaming replica with: {missing}")
    try:
        pair.create()
        # TEST MIRROR: the test framework leaves it alone (no flush of a read-only server).
        connections.settings[ALIAS] = pair.replica.settings_dict(
            default, TEST={**default.get("TEST", {}), "MIRROR": "default"}
        )
        with (
            django_db_blocker.unblock(),
            use_as_default(connections, pair.primary.settings_dict(default)),
        ):
            yield pair
    finally:
        if ALIAS in connections.settings:
            connections[ALIAS].close()
            del connections.settings[ALIAS]
        pair.destroy()


@pytest.fixture
def routed(servers):
    replicas.forget_health()
    with override_settings(
        DATABASE_REPLICAS=[ALIAS],
        REPLICA_MAX_LAG_SECONDS=60,
        REPLICA_HEALTH_CHECK_SECONDS=0,
        REPLICA_PIN_SECONDS=10,
    ):
        yield servers
    servers.resume()
    replicas.forget_health()


def _pdf():
    return SimpleUploadedFile("text.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def published(enterprise_user):
    category = category_with_indicators(code="C-RICE", name="电饭锅")
    return declare(user=enterprise_user, category=category, pdf=_pdf())


def names_in_api(client) -> list[str]:
    return [row["name"] for row in client.get("/api/v1/standards/").json()["results"]]


def test_public_reads_come_from_the_replica(routed, published, client, enterprise_user):
    routed.wait_caught_up()
    assert routed.replica.sql("SELECT pg_is_in_recovery()") == [(True,)]
    routed.pause()
    Standard.objects.filter(pk=published.pk).update(name="改名后的标准")  # primary only

    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        assert names_in_api(client) == ["电饭锅企业标准"]
        detail = client.get(reverse("declarations:detail", args=[published.pk]))
    assert "电饭锅企业标准" in detail.content.decode()
    assert "改名后的标准" not in detail.content.decode()
    assert any("declarations_standard" in q["sql"] for q in on_replica.captured_queries)

    # Signed in, public pages still read the replica; the workspace reads the primary.
    client.force_login(enterprise_user)
    assert names_in_api(client) == ["电饭锅企业标准"]
    workspace = client.get(reverse("declarations:workspace")).content.decode()
    assert "改名后的标准" in workspace

    routed.resume()
    routed.wait_caught_up()
    client.logout()
    assert names_in_api(client) == ["改名后的标准"]


def test_a_users_own_write_is_read_from_the_primary(routed, enterprise_user, client):
    category = category_with_indicators(code="C-RICE", name="电饭锅")
    draft = declare(
        user=enterprise_user,
        category=category,
        publish=False,
        pdf=_pdf(),
    )
    routed.wait_caught_up()
    routed.pause()  # from here on the replica sees the draft only
    client.force_login(enterprise_user)

    with override_settings(REPLICA_PIN_SECONDS=PIN):
        response = client.post(
            reverse("declarations:publish", args=[draft.pk]), {"commitment": "on"}
        )
    pinned_until = time.monotonic() + PIN
    assert response.status_code == 302
    assert replicas.PIN_COOKIE in response.cookies
    # The page the publication leads to, and the public list, show it to its author ...
    assert client.get(response["Location"]).status_code == 200
    assert names_in_api(client) == ["电饭锅企业标准"]
    # ... and not yet to anyone reading the (paused) replica.
    anonymous = client.__class__()
    assert names_in_api(anonymous) == []
    assert anonymous.get(response["Location"]).status_code == 404

    # When the pin has expired, the author reads the replica again.
    assert time.monotonic() < pinned_until
    time.sleep(max(0.0, pinned_until - time.monotonic()) + 0.1)
    assert names_in_api(client) == []


def test_a_lagging_replica_is_skipped(routed, published, client):
    routed.wait_caught_up()
    with override_settings(REPLICA_MAX_LAG_SECONDS=0.5):
        assert replicas.measure(ALIAS).ok
        routed.pause()
        Standard.objects.filter(pk=published.pk).update(name="改名后的标准")

        def lagging_health():
            health = replicas.measure(ALIAS)
            return None if health.ok else health

        lagging = routed.wait_for(
            lagging_health, what="the replica's lag to pass 0.5 s", timeout=10
        )
        assert lagging.reason.startswith("lagging")
        with CaptureQueriesContext(connections[ALIAS]) as on_replica:
            assert names_in_api(client) == ["改名后的标准"]  # from the primary
        assert [q["sql"] for q in on_replica.captured_queries] == [replicas.LAG_SQL]

        routed.resume()
        routed.wait_caught_up()
        assert replicas.measure(ALIAS).ok
        with CaptureQueriesContext(connections[ALIAS]) as on_replica:
            assert names_in_api(client) == ["改名后的标准"]
        assert len(on_replica.captured_queries) > 1  # the check, then the page's reads


def test_a_stopped_replica_is_skipped_without_slowing_requests(
    routed, published, client, monkeypatch
):
    routed.wait_caught_up()
    assert names_in_api(client) == ["电饭锅企业标准"]
    routed.replica.stop()
    checks = []
    measure = replicas.measure
    monkeypatch.setattr(replicas, "measure", lambda alias: checks.append(alias) or measure(alias))
    try:
        with override_settings(REPLICA_HEALTH_CHECK_SECONDS=30):
            replicas.forget_health()
            started = time.monotonic()
            for _ in range(5):
                assert names_in_api(client) == ["电饭锅企业标准"]  # the primary answers
            elapsed = time.monotonic() - started
            # One failed check, remembered: the other requests did not try the replica.
            assert checks == [ALIAS]
            assert replicas.health(ALIAS).reason.startswith("unreachable")
            assert elapsed < 5
    finally:
        routed.start_replica()
    replicas.forget_health()
    routed.wait_caught_up()
    assert replicas.health(ALIAS).ok


def test_writes_transactions_and_jobs_use_the_primary(routed, published, rf):
    routed.wait_caught_up()
    seen = []
    middleware = replicas.ReplicaReadsMiddleware(
        lambda request: seen.append(router.db_for_read(Standard)) or _response()
    )
    middleware(rf.get("/standards/"))
    middleware(rf.get("/workspace/standards/"))
    middleware(rf.post("/standards/"))

    def in_transaction(request):
        with transaction.atomic():
            seen.append(router.db_for_read(Standard))
            seen.append(Standard.objects.select_for_update().filter(pk=published.pk).db)
        return _response()

    replicas.ReplicaReadsMiddleware(in_transaction)(rf.get("/standards/"))
    assert seen == [ALIAS, "default", "default", "default", "default"]
    # No request (Celery tasks, commands): Django's default, the primary.
    assert router.db_for_read(Standard) in (None, "default")
    assert Standard.objects.all().db == "default"
    assert router.db_for_write(Standard) == "default"
    assert router.allow_migrate("default", "declarations")
    assert not router.allow_migrate(ALIAS, "declarations")


def _response():
    from django.http import HttpResponse

    return HttpResponse()
