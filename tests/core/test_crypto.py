"""Personal fields encrypted at rest with SM4 (apps/core/crypto.py): the standard's example,
random ivs, tampering and wrong keys refused, blind indexes, what the columns really hold
(read with raw SQL), the data migrations' helper, key rotation and the start-up checks."""

import io

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from gmssl.sm4 import SM4_ENCRYPT, CryptSM4

from apps.accounts.models import User
from apps.core import crypto
from apps.core.crypto import DecryptionError, blind_index, decrypt, encrypt
from apps.enterprises.models import Enterprise
from apps.experts.models import Expert
from apps.leaders.models import Objection
from apps.leaders.services.objections import objection_file
from tests.factories.accounts import UserFactory
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.lifecycle import list_in_notice, ranked_scheme

OTHER_KEY = "00112233445566778899aabbccddeeff"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def test_sm4_is_the_standards_cipher():
    # GB/T 32907-2016 Appendix A.1: key = plaintext = 0123456789abcdeffedcba9876543210.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    cipher = CryptSM4()
    cipher.set_key(key, SM4_ENCRYPT)
    assert bytes(cipher.one_round(cipher.sk, list(key))).hex() == (
        "681edf34d206965e86b3e94f536e4246"
    )


def test_values_round_trip_with_a_fresh_iv_each_time():
    first, second = encrypt("13800138000"), encrypt("13800138000")
    assert first != second  # random iv: equal phones are not equal ciphertexts
    assert first.startswith("sm4$") and "13800138000" not in first
    assert decrypt(first) == decrypt(second) == "13800138000"
    assert decrypt(encrypt("张三 · zhang@example.cn")) == "张三 · zhang@example.cn"
    assert encrypt("") == "" and decrypt("") == ""
    assert decrypt("legacy plaintext") == "legacy plaintext"


def test_a_changed_value_or_another_key_is_refused(settings):
    stored = encrypt("13800138000")
    head, blob = stored.rsplit("$", 1)
    flipped = blob[:10] + ("A" if blob[10] != "A" else "B") + blob[11:]
    with pytest.raises(DecryptionError):
        decrypt(f"{head}${flipped}")
    settings.PII_ENCRYPTION_KEY = OTHER_KEY
    with pytest.raises(DecryptionError):
        decrypt(stored)  # written under a key the settings no longer hold
    settings.PII_ENCRYPTION_OLD_KEYS = [settings.PII_DEVELOPMENT_KEY]
    assert decrypt(stored) == "13800138000"  # a retired key stays readable while listed


def test_blind_index_finds_the_same_contact_however_written(settings):
    assert blind_index("138-0013-8000") == blind_index("+86 138 0013 8000")
    assert blind_index("Zhang@Example.cn ") == blind_index("zhang@example.cn")
    assert blind_index("13800138000") != blind_index("13800138001")
    assert blind_index("") == ""
    before = blind_index("13800138000")
    settings.PII_ENCRYPTION_KEY = OTHER_KEY
    assert blind_index("13800138000") != before  # keyed: useless without the key


@pytest.mark.django_db
def test_the_columns_hold_ciphertext_not_the_values(bureau_user):
    user = UserFactory(phone="13800138000")
    enterprise = EnterpriseFactory(contact_phone="010-62345678")
    expert = Expert.objects.create(
        email="e@example.cn", name="王工", organisation="某院", phone="13911112222"
    )
    candidate = list_in_notice(ranked_scheme(entrants=3), bureau_user).candidates.first()
    objection = objection_file(
        candidate=candidate,
        name="北京某检测公司",
        contact="objector@example.cn",
        grounds="理由",
        consented=True,
    )
    for table, column, pk, plain in [
        ("accounts_user", "phone", user.pk, "13800138000"),
        ("enterprises_enterprise", "contact_phone", enterprise.pk, "010-62345678"),
        ("experts_expert", "phone", expert.pk, "13911112222"),
        ("leaders_objection", "name", objection.pk, "北京某检测公司"),
        ("leaders_objection", "contact", objection.pk, "objector@example.cn"),
    ]:
        stored = raw(table, column, pk)
        assert stored.startswith("sm4$") and plain not in stored, (table, column)
    # Read back through the ORM as plain text.
    assert User.objects.get(pk=user.pk).phone == "13800138000"
    assert Enterprise.objects.get(pk=enterprise.pk).contact_phone == "010-62345678"
    # values() gives the stored text, for `decrypt`; instances decrypt on first read.
    stored = Objection.objects.values_list("contact", flat=True).get()
    assert stored.startswith("sm4$") and decrypt(stored) == "objector@example.cn"
    assert raw("leaders_objection", "contact_index", objection.pk) == blind_index(
        "objector@example.cn"
    )


@pytest.mark.django_db
def test_rows_decrypt_on_first_read_and_save_unread_values_unchanged():
    user = UserFactory(phone="13800138000")
    stored = raw("accounts_user", "phone", user.pk)
    loaded = User.objects.get(pk=user.pk)
    assert loaded.__dict__["phone"] == stored  # not decrypted until read
    loaded.name = "改名"
    loaded.save()
    assert raw("accounts_user", "phone", user.pk) == stored  # not re-encrypted
    assert loaded.phone == "13800138000"
    assert loaded.__dict__["phone"] == "13800138000"
    # Text that merely looks like a stored value is encrypted like any other.
    loaded.phone = stored
    loaded.save()
    assert User.objects.get(pk=user.pk).phone == stored
    deferred = User.objects.defer("phone").get(pk=user.pk)
    assert deferred.phone == stored


