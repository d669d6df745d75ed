from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.declarations.models import Standard
from tests.declarations.helpers import GOOD_VALUES, declare
from tests.factories.declarations import (
    IndicatorValueFactory,
    StandardFactory,
    StandardVersionFactory,
    category_with_indicators,
)
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

# The owning enterprise acts last: its successful writes change the objects.
ROLES = [
    "anonymous",
    "other_enterprise",
    "evaluator",
    "expert",
    "bureau",
    "partner",
    "administrator",
    "enterprise",
]


@pytest.fixture
def people(users_by_role, other_enterprise_user):
    return {**users_by_role, "other_enterprise": other_enterprise_user}


@pytest.fixture
def standards(enterprise_user, category, pdf):
    """The enterprise's published standard (with a pending revision) and its plain draft."""
    public = declare(user=enterprise_user, category=category, pdf=pdf())
    draft = declare(
        user=enterprise_user, category=category, pdf=pdf(), number="Q/BJT 002-2024", publish=False
    )
    return {"public": public, "draft": draft}


def status_of(client, method, url, data=None):
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


# Expected outcome per (url, role). Public pages never show drafts to anyone but their own
# enterprise and staff; workspace pages are for the owning enterprise's users only.
MATRIX = {
    "search": {"*": 200},
    "public_detail": {"*": 200},
    "public_text": {"*": 200},
    "draft_detail": {"*": 404, "enterprise": 200, "bureau": 200, "administrator": 200},
    "draft_text": {"*": 404, "enterprise": 200, "bureau": 200, "administrator": 200},
    "workspace": {"*": 403, "anonymous": "login", "enterprise": 200, "other_enterprise": 200},
    "create": {"*": 403, "anonymous": "login", "enterprise": 200, "other_enterprise": 200},
    "edit_draft": {"*": 403, "anonymous": "login", "enterprise": 200},
    "values_draft": {"*": 403, "anonymous": "login", "enterprise": 302},
    "publish_draft": {"*": 403, "anonymous": "login", "enterprise": 302},
    "revise_public": {"*": 403, "anonymous": "login", "enterprise": 302},
    "abolish_public": {"*": 403, "anonymous": "login", "enterprise": 302},
    "discard_draft": {"*": 403, "anonymous": "login", "enterprise": 302},
}


def request_for(name, standards, pdf):
    public, draft = standards["public"], standards["draft"]
    return {
        "search": ("get", reverse("declarations:search"), None),
        "public_detail": ("get", reverse("declarations:detail", args=[public.pk]), None),
        "public_text": ("get", reverse("declarations:text", args=[public.pk, 1]), None),
        "draft_detail": ("get", reverse("declarations:detail", args=[draft.pk]), None),
        "draft_text": ("get", reverse("declarations:text", args=[draft.pk, 1]), None),
        "workspace": ("get", reverse("declarations:workspace"), None),
        "create": ("get", reverse("declarations:create"), None),
        "edit_draft": ("get", reverse("declarations:edit", args=[draft.pk]), None),
        "values_draft": (
            "post",
            reverse("declarations:values", args=[draft.pk]),
            {f"value_{k}": v for k, v in GOOD_VALUES.items()},
        ),
        "publish_draft": (
            "post",
            reverse("declarations:publish", args=[draft.pk]),
            {"commitment": "on"},
        ),
        "revise_public": ("post", reverse("declarations:revise", args=[public.pk]), None),
        "abolish_public": (
            "post",
            reverse("declarations:abolish", args=[public.pk]),
            {"abolished_on": timezone.localdate().isoformat()},
        ),
        "discard_draft": ("post", reverse("declarations:discard", args=[draft.pk]), None),
    }[name]


@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix(name, people, standards, client_for, pdf):
    expected = MATRIX[name]
    for role in ROLES:
        method, url, data = request_for(name, standards, pdf)
        client = client_for(people[role])
        want = expected.get(role, expected["*"])
        assert status_of(client, method, url, data) == want, (name, role)


