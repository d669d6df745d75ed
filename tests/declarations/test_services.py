from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.declarations import services
from apps.declarations.models import IndicatorValue, Standard, StandardVersion
from tests.declarations.helpers import GOOD_VALUES, declare
from tests.factories.declarations import StandardFactory

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " | ".join(excinfo.value.messages)


def test_publish_makes_values_current_and_audits(enterprise_user, category, pdf):
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    assert standard.status == "public"
    assert standard.published_on == timezone.localdate()
    values = {v.indicator.code: v.value for v in standard.values.select_related("indicator")}
    assert values == {"EFF": Decimal("85"), "NOISE": Decimal("40"), "STANDBY": Decimal("0.8")}
    version = standard.versions.get()
    assert (version.status, version.number, version.published_by) == (
        "published",
        1,
        enterprise_user,
    )
    assert version.commitment_accepted_at is not None
    actions = list(
        AuditEntry.objects.filter(object_id=str(standard.pk)).values_list("action", flat=True)
    )
    assert set(actions) >= {
        "standard.create",
        "standard.set_values",
        "standard.attach_text",
        "standard.publish",
    }


def test_create_rejects_bad_number_with_example(enterprise_user, category):
    with pytest.raises(ValidationError) as excinfo:
        services.standard_create(
            enterprise=enterprise_user.membership.enterprise,
            standard_no="Q/BJT 001",
            standard_type="enterprise",
            name="x",
            category=category,
            actor=enterprise_user,
        )
    assert "格式不正确" in messages_of(excinfo)
    assert "Q/BJHD 001-2024" in messages_of(excinfo)
    assert Standard.objects.count() == 0


def test_create_rejects_number_of_another_type(enterprise_user, category):
    with pytest.raises(ValidationError) as excinfo:
        services.standard_create(
            enterprise=enterprise_user.membership.enterprise,
            standard_no="GB/T 7725-2022",
            standard_type="enterprise",
            name="x",
            category=category,
            actor=enterprise_user,
        )
    assert "与所选标准类型" in messages_of(excinfo)


def test_create_rejects_duplicate_number_per_enterprise(
    enterprise_user, other_enterprise_user, category
):
    declare(user=enterprise_user, category=category, publish=False)
    with pytest.raises(ValidationError) as excinfo:
        declare(user=enterprise_user, category=category, number="Q/BJT  001-2024", publish=False)
    assert "本企业已声明过编号为“Q/BJT 001-2024”的标准" in messages_of(excinfo)
    # Another enterprise may use the same number.
    declare(user=other_enterprise_user, category=category, publish=False)
    assert Standard.objects.count() == 2


def test_values_must_be_numbers_within_bounds(enterprise_user, category):
    standard = declare(user=enterprise_user, category=category, values={}, publish=False)
    with pytest.raises(ValidationError) as excinfo:
        services.version_set_values(
            standard=standard,
            values={"EFF": "一百", "NOISE": "1e12", "STANDBY": "0.1234567"},
            actor=enterprise_user,
        )
    errors = excinfo.value.message_dict
    assert "“一百”不是数字" in errors["EFF"][0]
    assert "超出合理范围" in errors["NOISE"][0]
    assert "最多保留 6 位小数" in errors["STANDBY"][0]
    with pytest.raises(ValidationError) as excinfo:
        services.version_set_values(standard=standard, values={"EFF": "101"}, actor=enterprise_user)
    assert "百分比指标值应在 0 至 100 之间" in excinfo.value.message_dict["EFF"][0]
    assert services.draft_version_of(standard).values == {}


def test_values_must_belong_to_the_category(enterprise_user, category):
    standard = declare(user=enterprise_user, category=category, values={}, publish=False)
    with pytest.raises(ValidationError) as excinfo:
        services.version_set_values(standard=standard, values={"APF": "4.2"}, actor=enterprise_user)
    assert "指标“APF”不属于类别“电饭锅”" in messages_of(excinfo)


def test_publish_lists_everything_missing(enterprise_user, category):
    standard = declare(user=enterprise_user, category=category, values={"EFF": "85"}, publish=False)
    with pytest.raises(ValidationError) as excinfo:
        services.standard_publish(
            standard=standard, actor=enterprise_user, commitment_accepted=False
        )
    text = messages_of(excinfo)
    assert "请填写以下指标的声明值：噪声、待机功率" in text
    assert "请上传标准文本（PDF）" in text
    assert "请阅读并接受自我声明承诺" in text
    standard.refresh_from_db()
    assert standard.status == "draft"
    assert IndicatorValue.objects.count() == 0