@pytest.mark.django_db
def test_only_impossible_queries_are_refused():
    UserFactory(phone="13800138000")
    UserFactory(phone="")
    assert User.objects.filter(phone="").count() == 1
    assert User.objects.filter(phone__isnull=False).count() == 2
    with pytest.raises(FieldError):
        User.objects.filter(phone="13800138000").count()
    with pytest.raises(FieldError):
        User.objects.filter(phone__contains="138").count()


@pytest.mark.django_db
def test_the_data_migration_helper_encrypts_plaintext_in_place():
    user = UserFactory()
    enterprise = EnterpriseFactory()
    with connection.cursor() as cursor:  # as the columns were before the migration
        cursor.execute("UPDATE accounts_user SET phone = '13800138000' WHERE id = %s", [user.pk])
        cursor.execute(
            "UPDATE enterprises_enterprise SET contact_phone = '' WHERE id = %s", [enterprise.pk]
        )
    with connection.schema_editor(atomic=False) as editor:
        assert crypto.encrypt_column(editor, "accounts_user", "phone") == 1
        assert crypto.encrypt_column(editor, "accounts_user", "phone") == 0  # idempotent
        crypto.encrypt_column(editor, "enterprises_enterprise", "contact_phone")
    assert raw("accounts_user", "phone", user.pk).startswith("sm4$")
    assert raw("enterprises_enterprise", "contact_phone", enterprise.pk) == ""
    assert User.objects.get(pk=user.pk).phone == "13800138000"
    with connection.schema_editor(atomic=False) as editor:
        crypto.decrypt_column(editor, "accounts_user", "phone")  # the migration rolled back
    assert raw("accounts_user", "phone", user.pk) == "13800138000"


@pytest.mark.django_db
def test_a_new_key_takes_over_with_the_reencrypt_command(settings, bureau_user):
    user = UserFactory(phone="13800138000")
    candidate = list_in_notice(ranked_scheme(entrants=3), bureau_user).candidates.first()
    objection = objection_file(
        candidate=candidate, name="李四", contact="13900001111", grounds="理由", consented=True
    )
    old_id = crypto.key_id_of(raw("accounts_user", "phone", user.pk))
    settings.PII_ENCRYPTION_KEY = OTHER_KEY
    settings.PII_ENCRYPTION_OLD_KEYS = [settings.PII_DEVELOPMENT_KEY]
    out = io.StringIO()
    call_command("reencrypt_personal_data", stdout=out)
    assert "re-encrypted 3 value(s)" in out.getvalue()  # the phone, the name, the contact
    new_id = crypto.current_key().key_id
    assert new_id != old_id
    assert crypto.key_id_of(raw("accounts_user", "phone", user.pk)) == new_id
    assert crypto.key_id_of(raw("leaders_objection", "contact", objection.pk)) == new_id
    settings.PII_ENCRYPTION_OLD_KEYS = []  # the old key can go now
    assert User.objects.get(pk=user.pk).phone == "13800138000"
    assert Objection.objects.get(contact_index=blind_index("139 0000 1111")).pk == objection.pk


def test_start_up_checks_refuse_a_missing_or_development_key(settings):
    assert crypto.check_key() == []
    settings.PII_ENCRYPTION_KEY = ""
    assert [error.id for error in crypto.check_key()] == ["core.E101"]
    settings.PII_ENCRYPTION_KEY = "not-hex"
    assert [error.id for error in crypto.check_key()] == ["core.E101"]
    settings.PII_ENCRYPTION_KEY = settings.PII_DEVELOPMENT_KEY
    assert [error.id for error in crypto.check_key_not_development()] == ["core.E102"]
    settings.PII_ENCRYPTION_KEY = OTHER_KEY
    assert crypto.check_key_not_development() == []


LATEST = [("accounts", "0005_user_phone_encrypted_privacy_consent"),
          ("leaders", "0006_objection_personal_data_encrypted_purge")]  # fmt: skip
BEFORE = [("accounts", "0004_user_language"),
          ("leaders", "0005_notification_kind_incentive")]  # fmt: skip


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migrations_encrypt_existing_rows_and_roll_back(bureau_user):
    user = UserFactory(phone="")
    candidate = list_in_notice(ranked_scheme(entrants=3), bureau_user).candidates.first()
    objection = objection_file(
        candidate=candidate, name="王五", contact="wang@example.cn", grounds="理由", consented=True
    )
    try:
        _migrate(BEFORE)  # decrypts on the way back
        assert raw("leaders_objection", "contact", objection.pk) == "wang@example.cn"
        with connection.cursor() as cursor:  # a row written before the migrations
            cursor.execute(
                "UPDATE accounts_user SET phone = '13800138000' WHERE id = %s", [user.pk]
            )
        _migrate(LATEST)
        assert raw("accounts_user", "phone", user.pk).startswith("sm4$")
        assert raw("leaders_objection", "name", objection.pk).startswith("sm4$")
        assert raw("leaders_objection", "contact_index", objection.pk) == blind_index(
            "wang@example.cn"
        )
        assert User.objects.get(pk=user.pk).phone == "13800138000"
    finally:
        _migrate(LATEST)
