from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.incentives import services
from apps.incentives.models import Application, ApplicationDocument
from tests.factories.incentives import (
    PNG_BYTES,
    ProgrammeFactory,
    leader_enterprise_user,
    partner_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return leader_enterprise_user()


@pytest.fixture
def programme():
    return ProgrammeFactory()


def documents(upload, **overrides):
    files = {
        "营业执照": upload("执照.pdf"),
        "贷款申请书": upload("申请书.png", PNG_BYTES, "image/png"),
    }
    files.update(overrides)
    return {name: file for name, file in files.items() if file is not None}


def submit(programme, user, files, **kwargs):
    return services.application_submit(
        programme=programme,
        enterprise=user.membership.enterprise,
        documents=files,
        actor=user,
        **kwargs,
    )


def test_submit_stores_documents_outside_the_web_root_and_audits(
    programme, applicant, upload, media_root
):
    application = submit(programme, applicant, documents(upload), statement=" 申请贷款 ")
    assert application.status == "submitted"
    assert application.statement == "申请贷款"
    assert application.leader.standard.enterprise == applicant.membership.enterprise
    stored = {d.name: d for d in application.documents.all()}
    assert set(stored) == {"营业执照", "贷款申请书"}
    assert stored["营业执照"].content_type == "application/pdf"
    assert stored["贷款申请书"].content_type == "image/png"
    assert stored["营业执照"].original_filename == "执照.pdf"
    path = Path(stored["营业执照"].file.path)
    assert path.is_relative_to(media_root)
    assert not path.is_relative_to(Path(settings.BASE_DIR) / "static")
    assert path.read_bytes().startswith(b"%PDF-")
    entry = AuditEntry.objects.get(action="incentive.apply")
    assert entry.changes["status"] == [None, "submitted"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"贷款申请书": None}, "缺少申报材料：贷款申请书"),
        ({"其他": "x"}, "本政策不要求以下材料：其他"),
    ],
)
def test_missing_or_unknown_documents_are_refused(
    programme, applicant, upload, overrides, message, media_root
):
    files = documents(upload, **overrides)
    if "其他" in files:
        files["其他"] = upload("其他.pdf")
    with pytest.raises(ValidationError) as error:
        submit(programme, applicant, files)
    assert error.value.messages == [message]
    assert Application.objects.count() == 0
    assert not list(media_root.rglob("*.*"))


def test_document_content_decides_its_type(programme, applicant, upload, media_root):
    files = documents(
        upload,
        营业执照=upload("假的.pdf", b"MZ\x90\x00 not a pdf"),
        贷款申请书=upload("空.pdf", b""),
    )
    with pytest.raises(ValidationError) as error:
        submit(programme, applicant, files)
    assert error.value.messages == [
        "“营业执照”：文件内容不是 PDF、PNG 或 JPEG，请上传扫描件或 PDF 文件",
        "“贷款申请书”：上传的文件是空的",
    ]
    assert Application.objects.count() == 0
    assert ApplicationDocument.objects.count() == 0
    assert not list(media_root.rglob("*.*"))


def test_ineligible_enterprise_is_refused_with_the_reason(programme, enterprise_user, upload):
    with pytest.raises(ValidationError) as error:
        submit(programme, enterprise_user, documents(upload))
    assert error.value.messages == ["须持有有效的企业标准“领跑者”称号"]


def test_second_live_application_is_refused_but_reapplying_after_refusal_works(
    programme, applicant, upload
):
    first = submit(programme, applicant, documents(upload))
    with pytest.raises(ValidationError) as error:
        submit(programme, applicant, documents(upload))
    assert error.value.messages == ["本企业已申请该政策，请勿重复申请"]
    partner = partner_user(programme.provider)
    services.application_change_status(
        application=first, target="refused", reason="材料不全", actor=partner
    )
    second = submit(programme, applicant, documents(upload))
    assert second.pk != first.pk


