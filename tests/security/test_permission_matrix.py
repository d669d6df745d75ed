"""The permission matrix: every URL pattern of the project, requested as every role, against
one world holding every object state a permission turns on (tests/factories/world.py).

How to read TABLE: one row per (method, URL route, target object); the thirteen columns are
the roles (world.ROLES):

    anon    nobody signed in             ent_a / ent_b   users of enterprises A and B
    eval_a  evaluator of agency 1, which runs the schemes (conflicted with enterprise B)
    eval_b  evaluator of agency 2        expert          drawn for every review
    expert_x  an expert never drawn      bureau          bureau staff
    partner   a user of provider X       admin           the emergency superuser
    sysadm / secadm / audadm   the system, security and audit administrators (三员分立): the
              last three columns are the test per administrator role over every URL

Outcomes: the status code (200, 302 for a redirect elsewhere, 401, 403, 404, 405),
LOGIN (a redirect to a login page), and SKIP for a POST the role may make (posting it would
change the world; the per-app tests post those). Every POST row is posted by each role whose
outcome is not SKIP, and the world's state must not change (audit log, statuses, counts).

The admin's model pages (list, add, change, history, delete) are in ADMIN: per model, what
bureau staff, the emergency superuser and the three administrators may open there.

Adding a URL: add its route here (the route string exactly as `test_every_url_pattern_is_listed`
prints it), with a target from TARGETS for each object state that matters (add a target, and
the object to tests/factories/world.py, when a new state matters).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories.world import ROLES, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

LOGIN = "login"
SKIP = "skip"

# Each target gives the URL's keyword arguments from the world's objects.
TARGETS = {
    None: lambda o: {},
    "api format": lambda o: {"format": ".json"},
    "json": lambda o: {"format": "json"},
    "bad reset link": lambda o: {"uidb64": "MQ", "token": "set-password"},
    "enterprise A": lambda o: {"uscc": o["enterprise_a"].uscc},
    "enterprise A json": lambda o: {"uscc": o["enterprise_a"].uscc, "format": "json"},
    "pending registration": lambda o: {"pk": o["pending_membership"].pk},
    "expert": lambda o: {"pk": o["expert"].pk},
    "list review": lambda o: {"pk": o["list_review"].pk},
    "scheme review": lambda o: {"pk": o["scheme_review"].pk},
    "objection review": lambda o: {"pk": o["objection_review"].pk},
    "A public": lambda o: {"pk": o["standard_a"].pk},
    "A public json": lambda o: {"pk": o["standard_a"].pk, "format": "json"},
    "A draft": lambda o: {"pk": o["draft_a"].pk},
    "A draft json": lambda o: {"pk": o["draft_a"].pk, "format": "json"},
    "B draft": lambda o: {"pk": o["draft_b"].pk},
    "B abolished": lambda o: {"pk": o["abolished_b"].pk},
    "A public v1": lambda o: {"pk": o["standard_a"].pk, "number": 1},
    "A draft v1": lambda o: {"pk": o["draft_a"].pk, "number": 1},
    "B draft v1": lambda o: {"pk": o["draft_b"].pk, "number": 1},
    "agency 1": lambda o: {"pk": o["agency_1"].pk},
    "pending agency application": lambda o: {"pk": o["pending_application"].pk},
    "scheme approved": lambda o: {"pk": o["scheme_approved"].pk},
    "scheme draft": lambda o: {"pk": o["scheme_draft"].pk},
    "scheme in review": lambda o: {"pk": o["scheme_in_review"].pk},
    "scheme of agency 2": lambda o: {"pk": o["scheme_other"].pk},
    "scheme approved, A": lambda o: {
        "pk": o["scheme_approved"].pk,
        "standard_pk": o["standard_a"].pk,
    },
    "scheme approved, B (conflict)": lambda o: {
        "pk": o["scheme_approved"].pk,
        "standard_pk": o["standard_b"].pk,
    },
    "scheme approved, score upload": lambda o: {
        "pk": o["scheme_approved"].pk,
        "run_id": o["score_upload"].pk,
    },
    "scheme of agency 2, score upload": lambda o: {
        "pk": o["scheme_other"].pk,
        "run_id": o["score_upload"].pk,
    },
    "code approved": lambda o: {"code": o["scheme_approved"].scheme_code},
    "code draft": lambda o: {"code": o["scheme_draft"].scheme_code},
    "code in review": lambda o: {"code": o["scheme_in_review"].scheme_code},
    "code of agency 2": lambda o: {"code": o["scheme_other"].scheme_code},
    "leader A": lambda o: {"code": o["leader_a"].verification_code},
    "leader A api": lambda o: {"verification_code": o["leader_a"].verification_code},
    "leader A json": lambda o: {
        "verification_code": o["leader_a"].verification_code,
        "format": "json",
    },
    "ranking compiled": lambda o: {"scheme_code": o["scheme_approved"].scheme_code},
    "ranking compiled json": lambda o: {
        "scheme_code": o["scheme_approved"].scheme_code,
        "format": "json",
    },
    "ranking not compiled": lambda o: {"scheme_code": o["scheme_unranked"].scheme_code},
    "ranking not compiled json": lambda o: {
        "scheme_code": o["scheme_unranked"].scheme_code,
        "format": "json",
    },
    "list in review": lambda o: {"pk": o["list_in_review"].pk},
    "list in notice": lambda o: {"pk": o["list_in_notice"].pk},
    "list published": lambda o: {"pk": o["list_published"].pk},
    "objection": lambda o: {"pk": o["objection"].pk},
    "objection without file": lambda o: {"pk": o["objection_plain"].pk},
    "plan draft": lambda o: {"year": o["plan_draft"].year},
    "plan approved": lambda o: {"year": o["plan_approved"].year},
    "item of draft plan": lambda o: {"pk": o["item_draft"].pk},
    "item of approved plan": lambda o: {"pk": o["item_approved"].pk},
    "application to X": lambda o: {"pk": o["application_x"].pk},
    "application to Y": lambda o: {"pk": o["application_y"].pk},
    "document to X": lambda o: {"pk": o["document_x"].pk},
    "document to Y": lambda o: {"pk": o["document_y"].pk},
    "programme X": lambda o: {"code": o["programme_x"].code},
    "programme hidden": lambda o: {"code": o["programme_hidden"].code},
    "partner's token": lambda o: {"pk": o["token"].pk},
    "article": lambda o: {"pk": o["article"].pk},
    "article not yet out": lambda o: {"pk": o["article_future"].pk},
    "statistics section": lambda o: {"section": "rankings"},
    "unknown statistics": lambda o: {"section": "nothing"},
    "import run": lambda o: {"run_id": o["import_run"].pk},
    "import template": lambda o: {"kind": "categories", "file_format": "csv"},
    "import kind": lambda o: {"kind": "categories"},
    "totp device": lambda o: {"pk": o["totp_device"].pk},
    "scheme on site": lambda o: {
        "content_type_id": _content_type_id(o["scheme_approved"]),
        "object_id": o["scheme_approved"].pk,
    },
    "admin app": lambda o: {"app_label": "leaders"},
    "pilot tag": lambda o: {"pk": o["pilot_tag"].pk},
    "list review seat": lambda o: {
        "pk": o["list_review"].pk,
        "member_pk": o["list_review"].members.order_by("position").first().pk,
    },
    "enterprise A's user": lambda o: {"id": o["enterprise_a"].memberships.first().user_id},
    "enterprise A's account": lambda o: {
        "object_id": o["enterprise_a"].memberships.first().user_id
    },
    "a user": lambda o: {"pk": o["enterprise_a"].memberships.first().user_id},
    "unknown admin page": lambda o: {"url": "nothing/"},
}

# fmt: off
TABLE = [
    #    anon   ent_a  ent_b  eval_a eval_b expert exp_x  bureau partnr admin  sysadm secadm audadm
    ("GET", "", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "healthz", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "i18n/setlang/", None,
        (302,   302,   302,   302,   302,   302,   302,   302,   302,   302,   302,   302,   302)),

    ("GET", "admin/login/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   302,   403,   302,   302,   302,   302)),

    ("GET", "admin/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   200,   200)),

    ("GET", "admin/logout/", None,
        (302,   302,   302,   302,   302,   302,   302,   405,   302,   405,   405,   405,   405)),

    ("GET", "admin/password_change/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   200,   200)),

    ("GET", "admin/password_change/done/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   200,   200)),

    ("GET", "admin/accounts/user/<id>/password/", "enterprise A's user",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   LOGIN, 200,   200,   403,   403)),

    # A person's data exported or deleted on request: the security administrator (and the
    # emergency superuser); a POST without a valid form changes nothing.
    ("GET", "admin/accounts/user/<path:object_id>/personal-data/", "enterprise A's account",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   LOGIN, 200,   403,   200,   403)),

    ("POST", "admin/accounts/user/<path:object_id>/personal-data/", "enterprise A's account",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   LOGIN, 200,   403,   200,   403)),

    ("GET", "admin/autocomplete/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   LOGIN, 403,   403,   403,   403)),

    ("GET", "admin/jsi18n/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   200,   200)),

    ("GET", "admin/otp_totp/totpdevice/<int:pk>/config/", "totp device",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   LOGIN, 403,   403,   403,   403)),

    ("GET", "admin/otp_totp/totpdevice/<int:pk>/qrcode/", "totp device",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   LOGIN, 403,   403,   403,   403)),

    ("GET", "admin/core/importrun/upload/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/core/importrun/<int:run_id>/review/", "import run",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/core/importrun/<int:run_id>/progress/", "import run",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/core/importrun/<int:run_id>/confirm/", "import run",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 404,   LOGIN, 404,   404,   403,   403)),

    ("GET", "admin/core/importrun/<int:run_id>/errors.csv", "import run",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/core/importrun/template/<str:kind>.<str:file_format>", "import template",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/core/importrun/export/<str:kind>/", "import kind",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/catalog/category/process_import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 405,   LOGIN, 405,   405,   405,   405)),

    ("GET", "admin/catalog/category/import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/catalog/keyarea/process_import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 405,   LOGIN, 405,   405,   405,   405)),

    ("GET", "admin/catalog/keyarea/import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/catalog/indicator/process_import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 405,   LOGIN, 405,   405,   405,   405)),

    ("GET", "admin/catalog/indicator/import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/enterprises/enterprise/process_import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 405,   LOGIN, 405,   405,   405,   405)),

    ("GET", "admin/enterprises/enterprise/import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/declarations/synonym/process_import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 405,   LOGIN, 405,   405,   405,   405)),

    ("GET", "admin/declarations/synonym/import/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200,   200,   403,   403)),

    ("GET", "admin/^(?P<app_label>core|accounts|axes|otp_totp|auth|catalog|enterprises|experts|declarations|evaluators|leaders|supervision|incentives|news)/$", "admin app",  # noqa: E501
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 404,   LOGIN, 200,   200,   404,   404)),

    ("GET", "admin/core/auditentry/export/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403,   LOGIN, 200,   403,   403,   200)),

    ("GET", "admin/(?P<url>.*)$", "unknown admin page",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 404,   LOGIN, 404,   404,   404,   404)),

    ("GET", "accounts/login/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/password_reset/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/login/verify/", None,
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),  # noqa: E501

    ("GET", "accounts/two-factor/", None,
        (LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/logout/", None,
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "accounts/logout/", None,
        (302,   SKIP,  SKIP,  SKIP,  SKIP,  SKIP,  SKIP,  SKIP,  SKIP,  SKIP,  SKIP,  SKIP,  SKIP)),

    ("GET", "accounts/password_change/", None,
        (LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/password_change/done/", None,
        (LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/password_reset/done/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/reset/<uidb64>/<token>/", "bad reset link",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/reset/done/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/invitation/<uidb64>/<token>/", "bad reset link",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "staff/invitations/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   200,   403,   403)),

    ("GET", "staff/invitations/<int:pk>/resend/", "a user",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "staff/invitations/<int:pk>/resend/", "a user",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  SKIP,  403,   403)),

    ("GET", "api/v1/partner/leaders/", None,
        (401,   403,   403,   403,   403,   403,   403,   403,   200,   403,   403,   403,   403)),

    ("GET", "api/v1/partner/leaders.csv", None,
        (401,   403,   403,   403,   403,   403,   403,   403,   200,   403,   403,   403,   403)),

    ("GET", "api/v1/^enterprises/(?P<uscc>[0-9A-Za-z]{1,18})/$", "enterprise A",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^enterprises/(?P<uscc>[0-9A-Za-z]{1,18})\\.(?P<format>[a-z0-9]+)/?$", "enterprise A json",  # noqa: E501
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^standards/$", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^standards\\.(?P<format>[a-z0-9]+)/?$", "json",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^standards/(?P<pk>[^/.]+)/$", "A public",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "api/v1/^standards/(?P<pk>[^/.]+)/$", "A draft",
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),

    ("GET", "api/v1/^standards/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$", "A public json",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "api/v1/^standards/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$", "A draft json",
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),

    ("GET", "api/v1/^leaders/$", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^leaders\\.(?P<format>[a-z0-9]+)/?$", "json",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^leaders/(?P<verification_code>[^/.]+)/$", "leader A api",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^leaders/(?P<verification_code>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$", "leader A json",  # noqa: E501
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^rankings/$", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^rankings\\.(?P<format>[a-z0-9]+)/?$", "json",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/^rankings/(?P<scheme_code>[^/]+)/$", "ranking compiled",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "api/v1/^rankings/(?P<scheme_code>[^/]+)/$", "ranking not compiled",
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),

    ("GET", "api/v1/^rankings/(?P<scheme_code>[^/]+)\\.(?P<format>[a-z0-9]+)/?$", "ranking compiled json",  # noqa: E501
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "api/v1/^rankings/(?P<scheme_code>[^/]+)\\.(?P<format>[a-z0-9]+)/?$", "ranking not compiled json",  # noqa: E501
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),

    ("GET", "api/v1/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/v1/<drf_format_suffix:format>", "api format",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/schema/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "api/docs/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "accounts/register/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "enterprises/<str:uscc>/", "enterprise A",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "workspace/enterprise/", None,
        (LOGIN, 200,   200,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/enterprise/", None,
        (LOGIN, SKIP,  SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "staff/registrations/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "staff/enterprise-names/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/enterprise-names/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/registrations/<int:pk>/decide/", "pending registration",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "staff/registrations/<int:pk>/decide/", "pending registration",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/experts/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/experts/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/experts/<int:pk>/", "expert",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/experts/<int:pk>/", "expert",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/reviews/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "staff/reviews/<int:pk>/", "list review",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/reviews/<int:pk>/", "list review",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    # Re-drawing a seat is refused while its deadline runs: staff's POST would change nothing,
    # but it is a write path, so it is left to tests/experts/test_deadlines.py.
    ("GET", "staff/reviews/<int:pk>/seats/<int:member_pk>/redraw/", "list review seat",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "staff/reviews/<int:pk>/seats/<int:member_pk>/redraw/", "list review seat",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "workspace/expert/", None,
        (LOGIN, 403,   403,   403,   403,   200,   200,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/expert/reviews/<int:pk>/", "scheme review",
        (LOGIN, 403,   403,   403,   403,   200,   404,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/expert/reviews/<int:pk>/", "list review",
        (LOGIN, 403,   403,   403,   403,   200,   404,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/expert/reviews/<int:pk>/", "objection review",
        (LOGIN, 403,   403,   403,   403,   200,   404,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/expert/reviews/<int:pk>/", "scheme review",
        (LOGIN, 403,   403,   403,   403,   SKIP,  404,   403,   403,   403,   403,   403,   403)),

    ("GET", "standards/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "standards/<int:pk>/", "A public",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "standards/<int:pk>/", "A draft",
        (404,   200,   404,   404,   404,   404,   404,   200,   404,   200,   404,   404,   404)),
    ("GET", "standards/<int:pk>/", "B draft",
        (404,   404,   200,   404,   404,   404,   404,   200,   404,   200,   404,   404,   404)),
    ("GET", "standards/<int:pk>/", "B abolished",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "standards/<int:pk>/versions/<int:number>/text/", "A public v1",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "standards/<int:pk>/versions/<int:number>/text/", "A draft v1",
        (404,   200,   404,   404,   404,   404,   404,   200,   404,   200,   404,   404,   404)),
    ("GET", "standards/<int:pk>/versions/<int:number>/text/", "B draft v1",
        (404,   404,   200,   404,   404,   404,   404,   200,   404,   200,   404,   404,   404)),

    ("GET", "workspace/standards/", None,
        (LOGIN, 200,   200,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/standards/new/", None,
        (LOGIN, 200,   200,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/standards/new/", None,
        (LOGIN, SKIP,  SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/standards/<int:pk>/", "A draft",
        (LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/standards/<int:pk>/", "B draft",
        (LOGIN, 403,   200,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/standards/<int:pk>/", "A public",
        (LOGIN, 200,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/standards/<int:pk>/", "B draft",
        (LOGIN, 403,   SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/standards/<int:pk>/values/", "A draft",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "workspace/standards/<int:pk>/values/", "A draft",
        (LOGIN, SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/standards/<int:pk>/publish/", "A draft",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "workspace/standards/<int:pk>/publish/", "A draft",
        (LOGIN, SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/standards/<int:pk>/revise/", "A public",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "workspace/standards/<int:pk>/revise/", "A public",
        (LOGIN, SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/standards/<int:pk>/discard/", "A draft",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "workspace/standards/<int:pk>/discard/", "A draft",
        (LOGIN, SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/standards/<int:pk>/abolish/", "A public",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "workspace/standards/<int:pk>/abolish/", "A public",
        (LOGIN, SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "staff/agencies/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/agencies/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/agencies/<int:pk>/", "agency 1",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/agencies/<int:pk>/", "agency 1",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/agency-applications/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "staff/agency-applications/<int:pk>/decide/", "pending agency application",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "staff/agency-applications/<int:pk>/decide/", "pending agency application",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/schemes/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "staff/schemes/<int:pk>/", "scheme in review",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("GET", "staff/schemes/<int:pk>/", "scheme draft",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "staff/schemes/<int:pk>/action/", "scheme in review",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "staff/schemes/<int:pk>/action/", "scheme in review",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "workspace/evaluator/", None,
        (LOGIN, 403,   403,   200,   200,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/evaluator/applications/new/", None,
        (LOGIN, 403,   403,   200,   200,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/applications/new/", None,
        (LOGIN, 403,   403,   SKIP,  SKIP,  403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/evaluator/conflicts/", None,
        (LOGIN, 403,   403,   200,   200,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/conflicts/", None,
        (LOGIN, 403,   403,   SKIP,  SKIP,  403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/evaluator/schemes/new/", None,
        (LOGIN, 403,   403,   200,   200,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/schemes/new/", None,
        (LOGIN, 403,   403,   SKIP,  SKIP,  403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/evaluator/schemes/<int:pk>/", "scheme draft",
        (LOGIN, 403,   403,   200,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/", "scheme of agency 2",
        (LOGIN, 403,   403,   404,   200,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/", "scheme approved",
        (LOGIN, 403,   403,   200,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/", "scheme draft",
        (LOGIN, 403,   403,   SKIP,  404,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/evaluator/schemes/<int:pk>/action/", "scheme draft",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/action/", "scheme draft",
        (LOGIN, 403,   403,   SKIP,  404,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/evaluator/schemes/<int:pk>/scoring/", "scheme approved",
        (LOGIN, 403,   403,   200,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scoring/", "scheme of agency 2",
        (LOGIN, 403,   403,   404,   200,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scoring/", "scheme draft",
        (LOGIN, 403,   403,   404,   404,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/evaluator/schemes/<int:pk>/scoring/<int:standard_pk>/", "scheme approved, A",
        (LOGIN, 403,   403,   200,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scoring/<int:standard_pk>/", "scheme approved, B (conflict)",  # noqa: E501
        (LOGIN, 403,   403,   404,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/scoring/<int:standard_pk>/", "scheme approved, B (conflict)",  # noqa: E501
        (LOGIN, 403,   403,   404,   404,   403,   403,   403,   403,   403,   403,   403,   403)),

    # The evaluators' score upload (apps/evaluators/score_upload_views.py): as the scoring
    # page, only an evaluator of the scheme's agency; a run only by the evaluator who made it.
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/upload/", "scheme approved",
        (LOGIN, 403,   403,   200,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/upload/", "scheme draft",
        (LOGIN, 403,   403,   404,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/upload/", "scheme of agency 2",
        (LOGIN, 403,   403,   404,   200,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/scores/upload/", "scheme approved",
        (LOGIN, 403,   403,   SKIP,  404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/scores/upload/", "scheme of agency 2",
        (LOGIN, 403,   403,   404,   SKIP,  403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/template.csv", "scheme approved",
        (LOGIN, 403,   403,   200,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/template.csv", "scheme draft",
        (LOGIN, 403,   403,   404,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/", "scheme approved, score upload",  # noqa: E501
        (LOGIN, 403,   403,   200,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/", "scheme of agency 2, score upload",  # noqa: E501
        (LOGIN, 403,   403,   404,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/confirm/", "scheme approved, score upload",  # noqa: E501
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/confirm/", "scheme approved, score upload",  # noqa: E501
        (LOGIN, 403,   403,   SKIP,  404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/confirm/", "scheme of agency 2, score upload",  # noqa: E501
        (LOGIN, 403,   403,   404,   404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("GET", "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/cancel/", "scheme approved, score upload",  # noqa: E501
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/cancel/", "scheme approved, score upload",  # noqa: E501
        (LOGIN, 403,   403,   SKIP,  404,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/cancel/", "scheme of agency 2, score upload",  # noqa: E501
        (LOGIN, 403,   403,   404,   404,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "schemes/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "schemes/<str:code>/", "code approved",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "schemes/<str:code>/", "code draft",
        (404,   404,   404,   200,   404,   404,   404,   200,   404,   200,   404,   404,   404)),
    ("GET", "schemes/<str:code>/", "code in review",
        (404,   404,   404,   200,   404,   404,   404,   200,   404,   200,   404,   404,   404)),
    ("GET", "schemes/<str:code>/", "code of agency 2",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "workspace/enterprise/results/", None,
        (LOGIN, 200,   200,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "leaders/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "leaders/<str:code>/certificate.pdf", "leader A",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "leaders/<str:code>/", "leader A",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "rankings/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "rankings/<str:scheme_code>/", "ranking compiled",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "rankings/<str:scheme_code>/", "ranking not compiled",
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),

    ("GET", "notices/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "notices/<int:pk>/", "list in notice",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "notices/<int:pk>/", "list in review",
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),
    ("GET", "notices/<int:pk>/", "list published",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "staff/rankings/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/rankings/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/candidate-lists/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/candidate-lists/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/candidate-lists/<int:pk>/", "list in notice",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("GET", "staff/candidate-lists/<int:pk>/", "list in review",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "staff/candidate-lists/<int:pk>/action/", "list in notice",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "staff/candidate-lists/<int:pk>/action/", "list in notice",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "staff/leaders/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    # A POST without the confirmation only renders the confirmation step: nothing changes.
    ("GET", "staff/leaders/<str:code>/", "leader A",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/leaders/<str:code>/", "leader A",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "staff/objections/<int:pk>/", "objection",
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("POST", "staff/objections/<int:pk>/", "objection",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "objections/<int:pk>/attachment/", "objection",
        (LOGIN, 403,   403,   403,   403,   200,   403,   200,   403,   200,   403,   403,   403)),
    ("GET", "objections/<int:pk>/attachment/", "objection without file",
        (LOGIN, 403,   403,   403,   403,   403,   403,   404,   403,   404,   403,   403,   403)),

    ("GET", "notifications/", None,
        (LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "workspace/notifications/", None,
        (LOGIN, 200,   200,   403,   403,   403,   403,   403,   403,   200,   403,   403,   403)),

    ("GET", "spotchecks/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "spotchecks/generate/", None,
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "spotchecks/generate/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),
    ("POST", "spotchecks/generate/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "spotchecks/<int:year>/", "plan draft",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "spotchecks/<int:year>/", "plan approved",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "spotchecks/<int:year>/approve/", "plan draft",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "spotchecks/<int:year>/approve/", "plan draft",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "spotchecks/<int:year>/export.csv", "plan draft",
        (404,   404,   404,   404,   404,   404,   404,   200,   404,   200,   404,   404,   404)),
    ("GET", "spotchecks/<int:year>/export.csv", "plan approved",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "spotchecks/items/<int:pk>/result/", "item of approved plan",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "spotchecks/items/<int:pk>/result/", "item of approved plan",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "incentives/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "incentives/pilots/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "incentives/applications/<int:pk>/", "application to X",
        (LOGIN, 200,   403,   403,   403,   403,   403,   200,   200,   200,   403,   403,   403)),
    ("GET", "incentives/applications/<int:pk>/", "application to Y",
        (LOGIN, 200,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "incentives/applications/<int:pk>/decide/", "application to X",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("GET", "incentives/applications/<int:pk>/decide/", "application to Y",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "incentives/applications/<int:pk>/decide/", "application to X",
        (LOGIN, 403,   403,   403,   403,   403,   403,   403,   SKIP,  403,   403,   403,   403)),
    ("POST", "incentives/applications/<int:pk>/decide/", "application to Y",
        (LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "incentives/applications/<int:pk>/withdraw/", "application to X",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "incentives/applications/<int:pk>/withdraw/", "application to X",
        (LOGIN, SKIP,  403,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "incentives/documents/<int:pk>/", "document to X",
        (LOGIN, 200,   403,   403,   403,   403,   403,   200,   200,   200,   403,   403,   403)),
    ("GET", "incentives/documents/<int:pk>/", "document to Y",
        (LOGIN, 200,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "incentives/<slug:code>/", "programme X",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "incentives/<slug:code>/", "programme hidden",
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),

    ("GET", "incentives/<slug:code>/apply/", "programme X",
        (LOGIN, 200,   302,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),
    ("POST", "incentives/<slug:code>/apply/", "programme X",
        (LOGIN, SKIP,  302,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "workspace/incentives/", None,
        (LOGIN, 200,   200,   403,   403,   403,   403,   403,   403,   403,   403,   403,   403)),

    ("GET", "staff/incentives/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),

    ("GET", "staff/pilots/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,   403,   403,   403)),
    ("GET", "staff/pilots/tag/", None,
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "staff/pilots/tag/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),
    ("GET", "staff/pilots/<int:pk>/remove/", "pilot tag",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "staff/pilots/<int:pk>/remove/", "pilot tag",
        (LOGIN, 403,   403,   403,   403,   403,   403,   SKIP,  403,   SKIP,  403,   403,   403)),

    ("GET", "partner/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   403,   200,   403,   403,   403,   403)),

    ("GET", "partner/tokens/", None,
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "partner/tokens/", None,
        (LOGIN, 403,   403,   403,   403,   403,   403,   403,   SKIP,  403,   403,   403,   403)),

    ("GET", "partner/tokens/<int:pk>/revoke/", "partner's token",
        (405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405,   405)),
    ("POST", "partner/tokens/<int:pk>/revoke/", "partner's token",
        (LOGIN, 403,   403,   403,   403,   403,   403,   403,   SKIP,  404,   403,   403,   403)),

    ("GET", "news/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "news/feed/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "news/atom/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "news/<int:pk>/", "article",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "news/<int:pk>/", "article not yet out",
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),

    ("GET", "statistics/", None,
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),

    ("GET", "statistics/<slug:section>.csv", "statistics section",
        (200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200,   200)),
    ("GET", "statistics/<slug:section>.csv", "unknown statistics",
        (404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404,   404)),

    ("GET", "admin/r/<path:content_type_id>/<path:object_id>/", "scheme on site",
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 302,   LOGIN, 302,   302,   302,   302)),
]
# fmt: on

# The admin's model pages: what bureau staff and the administrator may open there.
# v = the list, an object's page and its history; a = the add page; d = the delete page.
# Everyone else is sent to log in; a model's bare object URL redirects staff to its page.
# fmt: off
ADMIN = {
    # model                               bureau admin  sysadm secadm audadm
    "auth.group":                         ("",    "vad", "",    "vad", ""),  # policies: secadm
    "axes.accessattempt":                 ("",    "vd",  "",    "vd",  ""),  # lifting a lockout
    "axes.accesslog":                     ("",    "vd",  "",    "v",   ""),
    "axes.accessfailurelog":              ("",    "vd",  "",    "v",   ""),
    "otp_totp.totpdevice":                ("",    "vad", "",    "vd",  ""),  # deleting a lost phone
    "core.auditentry":                    ("",    "v",   "",    "",    "v"),  # append-only
    "core.importrun":                     ("v",   "v",   "v",   "",    ""),
    "accounts.user":                      ("",    "vad", "vad", "v",   ""),  # roles: secadm
    "catalog.category":                   ("",    "vad", "vad", "",    ""),
    "catalog.keyarea":                    ("",    "vad", "vad", "",    ""),
    "catalog.indicator":                  ("",    "vad", "vad", "",    ""),
    "enterprises.enterprise":             ("v",   "vad", "vad", "",    ""),
    "enterprises.enterprisemembership":   ("",    "vad", "vad", "",    ""),
    "enterprises.enterprisenamechange":   ("",    "v",   "v",   "",    ""),  # staff page decides
    "experts.expert":                     ("",    "vad", "vad", "",    ""),
    "experts.expertconflict":             ("",    "vad", "vad", "",    ""),
    "experts.review":                     ("v",   "vd",  "vd",  "",    ""),
    "declarations.standard":              ("v",   "v",   "v",   "",    ""),
    "declarations.standardversion":       ("",    "v",   "v",   "",    ""),
    "declarations.synonym":               ("vad", "vad", "vad", "",    ""),  # search synonyms
    "evaluators.agency":                  ("",    "vad", "vad", "",    ""),
    "evaluators.agencymembership":        ("",    "vad", "vad", "",    ""),
    "evaluators.keyareaapplication":      ("",    "v",   "v",   "",    ""),  # staff decide
    "evaluators.scheme":                  ("v",   "v",   "v",   "",    ""),  # workflow
    "evaluators.schemecomment":           ("",    "vad", "vad", "",    ""),
    "evaluators.evaluatorconflict":       ("",    "vad", "vad", "",    ""),
    "evaluators.assessment":              ("",    "v",   "v",   "",    ""),
    "leaders.leader":                     ("",    "v",   "v",   "",    ""),
    "leaders.notification":               ("",    "v",   "v",   "",    ""),
    "leaders.rankingjob":                 ("",    "v",   "v",   "",    ""),
    "leaders.candidatelist":              ("",    "v",   "v",   "",    ""),
    "leaders.objection":                  ("",    "v",   "v",   "",    ""),
    "supervision.spotcheckplan":          ("",    "vd",  "vd",  "",    ""),
    "incentives.provider":                ("vad", "vad", "vad", "",    ""),
    "incentives.programme":               ("vad", "vad", "vad", "",    ""),
    "incentives.application":             ("v",   "v",   "v",   "",    ""),
    "incentives.creditrecord":            ("v",   "v",   "v",   "",    ""),
    "incentives.partnertoken":            ("v",   "vd",  "vd",  "",    ""),
    "incentives.enterprisepilot":         ("vad", "vad", "vad", "",    ""),
    "news.article":                       ("vad", "vad", "vad", "",    ""),
}
# fmt: on

# ---------------------------------------------------------------------------- machinery


def _content_type_id(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def url_routes() -> list[str]:
    """Every URL pattern of the project as its full route string."""
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                routes.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return routes


def path_of(route: str, kwargs: dict) -> str:
    """The URL of `route` with its parameters filled in (path converters and regex groups)."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "")
    return "/" + path


