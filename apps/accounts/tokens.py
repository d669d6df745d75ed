"""The invitation link's token: Django's password-reset token, with its own salt and expiry.

Like a password-reset token it is an HMAC over the account's state, so it needs no table and
dies as soon as that state changes: setting the password (the hash changes), signing in
(`last_login`), a new invitation (`invited_at`: only the latest mail's link works) or the
account being deactivated. It also expires `INVITATION_TIMEOUT_DAYS` after it was made.
"""

import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

EPOCH = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "apps.accounts.tokens.InvitationTokenGenerator"

    @staticmethod
    def timeout_seconds() -> int:
        return int(settings.INVITATION_TIMEOUT_DAYS * 24 * 60 * 60)

    def _make_hash_value(self, user, timestamp):
        # To the microsecond (as stored): two invitations within a second still differ.
        invited = "" if user.invited_at is None else (user.invited_at - EPOCH) // MICROSECOND
        return f"{super()._make_hash_value(user, timestamp)}{invited}{user.is_active}"

    def check_token(self, user, token):
        """Django's check, with the invitation's expiry instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return 0 <= self._num_seconds(self._now()) - ts <= self.timeout_seconds()


invitation_token_generator = InvitationTokenGenerator()