def test_enterprise_never_sees_another_enterprises_draft_anywhere(
    standards, other_enterprise_user, client_for
):
    client = client_for(other_enterprise_user)
    draft = standards["draft"]
    assert (
        draft.standard_no
        not in client.get(reverse("declarations:search") + "?q=Q/BJT").content.decode()
    )
    assert draft.standard_no not in client.get(reverse("declarations:workspace")).content.decode()
    assert client.get(f"/api/v1/standards/{draft.pk}/").status_code == 404


def test_public_text_download_is_an_attachment(standards, client):
    response = client.get(reverse("declarations:text", args=[standards["public"].pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%A0%87%E5%87%86" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_pending_revision_text_is_not_public(standards, enterprise_user, client_for, pdf):
    from apps.declarations import services

    public = standards["public"]
    services.standard_revise(standard=public, actor=enterprise_user)
    services.version_attach_text(standard=public, upload=pdf("新版.pdf"), actor=enterprise_user)
    url = reverse("declarations:text", args=[public.pk, 2])
    assert client_for(None).get(url).status_code == 404
    assert client_for(enterprise_user).get(url).status_code == 200


def test_workflow_through_the_pages(enterprise_user, category, client_for, pdf):
    client = client_for(enterprise_user)
    response = client.post(
        reverse("declarations:create"),
        {
            "standard_type": "enterprise",
            "standard_no": "Q/BJT 9-2024",
            "name": "电饭锅",
            "category": category.pk,
            "products": "FB-30A",
        },
    )
    standard = Standard.objects.get()
    assert response["Location"] == reverse("declarations:edit", args=[standard.pk])
    response = client.post(
        reverse("declarations:values", args=[standard.pk]),
        {"value_EFF": "abc", "value_NOISE": "40", "value_STANDBY": "0.8", "text_file": pdf()},
    )
    assert response.status_code == 400
    assert "“abc”不是数字" in response.content.decode()
    response = client.post(
        reverse("declarations:values", args=[standard.pk]),
        {
            "value_EFF": "85",
            "value_NOISE": "40",
            "value_STANDBY": "0.8",
            "text_file": pdf("fake.pdf", b"GIF89a"),
        },
    )
    assert response.status_code == 400
    assert "不是PDF文件" in response.content.decode()
    client.post(
        reverse("declarations:values", args=[standard.pk]),
        {"value_EFF": "85", "value_NOISE": "40", "value_STANDBY": "0.8", "text_file": pdf()},
    )
    response = client.post(reverse("declarations:publish", args=[standard.pk]), {})
    assert response.status_code == 400
    assert "请阅读并接受自我声明承诺" in response.content.decode()
    response = client.post(
        reverse("declarations:publish", args=[standard.pk]), {"commitment": "on"}
    )
    assert response["Location"] == reverse("declarations:detail", args=[standard.pk])
    page = client_for(None).get(response["Location"]).content.decode()
    assert "全部指标严于国家标准" in page
    assert "低于国际标准" in page  # NOISE 40 dB against an international 38 dB


def test_create_form_shows_service_messages(enterprise_user, category, client_for):
    declare(user=enterprise_user, category=category, publish=False)
    response = client_for(enterprise_user).post(
        reverse("declarations:create"),
        {
            "standard_type": "group",
            "standard_no": "Q/BJT 001-2024",
            "name": "x",
            "category": category.pk,
        },
    )
    assert response.status_code == 200
    assert "是企业标准（Q/），与所选标准类型“团体标准（T/）”不符" in response.content.decode()


def test_abolish_form_rejects_future_date(standards, enterprise_user, client_for):
    url = reverse("declarations:abolish", args=[standards["public"].pk])
    response = client_for(enterprise_user).post(
        url, {"abolished_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 400
    assert "废止日期不能晚于今天" in response.content.decode()


def test_detail_shows_history_and_benchmark(enterprise_user, category, pdf, client):
    from apps.declarations import services

    standard = declare(
        user=enterprise_user, category=category, pdf=pdf(), values={**GOOD_VALUES, "NOISE": "45"}
    )
    services.standard_revise(standard=standard, actor=enterprise_user)
    services.version_set_values(standard=standard, values=GOOD_VALUES, actor=enterprise_user)
    services.standard_publish(
        standard=standard, actor=enterprise_user, commitment_accepted=True, change_note="降噪"
    )
    page = client.get(reverse("declarations:detail", args=[standard.pk])).content.decode()
    assert "第2版" in page and "第1版" in page and "降噪" in page
    assert "噪声 45" in page  # the superseded version's value stays visible


def test_search_filters(client, category):
    other_category = category_with_indicators(code="S-PROPERTY", name="物业服务", sector="services")
    haidian = EnterpriseFactory(name="北京海淀电器公司", district="haidian")
    chaoyang = EnterpriseFactory(name="北京朝阳物业公司", district="chaoyang")
    a = StandardFactory(enterprise=haidian, category=category, name="电饭锅标准")
    b = StandardFactory(
        enterprise=chaoyang,
        category=other_category,
        name="物业服务标准",
        status="abolished",
        abolished_on=timezone.localdate(),
    )
    StandardFactory(
        enterprise=chaoyang,
        category=other_category,
        name="草稿物业",
        status="draft",
        published_on=None,
    )

    def names(**params):
        response = client.get(reverse("declarations:search"), params)
        return [s.name for s in response.context["page"].object_list]

    assert names() == [b.name, a.name]
    assert names(q="物业") == [b.name]
    assert names(category="C-RICE") == [a.name]
    assert names(sector="services") == [b.name]
    assert names(district="haidian") == [a.name]
    assert names(status="abolished") == [b.name]
    assert names(q="北京", status="public") == [a.name]


@pytest.mark.parametrize("rows", [1, 30])
def test_search_page_query_count(rows, client, category, django_assert_max_num_queries):
    for _ in range(rows):
        StandardFactory(category=category)
    # plan probe and count (2-3), page, enterprises, categories for the filter, and the
    # primary-key plan's planner hint (savepoint, SET LOCAL on/off, release)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("declarations:search"), {"q": "测试"})
    assert len(response.context["page"].object_list) == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 25])
def test_workspace_query_count(
    rows, enterprise_user, category, client_for, django_assert_max_num_queries
):
    client = client_for(enterprise_user)
    for _ in range(rows):
        StandardFactory(enterprise=enterprise_user.membership.enterprise, category=category)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("declarations:workspace"))
    assert response.content.decode().count("<tr>") == rows + 1


@pytest.mark.parametrize("rows", [1, 12])
def test_enterprise_profile_lists_public_standards(
    rows, client, category, django_assert_max_num_queries
):
    firm = EnterpriseFactory()
    for _ in range(rows):
        StandardFactory(enterprise=firm, category=category)
    draft = StandardFactory(
        enterprise=firm, category=category, status="draft", published_on=None, name="不可见草稿"
    )
    with django_assert_max_num_queries(3):
        response = client.get(reverse("enterprises:public_profile", args=[firm.uscc]))
    page = response.content.decode()
    assert page.count("测试产品企业标准") == rows
    assert draft.name not in page


def test_capped_count_for_common_terms(client, category, settings, monkeypatch):
    monkeypatch.setattr("apps.declarations.selectors.CappedPaginator.cap", 5)
    for _ in range(8):
        StandardFactory(category=category)
    response = client.get(reverse("declarations:search"), {"q": "测试"})
    assert response.context["paginator"].count == 5
    assert "超过 5 条结果" in response.content.decode()


def test_detail_of_imported_standard_without_versions(client, category):
    standard = StandardFactory(category=category)
    IndicatorValueFactory(
        standard=standard, indicator=category.indicators.get(code="EFF"), value=70
    )
    StandardVersionFactory  # noqa: B018 - imported rows have no versions; the page copes
    page = client.get(reverse("declarations:detail", args=[standard.pk])).content.decode()
    assert "低于国家标准" in page
    assert "暂无已发布版本" in page


def _revise(standard, user, category, values, note):
    from apps.declarations import services

    services.standard_revise(standard=standard, actor=user)
    services.standard_update_draft(
        standard=standard, actor=user, name="电饭锅企业标准（修订）", category=category,
        standard_type="enterprise", products="IH电饭煲 FB-40A",
    )  # fmt: skip
    services.version_set_values(standard=standard, values=values, actor=user)
    return services.standard_publish(
        standard=standard, actor=user, commitment_accepted=True, change_note=note
    )


def test_detail_page_selector_matches_the_orm(enterprise_user, category, pdf):
    """The detail page's single query gives what the ORM selectors give: the benchmark rows,
    the history (a version of another category, a code no indicator has any more), the
    current version."""
    from apps.declarations import selectors

    other = category_with_indicators(code="C-KETTLE", name="电水壶", sector="equipment")
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    standard = _revise(standard, enterprise_user, other, {**GOOD_VALUES, "EFF": "90.5"}, "换类")
    StandardVersionFactory(
        standard=standard, number=9, status="superseded", values={"GONE": "7", "EFF": 3}
    )
    StandardVersionFactory(standard=standard, number=10, status="draft")
    standard.refresh_from_db()

    page = selectors.standard_page(standard.pk)

    assert page.standard.category.name == "电水壶"
    assert page.standard.enterprise.uscc == standard.enterprise.uscc
    expected = selectors.standard_benchmark(standard)
    assert [(r.indicator.pk, r.value, r.national, r.international) for r in page.report.rows] == [
        (r.indicator.pk, r.value, r.national, r.international) for r in expected.rows
    ]
    assert [r.indicator.national_value for r in page.report.rows] == [
        r.indicator.national_value for r in expected.rows
    ]
    history = selectors.versions_for_history(standard)
    assert [v.number for v in page.versions] == [v.number for v in history] == [9, 2, 1]

    def shown(versions):
        return [
            (v.status, v.name, v.category.name, v.text_file.name, v.published_at, v.change_note,
             v.values_text)
            for v in versions
        ]  # fmt: skip

    assert shown(page.versions) == shown(history)
    assert [v.values_text for v in page.versions] == [
        "热效率 3 %；GONE 7",
        "热效率 90.5 %；噪声 40 dB(A)；待机功率 0.8 W",
        "热效率 85 %；噪声 40 dB(A)；待机功率 0.8 W",
    ]
    assert page.current.number == selectors.current_version(standard).number == 2


def test_detail_page_selector_without_indicators_or_versions(db):
    from apps.declarations import selectors

    standard = StandardFactory()  # a category with no indicators, no versions (imported)
    page = selectors.standard_page(standard.pk)
    assert (page.report.rows, page.versions, page.current) == ([], [], None)
    assert selectors.standard_page(standard.pk + 1000) is None


@pytest.mark.parametrize("revisions", [0, 3])
def test_detail_query_count(
    revisions, enterprise_user, category, pdf, client, django_assert_num_queries
):
    """One query for an anonymous visitor however long the history (no session, no user)."""
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    for n in range(revisions):
        standard = _revise(standard, enterprise_user, category, GOOD_VALUES, f"第{n}次修订")
    with django_assert_num_queries(1):
        response = client.get(reverse("declarations:detail", args=[standard.pk]))
    assert response.content.decode().count('class="border rounded p-2 mb-2 version"') == (
        revisions + 1
    )


def test_detail_of_an_id_out_of_range_is_not_found(client):
    assert client.get(f"/standards/{2**63}/").status_code == 404
    assert client.get("/standards/0/").status_code == 404


def test_benchmark_rows_escape_catalogue_text(client, category):
    """The benchmarking rows are built in Python (declarations_tags.benchmark_rows): every
    catalogue text is escaped like a template variable would be."""
    indicator = category.indicators.get(code="EFF")
    indicator.name = "<script>alert(1)</script>能效"
    indicator.unit = "W&h"
    indicator.save()
    standard = StandardFactory(category=category)
    IndicatorValueFactory(standard=standard, indicator=indicator, value=70)
    page = client.get(reverse("declarations:detail", args=[standard.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;能效" in page
    assert "W&amp;h" in page
    assert "<strong>70</strong>" in page
