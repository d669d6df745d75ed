"""Schemathesis against /api/schema/: generated requests (valid and invalid) to every
operation of the public API never get a 5xx. Bounded: a few hundred cases, seconds."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from tests.factories.declarations import StandardFactory, category_with_indicators
from tests.factories.leaders import LeaderFactory

pytestmark = pytest.mark.django_db

BUDGET = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(db):
    # Like Django's test client: requests served in-process must not close the test's
    # database connection (and with it the test transaction) when they finish.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield _schema()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _schema():
    category = category_with_indicators(code="C-FUZZ", name="模糊测试")
    for _ in range(3):
        StandardFactory(category=category)
    LeaderFactory()
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def _no_server_error(case):
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}"
    )


def test_the_schema_lists_the_public_api(api_schema):
    paths = {operation.ok().path for operation in api_schema.get_all_operations()}
    assert {"/api/v1/standards/", "/api/v1/rankings/{scheme_code}/"} <= paths


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_never_get_a_server_error(api_schema, mode):
    @given(case=api_schema.as_strategy(generation_mode=mode))
    @BUDGET
    def run(case):
        _no_server_error(case)

    run()
