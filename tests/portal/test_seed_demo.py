import csv

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.catalog.models import Category, Indicator, KeyArea
from apps.core.uscc import is_beijing, uscc_problem
from apps.enterprises.models import Enterprise
from apps.portal.management.commands.seed_demo import DEMO_DIR

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_catalogue_enterprises_and_accounts():
    call_command("seed_demo", enterprises=5)
    assert Category.objects.count() == 19
    assert Indicator.objects.count() == 58
    assert KeyArea.objects.count() == 19
    assert Enterprise.objects.count() == 5
    assert all(
        uscc_problem(e.uscc) is None and is_beijing(e.uscc) for e in Enterprise.objects.all()
    )
    User = get_user_model()
    assert set(User.objects.values_list("role", flat=True)) == {
        "administrator",
        "security_admin",
        "audit_admin",
        "bureau",
        "enterprise",
        "evaluator",
        "expert",
        "partner",
    }
    assert User.objects.get(email="enterprise@demo.leaders.cn").check_password("Demo-Leader-2026")
    # The three administrators (三员分立), none of them a superuser.
    assert not User.objects.filter(is_superuser=True).exists()
    assert dict(
        User.objects.filter(
            role__in=["administrator", "security_admin", "audit_admin"]
        ).values_list("email", "role")
    ) == {
        "admin@demo.leaders.cn": "administrator",
        "security@demo.leaders.cn": "security_admin",
        "audit@demo.leaders.cn": "audit_admin",
    }


def test_every_demo_account_and_every_demo_expert_signs_in(client):
    from apps.experts.models import Expert

    call_command("seed_demo", enterprises=5)
    experts = Expert.objects.select_related("user")
    assert experts.count() == 7
    assert all(expert.user is not None for expert in experts)
    assert {expert.user.email for expert in experts} == {expert.email for expert in experts}
    users = get_user_model().objects.all()
    assert users.count() == 17
    for user in users:
        response = client.post(
            "/accounts/login/", {"username": user.email, "password": "Demo-Leader-2026"}
        )
        assert response.status_code == 302, user.email
        client.logout()


def test_seed_demo_once_adds_the_accounts_an_older_load_lacked():
    from apps.experts.models import Expert

    call_command("seed_demo", enterprises=5)
    # A database loaded before the experts had accounts.
    User = get_user_model()
    User.objects.filter(email="liu.expert@demo.leaders.cn").delete()
    chen = User.objects.get(email="chen.expert@demo.leaders.cn")
    chen.set_unusable_password()
    chen.save()
    assert Expert.objects.get(email="liu.expert@demo.leaders.cn").user is None
    call_command("seed_demo", enterprises=5, once=True)
    liu = Expert.objects.get(email="liu.expert@demo.leaders.cn").user
    assert liu is not None and liu.check_password("Demo-Leader-2026")
    chen.refresh_from_db()
    assert chen.check_password("Demo-Leader-2026")
    assert User.objects.count() == 17


def test_seed_demo_once_turns_an_older_superuser_administrator_into_the_system_administrator():
    call_command("seed_demo", enterprises=5)
    User = get_user_model()
    # A database loaded before the three administrators (the migration made its superuser
    # the emergency account), and without the two new administrators.
    User.objects.filter(email__in=["security@demo.leaders.cn", "audit@demo.leaders.cn"]).delete()
    User.objects.filter(email="admin@demo.leaders.cn").update(role="emergency", is_superuser=True)
    call_command("seed_demo", enterprises=5, once=True)
    admin = User.objects.get(email="admin@demo.leaders.cn")
    assert (admin.role, admin.is_superuser, admin.is_staff) == ("administrator", False, True)
    assert User.objects.filter(role="security_admin").count() == 1
    assert User.objects.filter(role="audit_admin").count() == 1


def test_seed_demo_is_idempotent():
    call_command("seed_demo", enterprises=5)
    call_command("seed_demo", enterprises=5)
    call_command("seed_demo", enterprises=5, once=True)
    assert Enterprise.objects.count() == 5
    assert Indicator.objects.count() == 58
    # one per role (three administrators), three more deciders of incentive programmes, the
    # six other experts
    assert get_user_model().objects.count() == 17


def test_seed_demo_loads_incentives_and_news():
    from apps.incentives.models import Programme, ProviderMembership
    from apps.news.models import Article

    call_command("seed_demo", enterprises=5)
    call_command("seed_demo", enterprises=5)
    assert set(Programme.objects.values_list("kind", flat=True)) == {
        "quality_award",
        "procurement",
        "credit",
        "innovation_award",
        "pilot",
        "subsidy",
        "tech_centre",
        "special_fund",
    }
    membership = ProviderMembership.objects.get(user__email="partner@demo.leaders.cn")
    assert membership.provider.programmes.filter(kind="credit").exists()
    assert Article.objects.exclude(campaign="").count() == 5


def test_seed_demo_loads_the_synonym_list_for_the_key_areas(client):
    """data/demo/synonyms.csv: every canonical word is part of a key area's name (so it finds
    that area's standards), and no term already is (it would add nothing)."""
    from apps.declarations.models import Standard, Synonym

    rows = list(csv.DictReader((DEMO_DIR / "synonyms.csv").open(encoding="utf-8")))
    call_command("seed_demo", enterprises=12)
    call_command("seed_demo", enterprises=12, once=True)
    assert sorted(Synonym.objects.values_list("term", "canonical")) == sorted(
        (row["term"].strip().lower(), row["canonical"]) for row in rows
    )
    names = list(Category.objects.values_list("name", flat=True))
    for row in rows:
        assert any(row["canonical"] in name for name in names), row
        assert not any(row["term"].lower() in name.lower() for name in names), row
    assert {("空调", "空气调节器"), ("电饭煲", "电饭锅")} <= set(
        Synonym.objects.values_list("term", "canonical")
    )
    data = client.get("/api/v1/standards/", {"q": "空调", "page_size": 100}).json()
    assert data["expanded_terms"] == ["空调", "空气调节器"]
    air_conditioners = Standard.objects.filter(
        category__code="C-AC", status__in=["public", "abolished"]
    )
    assert (
        {row["id"] for row in data["results"]}
        == set(air_conditioners.values_list("id", flat=True))
        != set()
    )
