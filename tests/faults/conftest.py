"""Fault tests (`make faults`): real Celery workers and gunicorn against the test database,
killed and restarted; a test-only trigger pauses a job at a known point
(helpers in `processes.py`)."""

import uuid

import pytest

from tests.faults.processes import Pauses, Workers


def pytest_collection_modifyitems(config, items):
    """Fault tests run only when asked for (`-m faults`): they start processes and take a
    minute, so `make test` leaves them to `make faults`."""
    if "faults" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if "faults" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if "faults" in i.keywords])
        items[:] = kept


@pytest.fixture
def pauses(transactional_db):
    pauses = Pauses()
    yield pauses
    pauses.drop()


@pytest.fixture
def workers(transactional_db):
    workers = Workers(f"faults-{uuid.uuid4().hex[:8]}")
    yield workers
    workers.stop_all()
