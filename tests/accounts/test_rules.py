"""Role permissions as a matrix: every role against every staff/enterprise page of this layer."""

import pytest

from tests.factories.enterprises import MembershipFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "enterprise", "evaluator", "expert", "bureau", "partner", "administrator"]

# url -> the roles that get a page (200); everyone else: anonymous is sent to login (302),
# a logged-in user without the permission gets 403.
MATRIX = {
    "/": set(ROLES),
    "/healthz": set(ROLES),
    "/accounts/register/": set(ROLES),
    "/workspace/enterprise/": {"enterprise"},
    "/staff/registrations/": {"bureau", "administrator"},
    "/admin/": {"bureau", "administrator"},
}


@pytest.mark.parametrize("url", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_page_access_matrix(client_for, users_by_role, role, url):
    response = client_for(users_by_role[role]).get(url)
    if role in MATRIX[url]:
        assert response.status_code == 200, (role, url)
    elif role == "anonymous" or url == "/admin/":
        assert response.status_code == 302, (role, url)
    else:
        assert response.status_code == 403, (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_activate_user_permission_by_role(users_by_role, role):
    user = users_by_role[role]
    allowed = user is not None and user.has_perm("accounts.activate_user")
    assert allowed == (role in {"bureau", "administrator"})


def test_enterprise_user_may_change_only_own_enterprise(enterprise_user):
    own = enterprise_user.membership.enterprise
    other = MembershipFactory().enterprise
    assert enterprise_user.has_perm("enterprises.change_enterprise", own)
    assert not enterprise_user.has_perm("enterprises.change_enterprise", other)


def test_pending_member_may_not_change_the_enterprise():
    membership = MembershipFactory(status="pending")
    assert not membership.user.has_perm("enterprises.change_enterprise", membership.enterprise)