def outcome(response):
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if "/login/" in location else 302
    return response.status_code


ADMIN_VIEWS = {  # suffix of a model's routes -> the letter needed (None: a redirect for staff)
    "": "v",
    "add/": "a",
    "<path:object_id>/history/": "v",
    "<path:object_id>/delete/": "d",
    "<path:object_id>/change/": "v",
    "<path:object_id>/": None,
}


def admin_rows():
    """The admin's model pages, expanded from ADMIN."""
    rows = []
    for model, (bureau_may, *admins_may) in ADMIN.items():
        app_label, model_name = model.split(".")
        for suffix, letter in ADMIN_VIEWS.items():
            route = f"admin/{app_label}/{model_name}/{suffix}"
            if letter is None:
                bureau, admins = 302, (302,) * 4
            else:
                bureau = 200 if letter in bureau_may else 403
                admins = tuple(200 if letter in may else 403 for may in admins_may)
            expected = (LOGIN,) * 7 + (bureau, LOGIN, *admins)
            rows.append(("GET", route, f"admin {model}", expected))
    return rows


def admin_target(objects, model):
    from django.apps import apps

    model_class = apps.get_model(model)
    obj = model_class.objects.order_by("pk").first()
    return {"object_id": obj.pk if obj else 0}


# ---------------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the module, built once in a transaction that is rolled back at the end;
    each test runs in a savepoint inside it."""
    media = tmp_path_factory.mktemp("matrix-media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# What a forbidden POST must leave as it was: these columns of every row of these models.
WATCHED = {
    "core.AuditEntry": ["id"],
    "declarations.Standard": ["status", "name"],
    "declarations.StandardVersion": ["status", "name"],
    "declarations.IndicatorValue": ["value"],
    "enterprises.Enterprise": ["name"],
    "enterprises.EnterpriseMembership": ["status"],
    "evaluators.Agency": ["name"],
    "evaluators.KeyAreaApplication": ["status"],
    "evaluators.Scheme": ["status"],
    "evaluators.Assessment": ["score", "decision"],
    "evaluators.EvaluatorConflict": ["id"],
    "experts.Expert": ["status"],
    "experts.ReviewMember": ["decision"],
    "leaders.CandidateList": ["status"],
    "leaders.Objection": ["status"],
    "leaders.Leader": ["status"],
    "leaders.RankingJob": ["status"],
    "incentives.Application": ["status"],
    "incentives.PartnerToken": ["revoked_at"],
    "supervision.SpotCheckPlan": ["status"],
    "supervision.SpotCheckItem": ["result"],
}


# Security events a refused request writes on purpose (a 403, the emergency superuser's
# request: apps.accounts.audit_events) are not changes of the world.
WATCHED_WHERE = {
    "core.AuditEntry": "action NOT LIKE 'security.%' AND action NOT LIKE 'emergency.%'",
}


def fingerprint():
    """One digest per watched model, in one query."""
    from django.apps import apps
    from django.db import connection

    parts = []
    for label, fields in WATCHED.items():
        model = apps.get_model(label)
        columns = ", ".join(
            f"{model._meta.get_field(name).column}::text" for name in ["id", *fields]
        )
        parts.append(
            f"(SELECT md5(coalesce(string_agg(concat_ws(':', {columns}), ',' ORDER BY id), ''))"
            f" FROM {model._meta.db_table}"
            + (f" WHERE {WATCHED_WHERE[label]})" if label in WATCHED_WHERE else ")")
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return dict(zip(WATCHED, cursor.fetchone(), strict=True))


POST_DATA = {
    "action": "approve",
    "approve": "on",
    "decision": "approved",
    "reason": "matrix",
    "year": "2032",
    "seed": "1",
    "rate": "0.5",
    "passed": "on",
    "result": "passed",
    "name": "matrix",
    "size": "3",
}


def _kwargs(world, route, target):
    if target and target.startswith("admin ") and target != "admin app":
        return admin_target(world.objects, target.removeprefix("admin "))
    return TARGETS[target](world.objects)


def run_row(client, world, method, route, target, expected=None, role=None):
    path = path_of(route, _kwargs(world, route, target))
    if "logout" in route:  # signing out would end the shared client's session
        client = _client_for(world, role)
    if method == "GET":
        return outcome(client.get(path))
    before = fingerprint()
    result = outcome(client.post(path, POST_DATA))
    if expected is not None and expected != SKIP:
        after = fingerprint()
        changed = [label for label in WATCHED if after[label] != before[label]]
        assert not changed, f"POST {path} changed {changed}"
    return result


def _client_for(world, role):
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, settings):
    settings.RATELIMIT_ENABLED = False
    column = ROLES.index(role)
    client = _client_for(world, role)
    wrong = []
    for method, route, target, expected in TABLE + admin_rows():
        want = expected[column]
        if method == "POST" and want == SKIP:
            continue
        got = run_row(client, world, method, route, target, expected=want, role=role)
        if got != want:
            wrong.append(f"{method} {route} [{target}] as {role}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_every_url_pattern_is_listed():
    listed = {route for _method, route, _target, _expected in TABLE}
    listed |= {
        f"admin/{model.replace('.', '/')}/{suffix}" for model in ADMIN for suffix in ADMIN_VIEWS
    }
    missing = [route for route in url_routes() if route not in listed]
    assert not missing, "URL patterns missing from the permission matrix:\n" + "\n".join(missing)


@pytest.mark.skipif(not os.environ.get("MATRIX_DUMP"), reason="MATRIX_DUMP=rows-file to draft")
def test_dump_actual_outcomes(world, settings):
    """A tool for writing the table: prints the outcomes of the (method, route, target) rows in
    the file named by MATRIX_DUMP (one `METHOD<TAB>route<TAB>target` a line)."""
    settings.RATELIMIT_ENABLED = False
    lines = Path(os.environ["MATRIX_DUMP"]).read_text().splitlines()
    rows = [line.split("\t") for line in lines]
    clients = {role: _client_for(world, role) for role in ROLES}
    for method, route, target in rows:
        target = None if target == "-" else target
        sid = transaction.savepoint()
        got = []
        for role in ROLES:
            got.append(run_row(clients[role], world, method, route, target, role=role))
            transaction.savepoint_rollback(sid)
            sid = transaction.savepoint()
        print(f"    ({method!r}, {route!r}, {target!r}, ({', '.join(map(repr, got))})),")


def _page(world, role, route, target=None):
    client = _client_for(world, role)
    response = client.get(path_of(route, TARGETS[target](world.objects)))
    assert response.status_code == 200, f"{route} as {role}: {response.status_code}"
    return response.content.decode()


def test_object_level_content(world, settings):
    """What a page that a role may open shows: only that role's objects."""
    settings.RATELIMIT_ENABLED = False
    o = world.objects
    a_numbers = set(o["enterprise_a"].standards.values_list("standard_no", flat=True))
    b_numbers = set(o["enterprise_b"].standards.values_list("standard_no", flat=True))

    # Enterprise A sees its own results, never B's scores (B's unranked scheme included).
    results = _page(world, "ent_a", "workspace/enterprise/results/")
    assert o["standard_a"].standard_no in results
    assert not [number for number in b_numbers if number in results]

    # The evaluator of the agency never sees the enterprise it is conflicted with.
    scoring = _page(
        world, "eval_a", "workspace/evaluator/schemes/<int:pk>/scoring/", "scheme approved"
    )
    assert o["standard_a"].standard_no in scoring
    assert not [number for number in b_numbers if number in scoring]

    # Experts: the drawn expert sees the reviews, the other none.
    drawn = _page(world, "expert", "workspace/expert/")
    other = _page(world, "expert_x", "workspace/expert/")
    for review in (o["scheme_review"], o["list_review"], o["objection_review"]):
        assert review.title in drawn
        assert review.title not in other

    # The partner's desk lists the applications addressed to its provider only.
    desk = _page(world, "partner", "partner/")
    assert o["programme_x"].name in desk
    assert o["programme_y"].name not in desk

    # Objectors' names, contacts and grounds are never on the public notice.
    for role in ("anon", "ent_a", "ent_b"):
        notice = _page(world, role, "notices/<int:pk>/", "list in notice")
        for secret in ("13800000000", "张三", "该企业标准的能效指标与实测不符"):
            assert secret not in notice, f"{secret} on the notice for {role}"

    # B's draft is in no list that A or the public can read.
    for role in ("anon", "ent_a"):
        search = _page(world, role, "standards/")
        assert o["draft_b"].standard_no not in search
    assert o["draft_a"].standard_no in _page(world, "ent_a", "workspace/standards/")
    assert o["draft_a"].standard_no not in _page(world, "ent_b", "workspace/standards/")
    assert a_numbers