def test_value_below_mandatory_national_value_blocks_publication(enterprise_user, category, pdf):
    values = {**GOOD_VALUES, "EFF": "79.5", "NOISE": "45"}  # NOISE below, but not mandatory
    standard = declare(
        user=enterprise_user, category=category, pdf=pdf(), values=values, publish=False
    )
    with pytest.raises(ValidationError) as excinfo:
        services.standard_publish(
            standard=standard, actor=enterprise_user, commitment_accepted=True
        )
    assert messages_of(excinfo) == (
        "“热效率”的声明值 79.5 低于强制性国家标准值 80（越高越好），"
        "不符合强制性国家标准的标准不能公开"
    )
    services.version_set_values(
        standard=standard, values={**values, "EFF": "80"}, actor=enterprise_user
    )
    standard = services.standard_publish(
        standard=standard, actor=enterprise_user, commitment_accepted=True
    )
    assert standard.status == "public"


def test_pdf_is_checked_by_magic_bytes_and_size(enterprise_user, category, pdf, monkeypatch):
    standard = declare(user=enterprise_user, category=category, publish=False)
    with pytest.raises(ValidationError) as excinfo:
        services.version_attach_text(
            standard=standard,
            upload=pdf("fake.pdf", b"<html>not a pdf</html>"),
            actor=enterprise_user,
        )
    assert "不是PDF文件" in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.version_attach_text(
            standard=standard, upload=pdf("empty.pdf", b""), actor=enterprise_user
        )
    assert "上传的文件是空的" in messages_of(excinfo)
    monkeypatch.setattr("apps.declarations.validators.MAX_TEXT_BYTES", 10)
    with pytest.raises(ValidationError) as excinfo:
        services.version_attach_text(standard=standard, upload=pdf(), actor=enterprise_user)
    assert "标准文本不能超过" in messages_of(excinfo)
    assert not services.draft_version_of(standard).text_file


def test_stored_file_has_a_random_name(enterprise_user, category, pdf, media_root):
    standard = declare(user=enterprise_user, category=category, pdf=pdf("../../etc/passwd.pdf"))
    version = standard.versions.get()
    assert version.text_filename == "passwd.pdf"
    assert version.text_file.name.startswith(f"standards/{standard.pk}/")
    assert "passwd" not in version.text_file.name
    assert (media_root / version.text_file.name).read_bytes().startswith(b"%PDF-")


def test_revision_publishes_a_new_version_and_keeps_history(enterprise_user, category, pdf):
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    first_file = standard.versions.get().text_file.name
    draft = services.standard_revise(standard=standard, actor=enterprise_user)
    assert (draft.number, draft.values, draft.text_file.name) == (2, GOOD_VALUES, first_file)
    # The public content is unchanged while the revision is a draft.
    services.version_set_values(
        standard=standard, values={**GOOD_VALUES, "EFF": "90"}, actor=enterprise_user
    )
    assert standard.values.get(indicator__code="EFF").value == Decimal("85")
    services.standard_publish(
        standard=standard, actor=enterprise_user, commitment_accepted=True, change_note="热效率提高"
    )
    standard.refresh_from_db()
    assert standard.values.get(indicator__code="EFF").value == Decimal("90")
    versions = list(standard.versions.order_by("number").values_list("number", "status", "values"))
    assert versions == [
        (1, "superseded", GOOD_VALUES),
        (2, "published", {**GOOD_VALUES, "EFF": "90"}),
    ]


def test_published_version_cannot_be_edited(enterprise_user, category, pdf):
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    with pytest.raises(ValidationError) as excinfo:
        services.version_set_values(standard=standard, values={"EFF": "99"}, actor=enterprise_user)
    assert "请先点击“修订”创建新版本" in messages_of(excinfo)


def test_number_is_fixed_once_public(enterprise_user, category, pdf):
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    services.standard_revise(standard=standard, actor=enterprise_user)
    with pytest.raises(ValidationError) as excinfo:
        services.standard_update_draft(
            standard=standard,
            actor=enterprise_user,
            standard_no="Q/BJT 002-2024",
            name="x",
            category=category,
            standard_type="enterprise",
        )
    assert "已公开的标准不能修改编号" in messages_of(excinfo)


def test_category_change_clears_values(enterprise_user, category):
    from tests.factories.declarations import category_with_indicators

    other = category_with_indicators(code="C-HOOD", name="吸油烟机")
    standard = declare(user=enterprise_user, category=category, publish=False)
    version = services.standard_update_draft(
        standard=standard,
        actor=enterprise_user,
        name="吸油烟机标准",
        category=other,
        standard_type="enterprise",
    )
    assert version.values == {}
    standard.refresh_from_db()
    assert (standard.category, standard.name) == (other, "吸油烟机标准")


