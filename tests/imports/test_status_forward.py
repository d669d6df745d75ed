# ruff: noqa: E501  (exact user-facing messages read best unbroken)
"""CONTRACT.md §2 [2026-12]: statuses move only forward. Every import kind with a status
refuses a row that would move a stored status back (or to one its workflow cannot reach), with
the message the page's service gives for that move, and writes nothing; forward moves work;
an approved scheme's criteria, weights and thresholds are frozen. Indicator values obey the
form's range rule, with the form's message."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.imports import get_import_kind
from apps.declarations import services as declarations
from apps.declarations.models import IndicatorValue, Standard
from apps.evaluators.models import Scheme
from apps.evaluators.services.schemes import scheme_transition
from apps.experts.models import Expert
from apps.experts.services.profiles import expert_set_status
from apps.leaders.models import Leader
from apps.leaders.services.titles import leaders_expire
from tests.factories.uscc import make_uscc
from tests.imports.conftest import USCC_A, USCC_B, snapshot

pytestmark = pytest.mark.django_db

STANDARD_HEADER = "uscc,standard_no,name,category_code,published_on,status\n"
STANDARD_ROWS = {
    "Q/JDQ 001-2026": f"{USCC_A},Q/JDQ 001-2026,房间空气调节器,C-AC,2026-03-15,",
    "T/CAS 100-2025": f"{USCC_B},T/CAS 100-2025,房间空气调节器团体标准,C-AC,2025-12-01,",
}


def status_of(number):
    return Standard.objects.get(standard_no=number).status


# ---------------------------------------------------------------- standards


def test_abolished_standard_is_never_published_again(run_import, standards):
    before = snapshot()
    outcome = run_import(
        "standards", STANDARD_HEADER + STANDARD_ROWS["T/CAS 100-2025"] + "public\n"
    )
    assert (outcome.code, outcome.lines) == (
        1,
        ["row 2, column status: 当前状态“废止”的标准不能变为“公开”"],
    )
    assert snapshot() == before
    # An empty cell is the column's default (public): the same move back, the same answer.
    outcome = run_import("standards", STANDARD_HEADER + STANDARD_ROWS["T/CAS 100-2025"] + "\n")
    assert outcome.lines == ["row 2, column status: 当前状态“废止”的标准不能变为“公开”"]
    assert snapshot() == before


def test_standard_moves_forward_and_unchanged_rows_stay_unchanged(run_import, standards):
    content = STANDARD_HEADER + STANDARD_ROWS["Q/JDQ 001-2026"] + "废止\n"
    assert run_import("standards", content).out == "standards: created 0, updated 1, unchanged 0"
    assert status_of("Q/JDQ 001-2026") == "abolished"
    assert run_import("standards", content).out == "standards: created 0, updated 0, unchanged 1"
    both = STANDARD_HEADER + "".join(row + "abolished\n" for row in STANDARD_ROWS.values())
    assert run_import("standards", both).out == "standards: created 0, updated 0, unchanged 2"


def test_file_without_status_column_keeps_an_abolished_standard(run_import, standards):
    content = (
        "uscc,standard_no,name,category_code,published_on\n"
        f"{USCC_B},T/CAS 100-2025,房间空气调节器团体标准（修订）,C-AC,2025-12-01\n"
    )
    assert run_import("standards", content).out == "standards: created 0, updated 1, unchanged 0"
    assert status_of("T/CAS 100-2025") == "abolished"


def test_one_row_moving_back_stops_the_whole_file(run_import, standards):
    # All or nothing: one row moving back stops the valid one beside it.
    before = snapshot()
    content = (
        STANDARD_HEADER
        + STANDARD_ROWS["Q/JDQ 001-2026"]
        + "abolished\n"
        + STANDARD_ROWS["T/CAS 100-2025"]
        + "公开\n"
    )
    outcome = run_import("standards", content)
    assert (outcome.code, outcome.lines) == (
        1,
        ["row 3, column status: 当前状态“废止”的标准不能变为“公开”"],
    )
    assert snapshot() == before


# ---------------------------------------------------------------- leaders

LEADER_HEADER = "year,uscc,standard_no,category_code,published_on,status\n"


def leader_file(status):
    return LEADER_HEADER + f"2025,{USCC_A},Q/JDQ 001-2026,C-AC,2025-12-01,{status}\n"


def leader_state():
    return list(Leader.objects.values_list("status", "revoked_on", "revocation_reason"))


def test_revoked_leader_is_never_made_active_again(run_import, standards):
    assert run_import("leaders", leader_file("active")).code == 0
    assert run_import("leaders", leader_file("revoked")).out == (
        "leaders: created 0, updated 1, unchanged 0"
    )
    assert run_import("leaders", leader_file("revoked")).out == (
        "leaders: created 0, updated 0, unchanged 1"
    )
    before = leader_state()
    for status in ("active", "有效", ""):
        outcome = run_import("leaders", leader_file(status))
        assert (outcome.code, outcome.lines) == (
            1,
            ["row 2, column status: 领跑者状态不能从“已撤销”变为“有效”"],
        )
    assert leader_state() == before
    assert before[0][0] == "revoked"


def test_expired_leader_may_be_revoked_but_not_made_active(run_import, standards):
    assert run_import("leaders", leader_file("active")).code == 0
    valid_until = Leader.objects.get().valid_until
    assert leaders_expire(today=valid_until + timedelta(days=1)) == 1
    outcome = run_import("leaders", leader_file("active"))
    assert outcome.lines == ["row 2, column status: 领跑者状态不能从“已到期”变为“有效”"]
    assert Leader.objects.get().status == "expired"
    assert run_import("leaders", leader_file("revoked")).code == 0
    assert Leader.objects.get().status == "revoked"


# ---------------------------------------------------------------- experts

EXPERT_HEADER = "email,name,organisation,status\n"


def expert_file(status, email="li@example.cn"):
    return EXPERT_HEADER + f"{email},李工,中国标准化研究院,{status}\n"


def expert_status(email="li@example.cn"):
    return Expert.objects.get(email=email).status


@pytest.mark.parametrize(
    "path",
    [
        ["recommended", "appointed", "retired"],
        ["recommended", "retired"],
        ["appointed", "retired"],
    ],
)
def test_expert_moves_forward(run_import, path):
    assert run_import("experts", expert_file(path[0])).out == (
        "experts: created 1, updated 0, unchanged 0"
    )
    for status in path[1:]:
        assert run_import("experts", expert_file(status)).out == (
            "experts: created 0, updated 1, unchanged 0"
        )
        assert expert_status() == status
    assert run_import("experts", expert_file(path[-1])).out == (
        "experts: created 0, updated 0, unchanged 1"
    )


@pytest.mark.parametrize(
    ("stored", "new", "message"),
    [
        ("appointed", "recommended", "专家状态不能从“已聘任”变为“已推荐”"),
        ("retired", "appointed", "专家状态不能从“已解聘”变为“已聘任”"),
        ("retired", "recommended", "专家状态不能从“已解聘”变为“已推荐”"),
    ],
)
def test_expert_never_moves_back(run_import, stored, new, message):
    run_import("experts", expert_file("recommended"))
    if stored != "recommended":
        run_import("experts", expert_file(stored))
    before = list(Expert.objects.values_list("status", "appointed_on", "retired_on", "name"))
    outcome = run_import("experts", expert_file(new).replace("李工", "李工（新）"))
    assert (outcome.code, outcome.lines) == (1, [f"row 2, column status: {message}"])
    assert list(Expert.objects.values_list("status", "appointed_on", "retired_on", "name")) == (
        before
    )


def test_expert_import_and_page_give_the_same_message(run_import, bureau_user):
    run_import("experts", expert_file("appointed"))
    with pytest.raises(ValidationError) as error:
        expert_set_status(expert=Expert.objects.get(), status="recommended", actor=bureau_user)
    outcome = run_import("experts", expert_file("recommended"))
    assert outcome.lines == [f"row 2, column status: {error.value.messages[0]}"]
    # Re-appointing a retired expert stays a thing staff do on the page, not by import.
    run_import("experts", expert_file("retired"))
    expert_set_status(expert=Expert.objects.get(), status="appointed", actor=bureau_user)
    assert expert_status() == "appointed"


# ---------------------------------------------------------------- schemes

AGENCY = make_uscc(5001, division="110102")
SCHEME_HEADER = "scheme_code,year,category_code,agency_uscc,criterion_code,kind,name,weight,baseline,advanced,leading,max_leaders,status\n"


def scheme_lines(status="approved", max_leaders=""):
    return [
        f"S-AC,2026,C-AC,{AGENCY},APF,core,,30,4.5,5.0,5.4,{max_leaders},{status}",
        f"S-AC,2026,C-AC,{AGENCY},NOISE,core,,20,40,38,36,{max_leaders},{status}",
        f"S-AC,2026,C-AC,{AGENCY},STANDBY,core,,10,1.0,0.8,0.5,{max_leaders},{status}",
        f"S-AC,2026,C-AC,{AGENCY},Q1,qualitative,指标全面性,20,,,,{max_leaders},{status}",
        f"S-AC,2026,C-AC,{AGENCY},Q2,qualitative,编写规范性,20,,,,{max_leaders},{status}",
    ]


def scheme_file(lines):
    return SCHEME_HEADER + "".join(line + "\n" for line in lines)


def scheme_state():
    scheme = Scheme.objects.get()
    return (
        scheme.status,
        scheme.max_leaders,
        sorted(scheme.criteria.values_list("criterion_code", "weight", "baseline", "name")),
    )


@pytest.fixture
def agency(run_import, catalogue):
    indicator = (
        "category_code,code,name,unit,direction,national_value\nC-AC,STANDBY,待机功率,W,lower,1.0\n"
    )
    assert run_import("indicators", indicator).code == 0
    content = f"uscc,name,kind\n{AGENCY},北京市标准化协会,association\n"
    assert run_import("agencies", content).code == 0


def test_draft_scheme_moves_to_approved_and_then_stays_unchanged(run_import, agency):
    assert run_import("schemes", scheme_file(scheme_lines("draft"))).code == 0
    outcome = run_import("schemes", scheme_file(scheme_lines("approved")))
    assert outcome.out == "schemes: created 0, updated 5, unchanged 0"
    assert Scheme.objects.get().status == "approved"
    outcome = run_import("schemes", scheme_file(scheme_lines("approved")))
    assert outcome.out == "schemes: created 0, updated 0, unchanged 5"


def test_approved_scheme_never_goes_back_to_draft(run_import, agency):
    assert run_import("schemes", scheme_file(scheme_lines())).code == 0
    before = scheme_state()
    with pytest.raises(ValidationError) as error:
        scheme_transition(scheme=Scheme.objects.get(), to="draft", actor=None)
    assert error.value.messages == ["方案状态不能从“已批准”变为“草稿”"]
    outcome = run_import("schemes", scheme_file(scheme_lines("draft")))
    assert (outcome.code, outcome.lines) == (
        1,
        [f"row {row}, column status: 方案状态不能从“已批准”变为“草稿”" for row in range(2, 7)],
    )
    assert scheme_state() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda lines: [lines[0].replace(",4.5,", ",4.2,"), *lines[1:]],
            [
                "row 2, column baseline: 方案 S-AC 已批准并冻结，评价项 APF 的 baseline 不能修改（现为 4.5），修改须创建新版本"
            ],
        ),
        (
            lambda lines: [lines[0], lines[1].replace(",36,", ",35,"), *lines[2:]],
            [
                "row 3, column leading: 方案 S-AC 已批准并冻结，评价项 NOISE 的 leading 不能修改（现为 36），修改须创建新版本"
            ],
        ),
        (
            lambda lines: [*lines[:3], lines[3].replace("指标全面性", "全面性"), lines[4]],
            [
                "row 5, column name: 方案 S-AC 已批准并冻结，评价项 Q1 的 name 不能修改（现为 指标全面性），修改须创建新版本"
            ],
        ),
        (
            lambda lines: [
                *lines[:3],
                lines[3].replace(",20,", ",10,"),
                lines[4],
                lines[4].replace("Q2,", "Q3,").replace(",20,", ",10,"),
            ],
            [
                "row 5, column weight: 方案 S-AC 已批准并冻结，评价项 Q1 的 weight 不能修改（现为 20），修改须创建新版本",
                "row 7, column criterion_code: 方案 S-AC 已批准并冻结，不能增加评价项 Q3，修改须创建新版本",
            ],
        ),
        (
            lambda lines: [*lines[:3], lines[3].replace(",20,", ",40,")],
            [
                "row 2, column criterion_code: 方案 S-AC 已批准并冻结，不能删除评价项 Q2，修改须创建新版本",
                "row 5, column weight: 方案 S-AC 已批准并冻结，评价项 Q1 的 weight 不能修改（现为 20），修改须创建新版本",
            ],
        ),
        (
            lambda lines: [line.replace(",,approved", ",3,approved") for line in lines],
            [
                "row 2, column max_leaders: 方案 S-AC 已批准并冻结，max_leaders 不能修改（现为 5），修改须创建新版本"
            ],
        ),
    ],
    ids=["baseline", "leading", "name", "weight-and-new", "removed", "max_leaders"],
)
def test_approved_scheme_frozen_columns_are_named(run_import, agency, change, expected):
    assert run_import("schemes", scheme_file(scheme_lines())).code == 0
    before = scheme_state()
    outcome = run_import("schemes", scheme_file(change(scheme_lines())))
    assert (outcome.code, outcome.lines) == (1, expected)
    assert scheme_state() == before


def test_approved_scheme_keeps_the_name_given_on_the_page(run_import, agency):
    assert run_import("schemes", scheme_file(scheme_lines())).code == 0
    Scheme.objects.update(name="2026年房间空气调节器评估方案")
    outcome = run_import("schemes", scheme_file(scheme_lines()))
    assert outcome.out == "schemes: created 0, updated 0, unchanged 5"


# ---------------------------------------------------------------- indicator values


@pytest.mark.parametrize(
    ("category", "indicator", "value"),
    [
        ("C-RICE", "EFF", "100.5"),  # per cent: 0-100
        ("C-RICE", "EFF", "-1"),
        ("C-AC", "APF", "2000000000"),  # |value| ≤ 10⁹
        ("C-AC", "NOISE", "-1000000000.5"),
    ],
)
def test_value_out_of_range_is_refused_with_the_forms_message(
    run_import, catalogue, enterprise_user, client, category, indicator, value
):
    standard = declarations.standard_create(
        enterprise=enterprise_user.membership.enterprise,
        standard_no="Q/BJT 001-2026",
        standard_type="enterprise",
        name="企业标准",
        category=catalogue[category],
        products="",
        actor=enterprise_user,
    )
    client.force_login(enterprise_user)
    page = client.get(reverse("declarations:edit", args=[standard.pk]))
    fields = [name for name in page.context["values_form"].fields if name != "text_file"]
    response = client.post(
        reverse("declarations:values", args=[standard.pk]),
        {name: value if name == f"value_{indicator}" else "" for name in fields},
    )
    assert response.status_code == 400
    [form_message] = response.context["values_form"].errors[f"value_{indicator}"]

    uscc = standard.enterprise.uscc
    outcome = run_import(
        "indicator_values",
        f"uscc,standard_no,indicator_code,value\n{uscc},Q/BJT 001-2026,{indicator},{value}\n",
    )
    assert (outcome.code, outcome.lines) == (1, [f"row 2, column value: {form_message}"])
    assert IndicatorValue.objects.count() == 0


def test_values_within_the_forms_range_are_imported(run_import, standards):
    content = (
        "uscc,standard_no,indicator_code,value\n"
        f"{USCC_A},Q/JDQ 002-2026,EFF,100\n"
        f"{USCC_A},Q/JDQ 001-2026,APF,1000000000\n"
        f"{USCC_A},Q/JDQ 001-2026,NOISE,-1000000000\n"
    )
    assert run_import("indicator_values", content).out == (
        "indicator_values: created 3, updated 0, unchanged 0"
    )


# ---------------------------------------------------------------- the derived moves


@pytest.mark.parametrize(
    ("kind", "statuses", "moves"),
    [
        ("standards", {"public", "abolished"}, {("public", "abolished")}),
        (
            "leaders",
            {"active", "revoked", "expired"},
            {("active", "revoked"), ("active", "expired"), ("expired", "revoked")},
        ),
        (
            "experts",
            {"recommended", "appointed", "retired"},
            {("recommended", "appointed"), ("appointed", "retired"), ("recommended", "retired")},
        ),
        ("schemes", {"draft", "approved"}, {("draft", "approved")}),
    ],
)
def test_moves_derived_from_the_workflows_are_the_contracts(kind, statuses, moves):
    """Taken from the transition tables, the moves between the contract's statuses are
    exactly CONTRACT.md §2's forward moves, and every status may stay as it is."""
    pairs = get_import_kind(kind).status_rule.pairs
    assert {(a, b) for a, b in pairs if a in statuses and b in statuses and a != b} == moves
    assert all((status, status) in pairs for status in statuses)