def _opens(role: str) -> set[str]:
    """The admin and staff routes `role` may open (200 or may post), from the table the
    matrix test proves."""
    column = ROLES.index(role)
    return {
        f"{method} {route} [{target}]"
        for method, route, target, expected in TABLE + admin_rows()
        if expected[column] in (200, SKIP) and route.startswith(("admin/", "staff/"))
    }


def test_the_three_administrators_are_separate():
    """三员分立 (docs/security.md "Three administrators"), read off the proven table: no admin
    or staff page that one administrator opens is opened by another, except the admin
    site's own pages (index, password change, its script catalogue, redirects)."""
    common = {
        "GET admin/ [None]",
        "GET admin/r/<path:content_type_id>/<path:object_id>/ [scheme on site]",
        "GET admin/password_change/ [None]",
        "GET admin/password_change/done/ [None]",
        "GET admin/jsi18n/ [None]",
    }
    sysadm, secadm, audadm = (_opens(role) - common for role in ("sysadm", "secadm", "audadm"))
    assert not sysadm & audadm
    assert not secadm & audadm
    # The user list and an account's page: the system administrator edits accounts, the
    # security administrator their roles; nothing else is shared.
    assert {entry.split(" [")[0] for entry in sysadm & secadm} <= {
        f"GET admin/accounts/user/{suffix}"
        for suffix in ("", "<path:object_id>/change/", "<path:object_id>/history/")
    }
    # The audit administrator: the audit log and its export, nothing else.
    assert {entry.split(" ")[1] for entry in audadm} == {
        "admin/core/auditentry/",
        "admin/core/auditentry/<path:object_id>/change/",
        "admin/core/auditentry/<path:object_id>/history/",
        "admin/core/auditentry/export/",
    }
    # Only the security administrator (and the emergency superuser) lifts a lockout.
    assert "GET admin/axes/accessattempt/<path:object_id>/delete/ [admin axes.accessattempt]" in (
        secadm
    )
    assert not any(
        "admin/axes/" in entry or "admin/otp_totp/" in entry for entry in sysadm | audadm
    )
    # None of the three runs the bureau's business pages.
    assert not any(" staff/" in entry for entry in secadm | audadm)
    assert {entry for entry in sysadm if " staff/" in entry} <= {
        "GET staff/invitations/ [None]",
        "POST staff/invitations/<int:pk>/resend/ [a user]",
    }