def test_abolish_keeps_the_standard_public_with_its_date(enterprise_user, category, pdf):
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    with pytest.raises(ValidationError) as excinfo:
        services.standard_abolish(
            standard=standard,
            actor=enterprise_user,
            abolished_on=timezone.localdate() + timedelta(days=1),
        )
    assert "废止日期不能晚于今天" in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.standard_abolish(
            standard=standard,
            actor=enterprise_user,
            abolished_on=timezone.localdate() - timedelta(days=1),
        )
    assert "废止日期不能早于公开日期" in messages_of(excinfo)
    services.standard_revise(standard=standard, actor=enterprise_user)
    standard = services.standard_abolish(
        standard=standard, actor=enterprise_user, abolished_on=timezone.localdate()
    )
    assert (standard.status, standard.abolished_on) == ("abolished", timezone.localdate())
    assert not standard.versions.filter(status="draft").exists()
    assert AuditEntry.objects.filter(action="standard.abolish", object_id=str(standard.pk)).exists()
    with pytest.raises(ValidationError) as excinfo:
        services.standard_revise(standard=standard, actor=enterprise_user)
    assert "只有公开状态的标准可以修订" in messages_of(excinfo)


def test_draft_cannot_be_abolished(enterprise_user, category):
    standard = declare(user=enterprise_user, category=category, publish=False)
    with pytest.raises(ValidationError) as excinfo:
        services.standard_abolish(
            standard=standard, actor=enterprise_user, abolished_on=timezone.localdate()
        )
    assert "当前状态“草稿”的标准不能变为“废止”" in messages_of(excinfo)


def test_discard_deletes_a_never_published_standard(
    enterprise_user, category, pdf, media_root, django_capture_on_commit_callbacks
):
    standard = declare(user=enterprise_user, category=category, pdf=pdf(), publish=False)
    path = media_root / services.draft_version_of(standard).text_file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert services.standard_discard_draft(standard=standard, actor=enterprise_user) is None
        assert path.exists()  # the file goes once the deletion has committed
    assert not Standard.objects.exists()
    assert not path.exists()
    assert AuditEntry.objects.filter(action="standard.delete_draft").exists()


def test_discarding_a_revision_keeps_the_shared_file(enterprise_user, category, pdf, media_root):
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    services.standard_revise(standard=standard, actor=enterprise_user)
    services.standard_discard_draft(standard=standard, actor=enterprise_user)
    version = StandardVersion.objects.get()
    assert (media_root / version.text_file.name).exists()


def test_other_enterprise_cannot_change(
    enterprise_user, other_enterprise_user, bureau_user, category
):
    standard = declare(user=enterprise_user, category=category, publish=False)
    for actor in (other_enterprise_user, bureau_user):
        with pytest.raises(PermissionDenied):
            services.version_set_values(standard=standard, values={"EFF": "90"}, actor=actor)
        with pytest.raises(PermissionDenied):
            services.standard_publish(standard=standard, actor=actor, commitment_accepted=True)


def test_revising_an_imported_standard_starts_from_its_row(enterprise_user, category):
    from tests.factories.declarations import IndicatorValueFactory

    standard = StandardFactory(enterprise=enterprise_user.membership.enterprise, category=category)
    IndicatorValueFactory(
        standard=standard, indicator=category.indicators.get(code="EFF"), value=Decimal("88.5")
    )
    draft = services.standard_revise(standard=standard, actor=enterprise_user)
    assert (draft.number, draft.values) == (1, {"EFF": "88.5"})


def test_replacing_the_text_deletes_the_old_file_only_after_commit(
    enterprise_user, category, pdf, media_root, django_capture_on_commit_callbacks
):
    standard = declare(user=enterprise_user, category=category, pdf=pdf(), publish=False)
    old = services.draft_version_of(standard).text_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.version_attach_text(
            standard=standard, upload=pdf("新版.pdf"), actor=enterprise_user
        )
        assert (media_root / old).exists()  # still named by the row until the commit
    new = services.draft_version_of(standard).text_file.name
    assert new != old and (media_root / new).exists()
    assert not (media_root / old).exists()


def test_a_failed_replacement_keeps_the_old_file_and_leaves_no_new_one(
    enterprise_user, category, pdf, media_root, monkeypatch
):
    standard = declare(user=enterprise_user, category=category, pdf=pdf(), publish=False)
    old = services.draft_version_of(standard).text_file.name

    def audit_fails(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("apps.declarations.services.audit.record", audit_fails)
    with pytest.raises(RuntimeError):
        services.version_attach_text(
            standard=standard, upload=pdf("新版.pdf"), actor=enterprise_user
        )
    assert services.draft_version_of(standard).text_file.name == old
    assert sorted(path.name for path in media_root.rglob("*.pdf")) == [old.rsplit("/", 1)[-1]]
