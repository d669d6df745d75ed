"""Backups restore exactly; the audit log is append-only in the database and the admin."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse

from apps.core import audit
from apps.core.models import AuditEntry
from scripts.backup_restore_check import _libpq_env, check, referenced_media_files
from tests.factories.accounts import UserFactory
from tests.factories.declarations import StandardFactory, StandardVersionFactory
from tests.faults.processes import database_url

DB_ERRORS = (InternalError, ProgrammingError, IntegrityError)


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_table_and_the_media(tmp_path, settings):
    staff = UserFactory(role="bureau", is_staff=True)
    standards = [StandardFactory() for _ in range(5)]
    for standard in standards:
        audit.record(actor=staff, action="test.backup", target=standard, changes={"x": [1, 2]})
    default_storage.save("standards/backup-check.pdf", ContentFile(b"%PDF-1.4 backup check"))
    report = check(database_url(), Path(default_storage.location))
    assert report["ok"], [t for t in report["tables"] if not t.ok]
    rows = {t.table: t.rows for t in report["tables"]}
    assert rows["core_auditentry"] >= 5
    assert rows["declarations_standard"] == 5
    assert report["media"]["files"] >= 1 and report["media"]["ok"]
    assert report["audit_trigger_restored"]


@pytest.mark.django_db(transaction=True)
def test_a_changed_restore_would_be_noticed(monkeypatch):
    """The comparison is not vacuous: a row that differs after the restore is reported."""
    import scripts.backup_restore_check as module

    StandardFactory()
    real = module.table_checksums

    def tampered(url, cursor=None):
        result = real(url, cursor)
        if cursor is None:  # the restored side
            rows, _checksum = result["declarations_standard"]
            result["declarations_standard"] = (rows, "0" * 32)
        return result

    monkeypatch.setattr(module, "table_checksums", tampered)
    report = check(database_url())
    assert not report["ok"]
    assert [t.table for t in report["tables"] if not t.ok] == ["declarations_standard"]


@pytest.mark.django_db(transaction=True)
def test_a_file_the_database_names_but_the_media_lacks_fails_the_check():
    kept = default_storage.save("standards/kept.pdf", ContentFile(b"%PDF-1.4"))
    StandardVersionFactory(text_file=kept)
    StandardVersionFactory(text_file="standards/lost.pdf")  # named, never stored
    report = check(
        database_url(),
        Path(default_storage.location),
        referenced_files=referenced_media_files(),
    )
    assert report["media"]["missing"] == ["standards/lost.pdf"]
    assert not report["ok"]


def test_the_embedded_servers_socket_url_reaches_libpq_as_its_host():
    env = _libpq_env("postgres://postgres@/leaderportal?host=/srv/.local/pgdata")
    assert (env["PGHOST"], env["PGDATABASE"]) == ("/srv/.local/pgdata", "leaderportal")


@pytest.fixture
def entry(db):
    user = UserFactory()
    return audit.record(actor=user, action="test.entry", target=user, changes={"a": [1, 2]})


@pytest.mark.django_db
def test_audit_entries_cannot_be_updated(entry):
    with pytest.raises(DB_ERRORS, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DB_ERRORS, match="append-only"), transaction.atomic():
        entry.changes = {"a": [1, 3]}
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.entry"


@pytest.mark.django_db
def test_audit_entries_cannot_be_deleted(entry):
    with pytest.raises(DB_ERRORS, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with (
        pytest.raises(DB_ERRORS, match="append-only"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_entries_without_the_name(entry):
    actor = entry.actor
    actor.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert (entry.action, entry.changes) == ("test.entry", {"a": [1, 2]})


@pytest.mark.django_db
def test_the_admin_shows_but_never_edits_or_deletes_entries(client, admin_user, entry):
    client.force_login(admin_user)
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = client.post(reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "x"})
    assert change.status_code == 403
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.entry"
