"""Personal fields encrypted at rest with SM4 (GB/T 32907-2016), and blind indexes.

A value is stored as ``sm4$<key id>$<base64(iv ‖ ciphertext ‖ tag)>``:

- ciphertext = SM4-CBC(k_enc, iv, PKCS#7(UTF-8 text)), with a random 16-byte iv per value, so
  equal values give different ciphertexts;
- tag = the first 16 bytes of HMAC-SM3(k_mac, key id ‖ iv ‖ ciphertext) (encrypt-then-MAC): a
  changed byte, a value copied from another key or a wrong key is refused, not decrypted into
  noise;
- the key id is the first 4 bytes of SM3(key), in hex, so a value names the key that wrote it.

`PII_ENCRYPTION_KEY` is 32 hexadecimal digits (a 128-bit SM4 key). k_enc, k_mac and the blind
index key are derived from it with HMAC-SM3 under fixed labels, so one secret never serves two
purposes. `PII_ENCRYPTION_OLD_KEYS` lists retired keys still accepted for reading;
`manage.py reencrypt_personal_data` rewrites every value under the current key.

A blind index (`blind_index`) is HMAC-SM3 of a normalised value under its own derived key: it
finds equal values (an objector's contact equal to a person's e-mail or phone) without storing
or revealing the value.

Empty text stays empty (nothing to hide, and "no phone" needs no key). A stored value without
the ``sm4$`` prefix is legacy plaintext from before the data migrations and is returned as it
is; the migrations encrypt every such value.

SM4 and SM3 come from the pure-Python `gmssl` package (SM4 checked against the standard's
example in tests/core/test_crypto.py); HMAC-SM3 from `apps.core.sm3`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import os
import re
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import lookups
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import cached_property
from gmssl.sm4 import SM4_DECRYPT, SM4_ENCRYPT, CryptSM4

from apps.core.sm3 import hmac_sm3, sm3_digest

PREFIX = "sm4$"
IV_BYTES = 16
TAG_BYTES = 16
KEY_PATTERN = re.compile(r"^[0-9a-fA-F]{32}$")
# What the audit log records for an encrypted field instead of its value.
MASK = "******"


class DecryptionError(Exception):
    """A stored value that does not decrypt: changed, truncated, or written under a key the
    settings do not hold."""


@dataclass(frozen=True)
class _Key:
    key_id: str
    encrypt: CryptSM4
    decrypt: CryptSM4
    mac: bytes
    index: bytes


def _parse(text: str) -> bytes:
    if not KEY_PATTERN.match(text or ""):
        raise ImproperlyConfigured(
            "PII_ENCRYPTION_KEY (and each of PII_ENCRYPTION_OLD_KEYS) must be 32 hexadecimal "
            "digits, a 128-bit SM4 key; generate one with "
            "`python -c 'import secrets; print(secrets.token_hex(16))'`."
        )
    return bytes.fromhex(text)


@functools.cache
def _derive(text: str) -> _Key:
    secret = _parse(text)
    k_enc = hmac_sm3(secret, b"leaderportal.pii.sm4")[:16]
    encryptor, decryptor = CryptSM4(), CryptSM4()
    encryptor.set_key(k_enc, SM4_ENCRYPT)  # crypt_cbc only reads the round keys afterwards
    decryptor.set_key(k_enc, SM4_DECRYPT)
    return _Key(
        key_id=sm3_digest(secret)[:4].hex(),
        encrypt=encryptor,
        decrypt=decryptor,
        mac=hmac_sm3(secret, b"leaderportal.pii.mac"),
        index=hmac_sm3(secret, b"leaderportal.pii.index"),
    )


def current_key() -> _Key:
    key = getattr(settings, "PII_ENCRYPTION_KEY", "")
    if not key:
        raise ImproperlyConfigured("PII_ENCRYPTION_KEY is not set (see README, Configuration).")
    return _derive(key)


def _keys_by_id() -> dict[str, _Key]:
    keys = [current_key()] + [_derive(k) for k in getattr(settings, "PII_ENCRYPTION_OLD_KEYS", [])]
    return {key.key_id: key for key in reversed(keys)}


def _tag(key: _Key, iv: bytes, ciphertext: bytes) -> bytes:
    return hmac_sm3(key.mac, key.key_id.encode() + iv + ciphertext)[:TAG_BYTES]


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX)


def encrypt(plaintext: str) -> str:
    """The stored form of `plaintext` under the current key ("" stays "")."""
    if not plaintext:
        return plaintext
    key = current_key()
    iv = os.urandom(IV_BYTES)
    ciphertext = key.encrypt.crypt_cbc(iv, plaintext.encode())
    blob = base64.b64encode(iv + ciphertext + _tag(key, iv, ciphertext)).decode()
    return f"{PREFIX}{key.key_id}${blob}"


def key_id_of(stored: str) -> str:
    return stored[len(PREFIX) :].partition("$")[0] if is_encrypted(stored) else ""


def decrypt(stored: str | None) -> str | None:
    """The text of a stored value; legacy plaintext (no prefix) is returned as it is."""
    if not is_encrypted(stored):
        return stored
    return _decrypt(stored, _settings_fingerprint())


def _settings_fingerprint() -> tuple:
    return (settings.PII_ENCRYPTION_KEY, tuple(getattr(settings, "PII_ENCRYPTION_OLD_KEYS", [])))


@functools.lru_cache(maxsize=8192)
def _decrypt(stored: str, fingerprint: tuple) -> str:
    # Cached per stored value (each value has its own random iv): a row read again, or the
    # signed-in user on every request, costs one dictionary lookup. `fingerprint` keys the
    # cache on the settings, so a key removed from them stops working at once.
    key_id, _, blob = stored[len(PREFIX) :].partition("$")
    key = _keys_by_id().get(key_id)
    if key is None:
        raise DecryptionError(f"no key with id {key_id} in PII_ENCRYPTION_KEY/OLD_KEYS")
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("not base64") from None
    if len(raw) < IV_BYTES + 16 + TAG_BYTES or (len(raw) - IV_BYTES - TAG_BYTES) % 16:
        raise DecryptionError("truncated")
    iv, ciphertext, tag = raw[:IV_BYTES], raw[IV_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    if not hmac.compare_digest(tag, _tag(key, iv, ciphertext)):
        raise DecryptionError("the tag does not match: changed, or another key's value")
    try:
        return key.decrypt.crypt_cbc(iv, ciphertext).decode()
    except UnicodeDecodeError:  # cannot happen after a valid tag, but never return noise
        raise DecryptionError("not UTF-8") from None


def normalise_contact(value: str) -> str:
    """A phone number or e-mail address as typed, reduced to what identifies it: lower case,
    no spaces, hyphens, dots or brackets in numbers, no +86/0086 prefix."""
    text = re.sub(r"[\s\u3000]+", "", value or "").lower()
    if "@" in text:
        return text
    text = re.sub(r"[-()（）.]", "", text)
    return re.sub(r"^(\+86|0086)", "", text)


def blind_index(value: str) -> str:
    """HMAC-SM3 of the normalised value under the index key ("" for an empty value)."""
    text = normalise_contact(value)
    if not text:
        return ""
    return hmac_sm3(current_key().index, text.encode())[:16].hex()


# ---------------------------------------------------------------- the model field


class Ciphertext(str):
    """A value as stored, not decrypted yet (decrypting costs a few milliseconds of pure
    Python: a list of leaders must not pay it for contact phones nobody reads)."""


class _DecryptOnRead(DeferredAttribute):
    """The field's attribute: a row loads its ciphertext, the first read decrypts it (and
    keeps the text on the instance). A data descriptor, so every read comes here."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = instance.__dict__[self.field.attname] = decrypt(value)
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Text kept encrypted in its column (see the module docstring); model instances read
    and write plain text (decrypted on first read). `values()`/`values_list()` give the
    stored text: `decrypt()` it. Only `isnull` and equality with "" can be looked up: any
    other query on the plaintext is impossible in SQL and refused rather than silently wrong
    (use a blind index column to find equal values). `max_length` is checked on the plain
    text."""

    description = "Text encrypted at rest with SM4"
    descriptor_class = _DecryptOnRead
    ALLOWED_LOOKUPS = {"exact", "isnull"}

    def __init__(self, *args, blind_index: str = "", **kwargs):
        # `blind_index`: the name of a CharField(32) of the same model kept equal to
        # `blind_index(value)` on every save (list both in `update_fields`).
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        stored = model_instance.__dict__.get(self.attname)
        if isinstance(stored, Ciphertext):
            return stored  # never read, so unchanged: saved as it was, index and all
        value = super().pre_save(model_instance, add)
        if self.blind_index:
            setattr(model_instance, self.blind_index, blind_index(value or ""))
        return value

    @cached_property
    def validators(self):
        extra = [MaxLengthValidator(self.max_length)] if self.max_length else []
        return [*super().validators, *extra]

    def from_db_value(self, value, expression, connection):
        return Ciphertext(value) if is_encrypted(value) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or isinstance(value, Ciphertext):
            return value  # as loaded: already encrypted
        return encrypt(value)  # any text, even one that looks like a stored value

    def get_lookup(self, lookup_name):
        if lookup_name not in self.ALLOWED_LOOKUPS:
            return None  # Django raises FieldError: "Unsupported lookup"
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        # Short values (phones, names): a one-line input unless the form says otherwise.
        kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


@EncryptedTextField.register_lookup
class EncryptedExact(lookups.Exact):
    """`field=""` only: a ciphertext never equals another (random iv)."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: look values up by a blind index, "
                "not by equality"
            )
        return super().get_prep_lookup()


