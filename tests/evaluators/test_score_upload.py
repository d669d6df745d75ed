# ruff: noqa: E501  (exact user-facing messages read best unbroken)
"""Evaluators upload a file of their scores for a scheme (apps/evaluators/score_upload.py):
the `assessments` import's validation narrowed to what the scoring page allows, a preview,
then all or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.models import AuditEntry, ImportRun
from apps.evaluators import score_upload
from apps.evaluators.models import Assessment, EvaluatorConflict
from tests.factories.evaluators import (
    AgencyFactory,
    StandardFactory,
    approved_scheme,
    category_with_indicators,
    evaluator_user,
)
from tests.imports.conftest import media_in_tmp  # noqa: F401  (uploads go to a temporary folder)

pytestmark = pytest.mark.django_db

QUERIES_FOR_TEMPLATE = 8  # sign-in, scheme and its criteria, the rows and their scores
HEADER = "scheme_code,uscc,standard_no,evaluator_email,criterion_code,score,decision,reason\n"


@pytest.fixture
def setup():
    category = category_with_indicators(code="C-AC")
    agency = AgencyFactory()
    evaluator = evaluator_user(agency)
    scheme = approved_scheme(agency=agency, category=category)
    first, second = StandardFactory.create_batch(2, category=category)
    return {
        "agency": agency,
        "evaluator": evaluator,
        "scheme": scheme,
        "category": category,
        "first": first,
        "second": second,
    }


def line(scheme, standard, evaluator, criterion="Q1", score="80", decision="accept", reason=""):
    code = scheme if isinstance(scheme, str) else scheme.scheme_code
    email = evaluator if isinstance(evaluator, str) else evaluator.email
    return f"{code},{standard.enterprise.uscc},{standard.standard_no},{email},{criterion},{score},{decision},{reason}\n"


def upload(scheme, evaluator, content: str, name="scores.csv"):
    return score_upload.score_upload_start(
        scheme=scheme,
        upload=SimpleUploadedFile(name, content.encode("utf-8-sig"), "text/csv"),
        actor=evaluator,
    )


def scores(evaluator):
    return sorted(
        (
            a.standard.standard_no,
            a.criterion.criterion_code if a.criterion else "",
            a.decision,
            a.score,
        )
        for a in Assessment.objects.filter(evaluator=evaluator).select_related(
            "standard", "criterion"
        )
    )


def problems(run):
    return [(p["row"], p["column"], p["message"]) for p in score_upload.problems_of(run)]


# ---------------------------------------------------------------- services


def test_score_upload_happy_path_previews_then_writes_and_audits(setup):
    s, ev = setup["scheme"], setup["evaluator"]
    first, second = setup["first"], setup["second"]
    content = (
        HEADER
        + line(s, first, ev, "Q1", "80")
        + line(s, first, ev, "Q2", "90.5")
        + line(s, second, ev, "Q1", "70")
    )

    run = upload(s, ev, content)

    assert (run.status, run.source, run.workspace, run.scope) == (
        "validated",
        "workspace",
        "evaluator_scores",
        {"scheme": s.pk},
    )
    assert (run.created, run.updated, run.unchanged) == (3, 0, 0)
    groups = score_upload.preview_of(run)
    assert [
        (r["row"], r["standard_no"], r["criterion_code"], r["criterion"], r["score"])
        for r in groups["new"]
    ] == [
        (2, first.standard_no, "Q1", "指标全面性", "80"),
        (3, first.standard_no, "Q2", "编写规范性", "90.5"),
        (4, second.standard_no, "Q1", "指标全面性", "70"),
    ]
    assert groups["new"][0]["enterprise"] == first.enterprise.name
    assert not Assessment.objects.exists()  # the preview writes nothing

    run = score_upload.score_upload_confirm(run=run, scheme=s, actor=ev)

    assert run.status == "succeeded"
    assert scores(ev) == [
        (first.standard_no, "Q1", "accept", Decimal("80.00")),
        (first.standard_no, "Q2", "accept", Decimal("90.50")),
        (second.standard_no, "Q1", "accept", Decimal("70.00")),
    ]
    entry = AuditEntry.objects.get(action="import.assessments")
    assert entry.actor == ev
    assert entry.changes["scope"] == [None, {"workspace": "evaluator_scores", "scheme": s.pk}]
    assert entry.changes["created"] == [None, 3]


def test_score_upload_bad_values_are_listed_by_row_and_column(setup):
    s, ev, first, second = setup["scheme"], setup["evaluator"], setup["first"], setup["second"]
    content = (
        "方案编号,统一社会信用代码,标准编号,评估人员邮箱,评价项代码,得分,结论,理由\n"
        + line(s, first, ev, "Q1", "120")
        + line(s, first, ev, "Q2", "abc")
        + line(s, second, ev, "EFF", "50")
        + line(s, second, ev, "Q2", "")
        + line(s, second, ev, "", "", "reject", "")
        + line(s, first, ev, "Q1", "60")
    )

    run = upload(s, ev, content)

    assert run.status == "invalid"
    assert problems(run) == [
        ("2", "得分", "得分应在0到100之间"),
        ("3", "得分", "“abc” 不是有效的数字（小数点用“.”，不加千位分隔符）"),
        ("3", "得分", "评分时须填写得分"),
        ("4", "评价项代码", "只能为本方案的定性指标评分"),
        ("5", "得分", "评分时须填写得分"),
        ("6", "结论", "同一评估人员对该标准的退回与第 4 行冲突：退回时不再评分"),
        ("6", "理由", "退回时必须填写理由"),
        (
            "7",
            "方案编号",
            f"与第 2 行重复：{s.scheme_code} / {first.enterprise.uscc} / {first.standard_no} / {ev.email} / Q1 在同一文件中只能出现一次",
        ),
    ]
    assert not Assessment.objects.exists()


def test_score_upload_refuses_rows_the_scoring_page_would_not_allow(setup):
    s, ev, first, second = setup["scheme"], setup["evaluator"], setup["first"], setup["second"]
    # Another agency's approved scheme (another key area) with an entrant of its own.
    other_category = category_with_indicators(code="C-RICE")
    other_scheme = approved_scheme(agency=AgencyFactory(), category=other_category)
    other_standard = StandardFactory(category=other_category)
    other_evaluator = evaluator_user(other_scheme.agency)
    colleague = evaluator_user(setup["agency"])
    # Another scheme of the evaluator's own agency (another year's key area).
    own_other = approved_scheme(agency=setup["agency"], category=setup["category"], year=2025)
    conflicted = StandardFactory(category=setup["category"])
    EvaluatorConflict.objects.create(
        evaluator=ev, enterprise=conflicted.enterprise, reason="亲属任职"
    )
    content = (
        HEADER
        + line(s, first, ev, "Q1", "80")
        + line(other_scheme, other_standard, ev, "Q1", "80")
        + line(other_scheme, other_standard, other_evaluator, "Q1", "80")
        + line(s, second, colleague, "Q1", "80")
        + line(own_other, second, ev, "Q1", "80")
        + line(s, conflicted, ev, "Q1", "80")
    )

    run = upload(s, ev, content)

    assert run.status == "invalid"
    assert problems(run) == [
        ("3", "评估人员邮箱", "评估人员只能评价本机构的方案"),
        ("4", "评估人员邮箱", f"只能上传本人的评分：评估人员邮箱应为 {ev.email}"),
        ("5", "评估人员邮箱", f"只能上传本人的评分：评估人员邮箱应为 {ev.email}"),
        (
            "6",
            "方案编号",
            f"此处只能上传方案 {s.scheme_code} 的评分；方案 {own_other.scheme_code} 的评分请在该方案的评分页上传",
        ),
        (
            "7",
            "标准编号",
            f"标准 {conflicted.standard_no} 不在您的评分表中：它不是本方案的参评标准，或属于您声明了利益冲突的企业、本机构的企业",
        ),
    ]
    assert not Assessment.objects.exists()


def test_score_upload_writes_nothing_when_the_data_changed_after_the_preview(setup):
    s, ev, first, second = setup["scheme"], setup["evaluator"], setup["first"], setup["second"]
    run = upload(s, ev, HEADER + line(s, first, ev, "Q1", "80") + line(s, second, ev, "Q1", "75"))
    assert run.status == "validated"
    # Before the evaluator confirms, they declare a conflict with the second enterprise.
    EvaluatorConflict.objects.create(evaluator=ev, enterprise=second.enterprise, reason="新任职")

    run = score_upload.score_upload_confirm(run=run, scheme=s, actor=ev)

    assert run.status == "invalid"
    assert [p[:2] for p in problems(run)] == [("3", "标准编号")]
    assert not Assessment.objects.exists()  # the good first row was not written either
    assert not AuditEntry.objects.filter(action="import.assessments").exists()


def test_score_upload_again_changes_scores_and_rejects(setup):
    s, ev, first, second = setup["scheme"], setup["evaluator"], setup["first"], setup["second"]
    run = upload(
        s,
        ev,
        HEADER
        + line(s, first, ev, "Q1", "80")
        + line(s, first, ev, "Q2", "70")
        + line(s, second, ev, "Q1", "60"),
    )
    score_upload.score_upload_confirm(run=run, scheme=s, actor=ev)
    # The template now holds those scores; the evaluator changes one and rejects the second.
    rows = score_upload.template_rows(s, ev)
    assert rows == [
        [
            s.scheme_code,
            first.enterprise.uscc,
            first.standard_no,
            ev.email,
            "Q1",
            "80",
            "accept",
            "",
        ],
        [
            s.scheme_code,
            first.enterprise.uscc,
            first.standard_no,
            ev.email,
            "Q2",
            "70",
            "accept",
            "",
        ],
        [
            s.scheme_code,
            second.enterprise.uscc,
            second.standard_no,
            ev.email,
            "Q1",
            "60",
            "accept",
            "",
        ],
        [
            s.scheme_code,
            second.enterprise.uscc,
            second.standard_no,
            ev.email,
            "Q2",
            "",
            "accept",
            "",
        ],
    ]
    content = (
        HEADER
        + line(s, first, ev, "Q1", "85")
        + line(s, first, ev, "Q2", "70")
        + line(s, second, ev, "", "", "reject", "缺少检验方法")
    )

    run = upload(s, ev, content)

    assert (run.status, run.created, run.updated, run.unchanged) == ("validated", 1, 1, 1)
    groups = score_upload.preview_of(run)
    [changed] = groups["update"]
    assert (changed["criterion_code"], changed["stored_score"], changed["score"]) == (
        "Q1",
        "80",
        "85",
    )
    [rejection] = groups["new"]
    assert (rejection["decision"], rejection["reason"], rejection["withdrawn"]) == (
        "reject",
        "缺少检验方法",
        1,
    )

    score_upload.score_upload_confirm(run=run, scheme=s, actor=ev)

    assert scores(ev) == [
        (first.standard_no, "Q1", "accept", Decimal("85.00")),
        (first.standard_no, "Q2", "accept", Decimal("70.00")),
        (second.standard_no, "", "reject", None),
    ]
    # Uploading the new template as it is changes nothing.
    header = ",".join(score_upload.template_header("en")) + "\n"
    again = header + "".join(",".join(row) + "\n" for row in score_upload.template_rows(s, ev))
    run = upload(s, ev, again)
    assert (run.status, run.created, run.updated, run.unchanged) == ("validated", 0, 0, 3)


def test_score_upload_only_by_an_evaluator_who_may_score_and_only_their_own_run(setup):
    s, ev, first = setup["scheme"], setup["evaluator"], setup["first"]
    outsider = evaluator_user(AgencyFactory())
    with pytest.raises(PermissionDenied):
        upload(s, outsider, HEADER + line(s, first, outsider))
    run = upload(s, ev, HEADER + line(s, first, ev))
    colleague = evaluator_user(setup["agency"])
    with pytest.raises(PermissionDenied):
        score_upload.score_upload_confirm(run=run, scheme=s, actor=colleague)
    with pytest.raises(PermissionDenied):
        score_upload.score_upload_cancel(run=run, scheme=s, actor=colleague)
    assert score_upload.score_upload_of(colleague, s, run.pk) is None

    run = score_upload.score_upload_cancel(run=run, scheme=s, actor=ev)

    assert run.status == "cancelled"
    assert AuditEntry.objects.filter(action="import.assessments.cancelled", actor=ev).count() == 1
    assert not Assessment.objects.exists()


# ---------------------------------------------------------------- pages


def test_score_upload_pages_from_the_scoring_page_to_the_scores(client, setup):
    s, ev = setup["scheme"], setup["evaluator"]
    client.force_login(ev)
    scoring = client.get(reverse("evaluators:scoring", args=[s.pk])).content.decode()
    upload_url = reverse("evaluators:score_upload", args=[s.pk])
    assert f'href="{upload_url}"' in scoring and "上传评分文件" in scoring

    page = client.get(upload_url).content.decode()
    template_url = reverse("evaluators:score_template", args=[s.pk])
    assert template_url in page
    response = client.get(template_url)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Disposition"] == f'attachment; filename="scores-{s.scheme_code}.csv"'
    assert (
        body.splitlines()[0]
        == "方案编号,统一社会信用代码,标准编号,评估人员邮箱,评价项代码,得分,结论,理由"
    )
    assert len(body.splitlines()) == 5  # two standards x two qualitative criteria
    filled = body.replace(",Q1,,accept,", ",Q1,88,accept,").replace(
        ",Q2,,accept,", ",Q2,77,accept,"
    )

    response = client.post(
        upload_url, {"file": SimpleUploadedFile("评分.csv", filled.encode("utf-8-sig"))}
    )
    run = ImportRun.objects.get()
    assert response.url == reverse("evaluators:score_upload_preview", args=[s.pk, run.pk])
    preview = client.get(response.url).content.decode()
    assert "确认后将新增评分 4 条，修改 0 条，0 条不变。" in preview
    assert "确认导入" in preview and "取消" in preview

    response = client.post(reverse("evaluators:score_upload_confirm", args=[s.pk, run.pk]))
    assert response.url == reverse("evaluators:scoring", args=[s.pk])
    page = client.get(response.url).content.decode()
    assert "评分已导入：新增评分 4 条，修改 0 条，不变 0 条" in page
    assert "已完成 2 / 2" in page
    assert len(scores(ev)) == 4


def test_score_upload_page_shows_every_problem_and_no_confirm(client, setup):
    s, ev, first = setup["scheme"], setup["evaluator"], setup["first"]
    client.force_login(ev)
    content = HEADER + line(s, first, ev, "Q1", "101")
    response = client.post(
        reverse("evaluators:score_upload", args=[s.pk]),
        {"file": SimpleUploadedFile("s.csv", content.encode())},
    )
    page = client.get(response.url).content.decode()
    assert "文件有 1 处问题，未写入任何评分。" in page
    assert "第 2 行" in page and "得分应在0到100之间" in page
    assert "确认导入" not in page


def test_score_upload_refuses_a_file_that_is_not_a_spreadsheet(client, setup):
    client.force_login(setup["evaluator"])
    response = client.post(
        reverse("evaluators:score_upload", args=[setup["scheme"].pk]),
        {"file": SimpleUploadedFile("text.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert response.status_code == 400
    assert "不支持的文件类型“.pdf”" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_score_upload_template_in_english(client, setup):
    client.force_login(setup["evaluator"])
    client.cookies["django_language"] = "en"
    response = client.get(reverse("evaluators:score_template", args=[setup["scheme"].pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == HEADER.strip()


def test_score_upload_template_queries_do_not_grow_with_the_entrants(
    client, setup, django_assert_num_queries
):
    s, ev = setup["scheme"], setup["evaluator"]
    client.force_login(ev)
    url = reverse("evaluators:score_template", args=[s.pk])
    with django_assert_num_queries(QUERIES_FOR_TEMPLATE):
        b"".join(client.get(url).streaming_content)
    StandardFactory.create_batch(5, category=setup["category"])
    with django_assert_num_queries(QUERIES_FOR_TEMPLATE):
        body = b"".join(client.get(url).streaming_content)
    assert len(body.decode("utf-8-sig").splitlines()) == 1 + 7 * 2
