"""What a person reads: numbers without trailing zeros, history entries in their words."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from apps.accounts.models import User
from apps.core import audit
from apps.core.formatting import action_words, describe, plain_number
from apps.core.models import AuditEntry, ImportRun
from apps.evaluators.models import Scheme
from apps.experts.models import Review
from tests.factories.declarations import CategoryFactory, StandardFactory
from tests.factories.experts import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("4.400000"), "4.4"),
        ("100.00", "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("0.000"), "0"),
        ("-2.50", "-2.5"),
        (None, ""),
        ("n/a", "n/a"),
    ],
)
def test_plain_number(value, text):
    assert plain_number(value) == text


def test_history_reads_as_labels_and_names_not_keys_and_ids(bureau_user):
    standard = StandardFactory()
    old, new = CategoryFactory(name="电饭锅"), CategoryFactory(name="房间空气调节器")
    audit.record(
        actor=bureau_user,
        action="standard.edit_draft",
        target=standard,
        changes={
            "category": [old.pk, new.pk],
            "status": ["public", "abolished"],
            "reason": [None, "企业申请"],
            "values": [None, {"EER": "4.400000"}],
        },
    )
    [row] = describe(audit.history_for(standard))
    assert row["action"] == "编辑草稿"
    assert row["actor"] == (bureau_user.name or bureau_user.email)
    changes = {label: (before, after) for label, before, after in row["changes"]}
    assert changes["类别"] == (str(old), str(new))  # the names, not the ids
    assert "电饭锅" in changes["类别"][0]
    assert changes["状态"] == ("公开", "废止")
    assert changes["理由"] == ("—", "企业申请")
    assert changes["指标值"] == ("—", "EER：4.4")


def test_a_reference_recorded_by_its_name_reads_as_that_name(bureau_user):
    """An objection's audit entry records its candidate by name (the public may read the
    notice long after): the history shows that name, not "（已删除）"."""
    standard = StandardFactory()
    deleted = CategoryFactory()
    deleted_pk = deleted.pk
    deleted.delete()
    audit.record(
        actor=None,
        action="standard.edit_draft",
        target=standard,
        changes={"category": [deleted_pk, "房间空气调节器（C-AC）"]},
    )
    [row] = describe(audit.history_for(standard))
    changes = {label: (before, after) for label, before, after in row["changes"]}
    assert changes["类别"] == ("（已删除）", "房间空气调节器（C-AC）")


def test_a_status_action_reads_as_the_status(bureau_user):
    standard = StandardFactory()
    audit.record(actor=None, action="standard.abolished", target=standard, changes={})
    [row] = describe(audit.history_for(standard))
    assert row["action"] == "状态变为“废止”"
    assert row["actor"] is None


def test_the_history_table_shows_no_keys_or_ids(client, enterprise_user):
    enterprise = enterprise_user.membership.enterprise
    category = CategoryFactory(name="电饭锅")
    audit.record(
        actor=enterprise_user,
        action="enterprise.update",
        target=enterprise,
        changes={"district": ["chaoyang", "haidian"], "name": ["甲", "乙"]},
    )
    client.force_login(enterprise_user)
    page = client.get("/workspace/enterprise/").content.decode()
    history = page[page.index("audit-history") :]
    history = history[: history.index("</table>")]
    assert "enterprise.update" not in history and "chaoyang" not in history
    assert "朝阳区 → 海淀区" in history
    assert f"→ {category.pk}<" not in history


def test_the_admin_audit_list_shows_actions_in_words(client, admin_user, bureau_user):
    standard = StandardFactory(standard_no="Q/READ 001-2026")
    audit.record(actor=bureau_user, action="standard.abolish", target=standard, changes={})
    client.force_login(admin_user)
    page = client.get("/admin/core/auditentry/", {"q": "Q/READ"}).content.decode()
    results = page[page.index('id="result_list"') :]
    assert '<td class="field-action_words">废止</td>' in results
    assert ">standard.abolish<" not in results  # nor in the filter by action


def test_history_names_a_list_of_choices_and_many_to_many_rows_by_their_labels(bureau_user):
    first, second = CategoryFactory(name="电饭锅"), CategoryFactory(name="房间空气调节器")
    expert = ExpertFactory(specialties=[first])
    audit.record(
        actor=bureau_user,
        action="admin.change",
        target=expert,
        changes={
            "roles": [["committee"], ["committee", "inspector"]],
            "specialties": [[first.pk], [first.pk, second.pk]],
        },
    )
    [row] = describe(audit.history_for(expert))
    changes = {label: (before, after) for label, before, after in row["changes"]}
    assert changes["角色"] == ("专家委员会委员", "专家委员会委员、监督抽查检查员")
    assert changes["专业领域"] == (str(first), f"{first}、{second}")


def test_a_key_that_names_a_field_of_the_objects_rows_reads_as_that_field():
    """A review's opinion is recorded on the review as `decision`, a field of its members."""
    entry = AuditEntry(
        action="review.opinion",
        content_type=ContentType.objects.get_for_model(Review),
        changes={"decision": ["", "approve"], "expert": [None, "liu@example.cn"]},
    )
    [row] = describe([entry])
    assert row["action"] == "提交评审意见"
    assert ("意见", "—", "同意") in row["changes"]
    assert ("专家", "—", "liu@example.cn") in row["changes"]


@pytest.mark.parametrize(
    ("code", "model", "words"),
    [
        ("security.login", User, "登录"),
        ("data.export", User, "导出数据"),
        ("scheme.expert_review", Scheme, "状态变为“专家评审中”"),
        ("import.enterprises", ImportRun, "导入“企业”"),
        ("import.enterprises.cancelled", ImportRun, "取消导入“企业”"),
    ],
)
def test_every_kind_of_action_has_words(code, model, words):
    assert action_words(code, model) == words


def test_the_audit_administrator_reads_an_entry_in_words(client, audit_admin, bureau_user):
    standard = StandardFactory(standard_no="Q/READ 002-2026")
    entry = audit.record(
        actor=bureau_user,
        action="standard.abolished",
        target=standard,
        changes={"status": ["public", "abolished"], "values": [None, {"EFF": "96.000000"}]},
    )
    client.force_login(audit_admin)
    page = client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).content.decode()
    assert "状态变为“废止”" in page
    assert "状态：公开 → 废止" in page and "指标值：— → EFF：96" in page
    assert "standard.abolished" not in page and "96.000000" not in page
    listing = client.get(reverse("admin:core_auditentry_changelist")).content.decode()
    assert "状态变为“废止”（企业标准）" in listing  # the filter by action, in words
