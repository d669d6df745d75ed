from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.models import TimeStampedModel
from apps.core.uscc import is_beijing, validate_uscc
from apps.enterprises.enums import District, MembershipStatus, NameChangeStatus


class Enterprise(TimeStampedModel):
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("企业名称"), max_length=200)
    district = models.CharField(_("所在区"), max_length=20, choices=District.choices, blank=True)
    industry_code = models.CharField(_("行业代码"), max_length=10, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), max_length=30, blank=True)  # SM4 at rest
    # An enterprise created by a self-registration stays off public pages and the public API
    # until bureau staff activate that registration (docs/security.md, "Unreviewed names").
    is_public = models.BooleanField(_("公开"), default=True, db_default=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["uscc"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uscc__regex=r"^[0-9A-HJ-NP-RTUW-Y]{18}$"),
                name="enterprise_uscc_charset",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_beijing(self) -> bool:
        return is_beijing(self.uscc)


class EnterpriseMembership(TimeStampedModel):
    """An enterprise user belongs to exactly one enterprise; staff activate the link."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    refusal_reason = models.CharField(_("拒绝理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("企业成员")
        verbose_name_plural = _("企业成员")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class EnterpriseNameChange(TimeStampedModel):
    """A new name asked for by an enterprise user: public only once bureau staff approve it."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="name_changes"
    )
    old_name = models.CharField(_("原名称"), max_length=200)
    new_name = models.CharField(_("新名称"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=NameChangeStatus.choices, default=NameChangeStatus.PENDING
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
    refusal_reason = models.CharField(_("拒绝理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("企业名称变更申请")
        verbose_name_plural = _("企业名称变更申请")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="pending"),
                name="one_pending_name_change_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"