def test_leader_of_another_enterprise_is_refused(programme, applicant, upload):
    other = leader_enterprise_user()
    other_title = other.membership.enterprise.standards.get().leader_titles.get()
    with pytest.raises(ValidationError) as error:
        submit(programme, applicant, documents(upload), leader=other_title)
    assert error.value.message_dict == {
        "leader": ["所选领跑者称号不是本企业符合本政策条件的有效称号"]
    }


def test_only_the_enterprise_own_users_apply(programme, applicant, upload, bureau_user):
    other = leader_enterprise_user()
    with pytest.raises(PermissionDenied):
        services.application_submit(
            programme=programme,
            enterprise=applicant.membership.enterprise,
            documents=documents(upload),
            actor=other,
        )
    with pytest.raises(PermissionDenied):
        services.application_submit(
            programme=programme,
            enterprise=applicant.membership.enterprise,
            documents=documents(upload),
            actor=bureau_user,
        )


@pytest.mark.parametrize("target", ["approved", "refused"])
def test_partner_of_the_provider_decides_with_a_reason(programme, applicant, upload, target):
    application = submit(programme, applicant, documents(upload))
    partner = partner_user(programme.provider)
    with pytest.raises(ValidationError) as error:
        services.application_change_status(
            application=application, target=target, reason="  ", actor=partner
        )
    assert error.value.message_dict == {"reason": ["请填写处理意见（通过或不通过的理由）"]}
    decided = services.application_change_status(
        application=application, target=target, reason="符合授信条件", actor=partner
    )
    assert decided.status == target
    assert decided.decided_by == partner
    assert decided.decision_reason == "符合授信条件"
    entry = AuditEntry.objects.get(action=f"incentive.{target}")
    assert entry.changes == {"status": ["submitted", target], "reason": [None, "符合授信条件"]}


def test_others_cannot_decide(programme, applicant, upload, bureau_user):
    application = submit(programme, applicant, documents(upload))
    for actor in (partner_user(), applicant, bureau_user):
        with pytest.raises(PermissionDenied):
            services.application_change_status(
                application=application, target="approved", reason="好", actor=actor
            )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_decided_application_is_final(programme, applicant, upload):
    application = submit(programme, applicant, documents(upload))
    partner = partner_user(programme.provider)
    services.application_change_status(
        application=application, target="approved", reason="同意", actor=partner
    )
    with pytest.raises(ValidationError) as error:
        services.application_change_status(
            application=application, target="refused", reason="改主意", actor=partner
        )
    assert error.value.messages == ["申请状态不能从“已通过”变为“未通过”"]
    with pytest.raises(ValidationError):
        services.application_change_status(
            application=application, target="withdrawn", actor=applicant
        )


def test_enterprise_withdraws_its_own_application_only(programme, applicant, upload):
    application = submit(programme, applicant, documents(upload))
    with pytest.raises(PermissionDenied):
        services.application_change_status(
            application=application, target="withdrawn", actor=leader_enterprise_user()
        )
    with pytest.raises(PermissionDenied):
        services.application_change_status(
            application=application, target="withdrawn", actor=partner_user(programme.provider)
        )
    withdrawn = services.application_change_status(
        application=application, target="withdrawn", actor=applicant
    )
    assert withdrawn.status == "withdrawn"


def test_application_on_a_revoked_title_cannot_be_approved(
    programme, applicant, upload, bureau_user
):
    from apps.leaders.services.titles import leader_revoke

    application = submit(programme, applicant, documents(upload))
    leader_revoke(leader=application.leader, reason="抽查不合格", actor=bureau_user)
    partner = partner_user(programme.provider)
    with pytest.raises(ValidationError) as error:
        services.application_change_status(
            application=application, target="approved", reason="同意", actor=partner
        )
    assert error.value.messages == ["申请所依据的领跑者称号当前状态为“已撤销”，不能批准"]
    refused = services.application_change_status(
        application=application, target="refused", reason="称号已撤销", actor=partner
    )
    assert refused.status == "refused"
