"""The admin speaks as the portal's pages do (issue 18): every admin and inline on the site
derives from the readable mixin, every model has a `__str__` in words, numbers show without
trailing zeros in lists, read-only fields and inputs, yes and no are words, and the
third-party security models read in the reader's language.

tests/portal/test_readable_everywhere.py reads every admin page of every role in both
languages; these tests pin the pieces down one by one."""

import re
from decimal import Decimal

import pytest
from axes.models import AccessFailureLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.enums import Role
from apps.core.admin_display import PlainNumberInput, ReadableAdminMixin, readable_column
from apps.core.formatting import permission_label
from apps.declarations.models import Standard
from apps.evaluators.enums import AssessmentDecision
from apps.evaluators.models import Assessment, Scheme
from apps.leaders.models import Leader
from tests.factories.accounts import UserFactory
from tests.factories.catalog import IndicatorFactory
from tests.factories.incentives import ProviderFactory, valid_leader
from tests.pages import submit

pytestmark = pytest.mark.django_db


def test_every_admin_and_inline_on_the_site_is_readable():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ReadableAdminMixin), model._meta.label
        for inline in model_admin.inlines:
            assert issubclass(inline, ReadableAdminMixin), (model._meta.label, inline)


def test_every_model_people_can_see_has_a_str_in_words():
    for model in apps.get_models():
        if model.__module__.startswith("apps.") or model in admin.site._registry:
            assert model.__str__ is not models.Model.__str__, model._meta.label


def test_a_readable_column_stands_in_for_decimals_booleans_and_choice_lists():
    score = readable_column(Leader, "score")
    assert (score.__name__, str(score.short_description)) == ("score", "得分")
    assert score(Leader(score=Decimal("96.00"))) == "96"
    assert score(Leader(score=None)) == "-"
    assert readable_column(Leader, "status") == "status"  # Django shows a choice's label
    confirmed = readable_column(TOTPDevice, "confirmed")
    assert 'alt="是"' in confirmed(TOTPDevice(confirmed=True))
    with translation.override("en"):
        assert 'alt="No"' in confirmed(TOTPDevice(confirmed=False))
    assert readable_column(Leader, "score") is score  # one object, as Django compares them


def test_a_decimal_input_shows_the_number_as_people_write_it():
    assert PlainNumberInput().format_value(Decimal("60.000000")) == "60"
    assert PlainNumberInput().format_value(None) is None


def test_the_indicator_admin_lists_and_edits_values_without_trailing_zeros(client, system_admin):
    indicator = IndicatorFactory(national_value=Decimal("60"), international_value=Decimal("0.5"))
    client.force_login(system_admin)
    listing = client.get(reverse("admin:catalog_indicator_changelist")).content.decode()
    assert '<td class="field-national_value">60</td>' in listing
    assert '<td class="field-international_value">0.5</td>' in listing
    assert "60.000000" not in listing and 'alt="False"' not in listing
    url = reverse("admin:catalog_indicator_change", args=[indicator.pk])
    page = client.get(url).content.decode()
    assert re.search(r'name="national_value"[^>]*value="60"', page)
    assert "0.500000" not in page
    response = submit(
        client,
        url,
        {
            "category": str(indicator.category_id),
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "national_value": "62.5",
            "international_value": "0.5",
        },
        button="保存",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator.refresh_from_db()
    assert indicator.national_value == Decimal("62.5")


def test_a_read_only_page_shows_scores_plainly_and_yes_no_in_words(client, admin_user):
    leader = valid_leader(score=Decimal("96.00"))
    client.force_login(admin_user)
    listing = client.get(reverse("admin:leaders_leader_changelist")).content.decode()
    assert '<td class="field-score">96</td>' in listing
    page = client.get(reverse("admin:leaders_leader_change", args=[leader.pk])).content.decode()
    readonly = re.search(r'field-score.*?<div class="readonly">(.*?)</div>', page, re.S)
    assert readonly and readonly.group(1).strip() == "96"
    assert "96.00" not in page and 'alt="True"' not in page and 'alt="False"' not in page


def test_a_score_reads_plainly_in_its_name():
    scheme, standard = Scheme(scheme_code="S-1"), Standard(standard_no="Q/LP 1-2026")
    scored = Assessment(scheme=scheme, standard=standard, score=Decimal("90.00"))
    assert str(scored) == "S-1 Q/LP 1-2026 90"
    rejected = Assessment(scheme=scheme, standard=standard, decision=AssessmentDecision.REJECT)
    assert str(rejected) == f"S-1 Q/LP 1-2026 {AssessmentDecision.REJECT.label}"


def test_the_security_models_read_in_the_readers_language(security_admin):
    failure = AccessFailureLog(username="x@example.cn", ip_address="10.0.0.1", locked_out=True)
    assert "登录失败" in str(failure) and "已锁定" in str(failure)
    with translation.override("en"):
        assert str(TOTPDevice._meta.verbose_name) == "two-factor device"
        assert str(TOTPDevice._meta.get_field("drift").verbose_name) == "Clock drift"
        assert str(failure).startswith("x@example.cn: failed sign-in (")
        assert str(AccessFailureLog._meta.verbose_name) == "access failure"
    assert str(AccessFailureLog._meta.verbose_name) == "登录失败日志"  # locale/zh_Hans


def test_group_permissions_are_named_in_words():
    add_group = Permission.objects.get(codename="add_group")
    assert permission_label(add_group).endswith("| 组 | 添加组")
    with translation.override("en"):
        assert permission_label(add_group).endswith("| Add group")


def test_the_group_page_lists_permissions_in_words(client, security_admin):
    client.force_login(security_admin)
    page = client.get(reverse("admin:auth_group_add")).content.decode()
    assert "添加组" in page and "Can add group" not in page


def test_a_groups_permission_change_reads_in_words_in_its_history(client, security_admin):
    add_group, view_group = (
        Permission.objects.get(codename=codename) for codename in ("add_group", "view_group")
    )
    client.force_login(security_admin)
    response = submit(
        client,
        reverse("admin:auth_group_add"),
        {"name": "名单审核", "permissions": [str(add_group.pk), str(view_group.pk)]},
    )
    assert response.status_code == 302
    group = Group.objects.get(name="名单审核")
    history = client.get(reverse("admin:auth_group_history", args=[group.pk])).content.decode()
    assert "组 | 添加组" in history and "组 | 查看组" in history
    assert "Can add group" not in history and "Can view group" not in history


def test_each_date_and_time_input_has_its_own_label(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:news_article_add")).content.decode()
    assert '<label for="id_published_at_0">' in page
    assert '<label for="id_published_at_1">' in page


def test_an_inline_tables_inputs_are_named_by_their_column(client, admin_user):
    provider = ProviderFactory()
    provider.memberships.create(user=UserFactory(role=Role.PARTNER))
    client.force_login(admin_user)
    page = client.get(reverse("admin:incentives_provider_change", args=[provider.pk]))
    html = page.content.decode()
    assert re.search(r'name="memberships-0-user"[^>]*aria-label="用户"', html)
    assert re.search(r'name="memberships-0-DELETE"[^>]*aria-label="删除', html)