def encrypted_fields():
    """(model, field) for every EncryptedTextField of every installed model."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


# ---------------------------------------------------------------- migrations


def _rewrite(connection, table, column, *, where, params, write, index_column="") -> int:
    """Rewrite the values of `table.column` matching `where`: each stored value goes through
    `write` (stored -> (new stored, plaintext)); `index_column` gets the plaintext's blind
    index. Raw SQL on purpose: migrations and key rotation work on the stored text."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {quote(column)} FROM {quote(table)} WHERE {where.format(quote(column))}",
            params,
        )
        rows = [(pk, *write(value)) for pk, value in cursor.fetchall()]
        if index_column:
            sql = f"UPDATE {quote(table)} SET {quote(column)} = %s, {quote(index_column)} = %s"
            values = [(stored, blind_index(text), pk) for pk, stored, text in rows]
        else:
            sql = f"UPDATE {quote(table)} SET {quote(column)} = %s"
            values = [(stored, pk) for pk, stored, _text in rows]
        cursor.executemany(sql + " WHERE id = %s", values)
        if values and connection.vendor == "postgresql":
            # Run the deferred foreign key checks of the updated rows now: a migration that
            # alters the table next in the same transaction (a rollback) could not otherwise.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return len(rows)


def encrypt_column(schema_editor, table: str, column: str, *, index_column: str = "") -> int:
    """For data migrations: encrypt every plaintext value of `table.column` in place (and
    fill `index_column` with its blind index). Returns how many values were encrypted."""
    return _rewrite(
        schema_editor.connection,
        table,
        column,
        where="{0} <> '' AND {0} NOT LIKE %s",
        params=[PREFIX + "%"],
        write=lambda value: (encrypt(value), value),
        index_column=index_column,
    )


