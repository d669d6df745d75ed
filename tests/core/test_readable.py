"""What a person reads: numbers without trailing zeros, history entries in their words."""

from decimal import Decimal

import pytest

from apps.core import audit
from apps.core.formatting import describe, plain_number
from tests.factories.declarations import CategoryFactory, StandardFactory

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
