"""The audit log lasts and resists rewriting: TRUNCATE refused, retention checked at start-up,
monthly archives chained by HMAC-SM3 and verified line by line."""

import json
from datetime import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import InternalError, ProgrammingError, connection, transaction
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.core.sm3 import hmac_sm3, sm3_digest
from apps.core.tasks import archive_audit
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_sm3_of_abc_is_the_standard_vector():
    assert sm3_digest(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_hmac_sm3_matches_gmt_0042_appendix_d3():
    message = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" * 2
    assert hmac_sm3(bytes(range(1, 33)), message).hex() == (
        "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a"
    )


def test_hmac_sm3_hashes_keys_longer_than_a_block():
    long_key = b"k" * 100
    assert hmac_sm3(long_key, b"m") == hmac_sm3(sm3_digest(long_key), b"m")
    assert hmac_sm3(b"a", b"m") != hmac_sm3(b"b", b"m")


def test_truncate_of_the_audit_log_is_refused():
    user = UserFactory()
    from apps.core import audit

    audit.record(actor=user, action="test.kept", target=user)
    with (
        pytest.raises((InternalError, ProgrammingError), match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test database's sessions allow it for the runner's flush; a portal session does not.
        cursor.execute("SET LOCAL leaderportal.audit_truncate = ''")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.filter(action="test.kept").exists()


def test_a_retention_below_180_days_is_refused_at_start_up(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(ImproperlyConfigured, match="AUDIT_RETENTION_DAYS must be at least 180"):
        apps.get_app_config("core").ready()
    settings.AUDIT_RETENTION_DAYS = 365
    apps.get_app_config("core").ready()


def _entry_at(when: datetime, action: str, user) -> int:
    """An entry written at a past time (INSERT is what the portal does; the time is the test's)."""
    content_type = ContentType.objects.get_for_model(user)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (created_at, actor_id, action, content_type_id,"
            " object_id, object_repr, changes) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [when, user.pk, action, content_type.pk, str(user.pk), "某用户", '{"a": [1, "二"]}'],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def archive(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "archive"
    user = UserFactory()
    ids = [
        _entry_at(timezone.make_aware(datetime(2025, 1, day, 10)), f"jan.{day}", user)
        for day in (3, 5, 7)
    ] + [
        _entry_at(timezone.make_aware(datetime(2025, 2, day, 10)), f"feb.{day}", user)
        for day in (1, 2)
    ]
    call_command("archive_audit", month="2025-01")
    call_command("archive_audit", month="2025-02")
    return settings.AUDIT_ARCHIVE_DIR, ids


def _lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def test_archive_writes_one_chained_file_per_month(archive):
    directory, ids = archive
    january = [json.loads(line) for line in _lines(directory / "audit-2025-01.jsonl")]
    february = [json.loads(line) for line in _lines(directory / "audit-2025-02.jsonl")]
    assert [line["id"] for line in january + february] == ids
    assert january[0]["prev"] == ""
    assert january[1]["prev"] == january[0]["mac"]
    assert february[0]["prev"] == january[-1]["mac"]  # the chain continues across months
    assert january[0]["changes"] == {"a": [1, "二"]}
    assert AuditEntry.objects.filter(pk__in=ids).count() == 5  # archiving deletes nothing
    call_command("verify_audit_archive", str(directory))


def test_archive_refuses_a_second_run_a_gap_and_an_unfinished_month(archive, settings):
    directory, _ = archive
    with pytest.raises(CommandError, match="已存在"):
        call_command("archive_audit", month="2025-01")
    now = timezone.localtime()
    with pytest.raises(CommandError, match="尚未结束"):
        call_command("archive_audit", month=f"{now:%Y-%m}")
    (directory / "audit-2025-02.jsonl").unlink()
    with pytest.raises(CommandError, match="请先归档 2025-02"):
        call_command("archive_audit", month="2025-03")


def test_the_monthly_job_archives_every_finished_month(archive):
    directory, _ = archive
    written = archive_audit()
    assert (directory / "audit-2025-03.jsonl").exists()
    assert written >= 1
    assert archive_audit() == 0
    call_command("verify_audit_archive", str(directory))


def test_verify_names_a_changed_field(archive):
    directory, ids = archive
    path = directory / "audit-2025-01.jsonl"
    lines = _lines(path)
    lines[1] = lines[1].replace('"jan.5"', '"jan.6"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = rf"audit-2025-01.jsonl 第 2 行（审计记录 {ids[1]}）.*改动"
    with pytest.raises(CommandError, match=broken):
        call_command("verify_audit_archive", str(directory))


def test_verify_names_the_line_after_a_deleted_one(archive):
    directory, ids = archive
    path = directory / "audit-2025-01.jsonl"
    lines = _lines(path)
    del lines[1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=rf"第 2 行（审计记录 {ids[2]}）.*链断开"):
        call_command("verify_audit_archive", str(directory))


def test_verify_names_reordered_lines_and_a_deleted_last_line_across_months(archive):
    directory, ids = archive
    february = directory / "audit-2025-02.jsonl"
    first, second = _lines(february)
    february.write_text(f"{second}\n{first}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=rf"audit-2025-02.jsonl 第 1 行（审计记录 {ids[4]}）"):
        call_command("verify_audit_archive", str(directory / "audit-2025-01.jsonl"), str(february))
    february.write_text(f"{first}\n{second}\n", encoding="utf-8")
    january = directory / "audit-2025-01.jsonl"
    january.write_text("\n".join(_lines(january)[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=rf"audit-2025-02.jsonl 第 1 行（审计记录 {ids[3]}）"):
        call_command("verify_audit_archive", str(directory))


def test_a_different_key_does_not_verify(archive, settings):
    directory, _ = archive
    settings.AUDIT_HMAC_KEY = "another key"
    with pytest.raises(CommandError, match="第 1 行"):
        call_command("verify_audit_archive", str(directory))
