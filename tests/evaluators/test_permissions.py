"""Every URL of the evaluators and experts apps against every role (expected status
written down), plus an evaluator of another agency and experts drawn / not drawn."""

import pytest

from apps.accounts.enums import Role
from apps.experts.services.reviews import review_draw
from tests.factories.accounts import UserFactory
from tests.factories.evaluators import (
    AgencyFactory,
    ApplicationFactory,
    StandardFactory,
    approved_scheme,
    category_with_indicators,
    evaluator_user,
)
from tests.factories.experts import ExpertFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "enterprise",
    "evaluator",  # an evaluator account not (yet) in any agency
    "evaluator_own",
    "evaluator_other",
    "expert",  # an expert account with no expert record
    "expert_drawn",
    "expert_not_drawn",
    "bureau",
    "partner",
    "administrator",
]
STAFF = {"bureau", "administrator"}


def expect(default, **overrides):
    table = {role: default for role in ROLES}
    table.update(overrides)
    return table


def staff_only(ok=200):
    return expect(403, anonymous=302, bureau=ok, administrator=ok)


def evaluators(own, other, no_agency=403):
    return expect(403, anonymous=302, evaluator=no_agency, evaluator_own=own, evaluator_other=other)


@pytest.fixture
def world(users_by_role, bureau_user):
    category = category_with_indicators()
    agency = AgencyFactory()
    own, other = evaluator_user(agency), evaluator_user()
    ApplicationFactory(agency=agency, key_area__category=category)
    approved = approved_scheme(agency=agency, category=category, code="APPROVED-1")
    draft = approved_scheme(
        agency=agency, category=category, year=2027, status="draft", code="DRAFT-1"
    )
    submitted = approved_scheme(
        agency=agency, category=category, year=2028, status="submitted", code="SUB-1"
    )
    standard = StandardFactory(category=category)
    drawn = ExpertFactory(specialties=[category])
    review = review_draw(
        target=submitted,
        kind="scheme",
        title=str(submitted),
        category=category,
        size=1,
        excluded_usccs=[agency.uscc],
        actor=bureau_user,
    )
    not_drawn = ExpertFactory(specialties=[])
    application = ApplicationFactory(status="pending")
    users = {
        **users_by_role,
        "evaluator_own": own,
        "evaluator_other": other,
        "expert_drawn": drawn.user,
        "expert_not_drawn": not_drawn.user,
    }
    return {
        "users": users,
        "agency": agency,
        "approved": approved,
        "draft": draft,
        "standard": standard,
        "review": review,
        "expert": drawn,
        "application": application,
    }


MATRIX = [
    ("get", "/staff/agencies/", staff_only()),
    ("get", "/staff/agencies/{agency}/", staff_only()),
    ("get", "/staff/agency-applications/", staff_only()),
    ("post", "/staff/agency-applications/{application}/decide/", staff_only(302)),
    ("get", "/staff/schemes/", staff_only()),
    ("get", "/staff/schemes/{approved}/", staff_only()),
    ("post", "/staff/schemes/{approved}/action/", staff_only(302)),
    ("get", "/staff/experts/", staff_only()),
    ("get", "/staff/experts/{expert}/", staff_only()),
    ("get", "/staff/reviews/", staff_only()),
    ("get", "/staff/reviews/{review}/", staff_only()),
    ("get", "/workspace/evaluator/", evaluators(200, 200)),
    ("get", "/workspace/evaluator/applications/new/", evaluators(200, 200)),
    ("get", "/workspace/evaluator/conflicts/", evaluators(200, 200, no_agency=200)),
    ("get", "/workspace/evaluator/schemes/new/", evaluators(200, 200)),
    ("get", "/workspace/evaluator/schemes/{draft}/", evaluators(200, 404, no_agency=404)),
    ("get", "/workspace/evaluator/schemes/{approved}/", evaluators(200, 404, no_agency=404)),
    ("post", "/workspace/evaluator/schemes/{draft}/action/", evaluators(302, 404, no_agency=404)),
    (
        "get",
        "/workspace/evaluator/schemes/{approved}/scoring/",
        evaluators(200, 404, no_agency=404),
    ),
    (
        "get",
        "/workspace/evaluator/schemes/{draft}/scoring/",
        evaluators(404, 404, no_agency=404),
    ),
    (
        "get",
        "/workspace/evaluator/schemes/{approved}/scoring/{standard}/",
        evaluators(200, 404, no_agency=404),
    ),
    (
        "get",
        "/workspace/expert/",
        expect(403, anonymous=302, expert_drawn=200, expert_not_drawn=200),
    ),
    (
        "get",
        "/workspace/expert/reviews/{review}/",
        expect(403, anonymous=302, expert=404, expert_drawn=200, expert_not_drawn=404),
    ),
    ("get", "/schemes/", expect(200)),
    ("get", "/schemes/APPROVED-1/", expect(200)),
    ("get", "/schemes/DRAFT-1/", expect(404, evaluator_own=200, bureau=200, administrator=200)),
    ("get", "/workspace/enterprise/results/", expect(403, anonymous=302, enterprise=200)),
]


@pytest.mark.parametrize(("method", "pattern", "expected"), MATRIX, ids=[m[1] for m in MATRIX])
def test_role_matrix(world, client_for, method, pattern, expected):
    url = pattern.format(
        agency=world["agency"].pk,
        application=world["application"].pk,
        approved=world["approved"].pk,
        draft=world["draft"].pk,
        standard=world["standard"].pk,
        review=world["review"].pk,
        expert=world["expert"].pk,
    )
    actual = {}
    for role in ROLES:
        client = client_for(world["users"][role])
        response = client.post(url, {"action": ""}) if method == "post" else client.get(url)
        actual[role] = response.status_code
    assert actual == expected


def test_anonymous_is_sent_to_login(client):
    response = client.get("/workspace/evaluator/")
    assert response["Location"].startswith("/accounts/login/")


def test_inactive_evaluator_is_refused(client):
    user = UserFactory(role=Role.EVALUATOR, is_active=False)
    client.force_login(user)
    assert client.get("/workspace/evaluator/").status_code in (302, 403)