def decrypt_column(schema_editor, table: str, column: str) -> int:
    """The reverse of `encrypt_column`, for a migration rolled back."""
    return _rewrite(
        schema_editor.connection,
        table,
        column,
        where="{0} LIKE %s",
        params=[PREFIX + "%"],
        write=lambda value: (decrypt(value), ""),
    )


def reencrypt_column(connection, table: str, column: str, *, index_column: str = "") -> int:
    """After a key change: rewrite every value of `table.column` written under another key
    (listed in PII_ENCRYPTION_OLD_KEYS) under the current one, with its blind index."""

    def write(value):
        text = decrypt(value)
        return encrypt(text), text

    return _rewrite(
        connection,
        table,
        column,
        where="{0} LIKE %s AND {0} NOT LIKE %s",
        params=[PREFIX + "%", f"{PREFIX}{current_key().key_id}$%"],
        write=write,
        index_column=index_column,
    )


# ---------------------------------------------------------------- start-up checks


@checks.register(checks.Tags.security)
def check_key(app_configs=None, **kwargs):
    """Without a valid key nothing personal can be read or written: refuse to start."""
    errors = []
    try:
        current_key()
        for old in getattr(settings, "PII_ENCRYPTION_OLD_KEYS", []):
            _derive(old)
    except ImproperlyConfigured as error:
        errors.append(checks.Error(str(error), id="core.E101"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_key_not_development(app_configs=None, **kwargs):
    """The development key is in the repository: a deployment must have its own."""
    development = getattr(settings, "PII_DEVELOPMENT_KEY", "")
    if development and settings.PII_ENCRYPTION_KEY.lower() == development.lower():
        return [
            checks.Error(
                "PII_ENCRYPTION_KEY is the development key from the repository; set a key of "
                "this deployment's own (32 hexadecimal digits, kept outside the code).",
                id="core.E102",
            )
        ]
    return []
