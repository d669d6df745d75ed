import os

import pytest

from apps.accounts.enums import Role
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.enterprises import MembershipFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# live-server fixture are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counters, cached pages and statistics
    of an earlier test's data must not leak into the next."""
    from django.core.cache import cache

    from apps.core import pagecache

    cache.clear()
    pagecache.clear_local()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request that switched to English
    leaves it active in the test thread (LocaleMiddleware never deactivates), and messages
    built outside a request would then come out in English for the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def enterprise_user(db):
    return MembershipFactory().user


@pytest.fixture
def other_enterprise_user(db):
    return MembershipFactory().user


@pytest.fixture
def bureau_user(db):
    return UserFactory(role=Role.BUREAU, is_staff=True)


@pytest.fixture
def admin_user(db):
    """The emergency superuser (role `emergency`): may open everything."""
    return UserFactory(role=Role.EMERGENCY, is_staff=True, is_superuser=True)


@pytest.fixture
def system_admin(db):
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def security_admin(db):
    return UserFactory(role=Role.SECURITY_ADMIN, is_staff=True)


@pytest.fixture
def audit_admin(db):
    return UserFactory(role=Role.AUDIT_ADMIN, is_staff=True)


@pytest.fixture
def users_by_role(db, enterprise_user, bureau_user, admin_user):
    """One user per role, for permission matrices."""
    return {
        "anonymous": None,
        "enterprise": enterprise_user,
        "evaluator": UserFactory(role=Role.EVALUATOR),
        "expert": UserFactory(role=Role.EXPERT),
        "bureau": bureau_user,
        "partner": UserFactory(role=Role.PARTNER),
        "administrator": admin_user,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client logged in as `user` (None stays anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
