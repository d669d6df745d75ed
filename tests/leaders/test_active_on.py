"""One reading of "a leader title active on a day" (`LeaderQuerySet.active_on`) and one
validity period (`LEADER_VALIDITY_MONTHS`), in Python and in the import's SQL."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from apps.incentives.eligibility import active_titles
from apps.incentives.selectors import feed_active_leaders
from apps.leaders.models import Leader
from apps.leaders.services.titles import leader_valid_until, valid_until_sql
from tests.factories.declarations import StandardFactory
from tests.factories.leaders import LeaderCategoryFactory, LeaderFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def titles():
    """One title on each side of every boundary of the rule, by name."""
    day = datetime.timedelta(days=1)
    return {
        "published_that_day": LeaderFactory(published_on=DAY, valid_until=DAY + 300 * day),
        "last_valid_day": LeaderFactory(published_on=DAY - 364 * day, valid_until=DAY),
        "published_later": LeaderFactory(published_on=DAY + day, valid_until=DAY + 365 * day),
        # The nightly job has not yet marked it expired: it is not active all the same.
        "past_validity": LeaderFactory(published_on=DAY - 365 * day, valid_until=DAY - day),
        "revoked": LeaderFactory(
            published_on=DAY - 10 * day,
            valid_until=DAY + 300 * day,
            status="revoked",
            revoked_on=DAY - day,
            revocation_reason="抽查不合格",
        ),
        "expired": LeaderFactory(
            published_on=DAY - 10 * day, valid_until=DAY + 300 * day, status="expired"
        ),
    }


def _names(titles, queryset):
    by_pk = {leader.pk: name for name, leader in titles.items()}
    return {by_pk[leader.pk] for leader in queryset}


def test_active_on_takes_status_publication_and_validity_together(titles):
    assert _names(titles, Leader.objects.active_on(DAY)) == {
        "published_that_day",
        "last_valid_day",
    }
    assert _names(titles, Leader.objects.lapsed_on(DAY)) == {"past_validity"}
    for name, leader in titles.items():
        in_force = name in {"published_that_day", "last_valid_day"}
        assert (leader.status_on(DAY) == "active" and leader.published_on <= DAY) == in_force


def test_the_feed_and_the_eligibility_read_the_same_rule(titles):
    assert _names(titles, feed_active_leaders(DAY)) == _names(titles, Leader.objects.active_on(DAY))
    for leader in titles.values():
        enterprise = leader.standard.enterprise
        assert _names(titles, active_titles(enterprise, DAY)) == _names(
            titles, Leader.objects.active_on(DAY).filter(standard__enterprise=enterprise)
        )


def test_no_module_restates_the_rule():
    """The validity comparisons stand only in the query set (apps/leaders/models.py)."""
    root = Path(settings.BASE_DIR)
    restated = re.compile(r"valid_until__(gte|lt)\b|interval '1 year'")
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("apps/**/*.py")
        if "migrations" not in path.parts
        and path != root / "apps/leaders/models.py"
        and restated.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("months", [12, 6, 1])
def test_the_import_sql_and_the_service_agree_on_the_validity(settings, months):
    settings.LEADER_VALIDITY_MONTHS = months
    days = [
        datetime.date(2025, 12, 1),
        datetime.date(2024, 2, 29),
        datetime.date(2025, 1, 31),
        datetime.date(2025, 8, 31),
        datetime.date(2025, 12, 31),
    ]
    with connection.cursor() as cursor:
        for day in days:
            cursor.execute(f"SELECT {valid_until_sql('%s::date')}", [day])
            assert cursor.fetchone()[0] == leader_valid_until(day), (months, day)


def test_an_imported_title_without_a_validity_gets_the_setting(tmp_path, settings):
    settings.LEADER_VALIDITY_MONTHS = 6
    standard = StandardFactory(category=LeaderCategoryFactory(), standard_no="Q/LP 001-2025")
    path = tmp_path / "leaders.csv"
    path.write_text(
        "year,uscc,standard_no,category_code,published_on\n"
        f"2025,{standard.enterprise.uscc},Q/LP 001-2025,C-AC,2025-12-01\n",
        encoding="utf-8",
    )
    call_command("import_csv", "leaders", str(path))
    assert Leader.objects.get().valid_until == datetime.date(2026, 5, 31)
