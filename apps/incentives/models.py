"""Incentive programmes for leaders, their applications, the quality credit record, partner
feed tokens and pilot tags on enterprises."""

import hashlib
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.enums import Sector
from apps.core.models import TimeStampedModel
from apps.core.uscc import validate_uscc
from apps.enterprises.models import Enterprise
from apps.incentives.enums import (
    ApplicationStatus,
    CreditStatus,
    PilotTag,
    ProgrammeKind,
    ProviderKind,
)
from apps.leaders.models import Leader


class Provider(TimeStampedModel):
    """The organisation that grants an incentive: a bank, the procurement centre, the quality
    award office, a bureau department, a fund."""

    name = models.CharField(_("机构名称"), max_length=200, unique=True)
    kind = models.CharField(_("机构类型"), max_length=20, choices=ProviderKind.choices)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc]
    )
    contact_email = models.EmailField(_("联系邮箱"), blank=True)

    class Meta:
        verbose_name = _("政策提供机构")
        verbose_name_plural = _("政策提供机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProviderMembership(TimeStampedModel):
    """A partner user (or a bureau user for bureau-run programmes) acts for one provider."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="provider_membership",
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")

    def __str__(self) -> str:
        return f"{self.user} @ {self.provider}"


# Path segments under /incentives/ that a programme code must not shadow.
RESERVED_CODES = {"pilots", "applications", "documents"}


class Programme(TimeStampedModel):
    """An incentive programme. Eligibility is data: the fields below, checked by
    `apps.incentives.eligibility`."""

    code = models.SlugField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("政策类型"), max_length=20, choices=ProgrammeKind.choices)
    provider = models.ForeignKey(
        Provider, verbose_name=_("提供机构"), on_delete=models.PROTECT, related_name="programmes"
    )
    description = models.TextField(_("政策内容"), blank=True)
    published = models.BooleanField(_("公开"), default=True)
    requires_active_leader = models.BooleanField(_("须为有效领跑者"), default=True)
    sectors = ArrayField(
        models.CharField(max_length=20, choices=Sector.choices),
        verbose_name=_("限定领域"),
        default=list,
        blank=True,
        help_text=_("领跑者标准所属领域；留空为不限。"),
    )
    leader_years = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("限定领跑者年度"),
        default=list,
        blank=True,
        help_text=_("领跑者名单年度，如 2025,2026；留空为不限。"),
    )
    beijing_only = models.BooleanField(
        _("仅限北京市企业"),
        default=True,
        help_text=_("统一社会信用代码第3-4位为“11”的企业。"),
    )
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"))
    required_documents = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("申报材料"),
        default=list,
        blank=True,
        help_text=_("每项材料须上传一个 PDF、JPEG 或 PNG 文件；用逗号分隔。"),
    )

    class Meta:
        verbose_name = _("激励政策")
        verbose_name_plural = _("激励政策")
        ordering = ["-opens_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="programme_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(requires_active_leader=True)
                | (models.Q(sectors=[]) & models.Q(leader_years=[])),
                name="programme_leader_filters_need_leader",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.code in RESERVED_CODES:
            errors["code"] = _("编号“%(code)s”是保留字，请换一个") % {"code": self.code}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("申报截止日期不能早于开始日期")
        if not self.requires_active_leader and (self.sectors or self.leader_years):
            errors["requires_active_leader"] = _(
                "限定领域或领跑者年度时，须要求申请企业为有效领跑者"
            )
        # The admin splits on ASCII commas; a list typed with full-width commas is split too.
        names = [part.strip() for name in self.required_documents for part in name.split("，")]
        if any(not name for name in names):
            errors["required_documents"] = _("申报材料名称不能为空")
        elif len(set(names)) != len(names):
            errors["required_documents"] = _("申报材料名称不能重复")
        self.required_documents = names
        if errors:
            raise ValidationError(errors)

    def sector_labels(self) -> list[str]:
        return [str(Sector(value).label) for value in self.sectors]

    def is_open_on(self, day) -> bool:
        return self.published and self.opens_on <= day <= self.closes_on


class Application(TimeStampedModel):
    programme = models.ForeignKey(
        Programme, verbose_name=_("激励政策"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("申请企业"),
        on_delete=models.PROTECT,
        related_name="incentive_applications",
    )
    leader = models.ForeignKey(
        Leader,
        verbose_name=_("依据的领跑者称号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incentive_applications",
    )
    statement = models.TextField(_("申请说明"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.CharField(_("处理意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("激励申请")
        verbose_name_plural = _("激励申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Refused or withdrawn applications do not block a new one in the window.
            models.UniqueConstraint(
                fields=["programme", "enterprise"],
                condition=models.Q(status__in=["submitted", "approved"]),
                name="application_one_live_per_programme",
            ),
            models.CheckConstraint(
                condition=models.Q(status="submitted") | models.Q(decided_at__isnull=False),
                name="application_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.programme}"


def application_document_path(instance: "ApplicationDocument", filename: str) -> str:
    # Random name, no user-supplied path parts: files are served only through a checked view.
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"incentives/{instance.application_id}/{uuid.uuid4().hex}.{extension}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to=application_document_path)
    original_filename = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "name"], name="application_document_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CreditRecord(TimeStampedModel):
    """A leader title entered in the quality credit record (work plan task 4). Kept in step
    with the title by `services.credit_records_sync`; revoked and expired titles stay on the
    record with their status."""

    leader = models.OneToOneField(
        Leader, verbose_name=_("领跑者称号"), on_delete=models.CASCADE, related_name="credit_record"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="credit_records"
    )
    status = models.CharField(_("状态"), max_length=10, choices=CreditStatus.choices)
    entered_on = models.DateField(_("记入日期"))
    status_changed_on = models.DateField(_("状态变更日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("质量信用记录")
        verbose_name_plural = _("质量信用记录")
        ordering = ["-entered_on", "enterprise__uscc"]
        indexes = [models.Index(fields=["status", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.leader}"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class PartnerToken(models.Model):
    """An API token for the active-leader feed. Only its SHA-256 is stored; the key is shown
    once when issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="partner_tokens",
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据接口令牌")
        verbose_name_plural = _("数据接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class EnterprisePilot(TimeStampedModel):
    """A pilot or campaign an enterprise takes part in (tasks 8-11), set by staff."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="pilots"
    )
    tag = models.CharField(_("试点/行动"), max_length=30, choices=PilotTag.choices)
    since = models.PositiveSmallIntegerField(_("起始年度"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("试点示范标记")
        verbose_name_plural = _("试点示范标记")
        ordering = ["enterprise__uscc", "tag"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "tag"], name="enterprise_pilot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_tag_display()}"
