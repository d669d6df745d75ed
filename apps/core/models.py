import functools
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from apps.core.formatting import action_label
from apps.core.imports.spec import get_import_kind
from apps.core.uploads import random_name


@functools.cache
def _choice_labels(field) -> dict:
    return dict(field.flatchoices)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """`get_<field>_display()` as Django's, but with the value-to-label map built once per
        field: Django's rebuilds it on every call, hashing each choice's lazy label, i.e.
        translating every label of the field to show one (a tenth of a detail page's CPU).
        Labels stay lazy in the map, so each call gives the active language's."""
        value = getattr(self, field.attname)
        try:
            label = _choice_labels(field).get(value, value)
        except TypeError:  # an unhashable value: Django's own way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


class AuditEntry(models.Model):
    """Who did what to which object, when, with the old and new values.

    Written only by `apps.core.audit.record` from services; never edited afterwards.
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT
    )
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=255)
    changes = models.JSONField(_("变更"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {action_label(self)} {self.object_repr}"


def import_file_path(instance: "ImportRun", filename: str) -> str:
    # Random stored name; the user's filename is kept in `file_name` for display only.
    extension = PurePosixPath(filename.lower()).suffix
    return random_name("imports", extension if extension in {".csv", ".xlsx"} else ".bin")


class ImportRun(models.Model):
    """One import of a file: who, when, which file (name and SHA-256), the counts, the outcome
    and every problem found. Written by `apps.core.imports.services` only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        VALIDATED = "validated", _("校验通过，待确认")
        INVALID = "invalid", _("有错误，未写入")
        CONFIRMED = "confirmed", _("已确认，待写入")
        APPLYING = "applying", _("写入中")
        SUCCEEDED = "succeeded", _("已导入")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    class Source(models.TextChoices):
        COMMAND = "command", _("命令行")
        ADMIN = "admin", _("管理后台")
        WORKSPACE = "workspace", _("工作台")

    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    # An import made from a role's workspace (source `workspace`): which one (a registered
    # `apps.core.imports.spec.Workspace`) and what it was limited to, e.g. {"scheme": 12}.
    # Validation and writing narrow the kind to this scope again (services._kind_for).
    workspace = models.CharField(_("工作台"), max_length=40, blank=True)
    scope = models.JSONField(_("范围"), default=dict, blank=True)
    kind = models.CharField(_("数据类型"), max_length=40)
    file_name = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to=import_file_path, blank=True)
    size = models.BigIntegerField(_("文件大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    dry_run = models.BooleanField(_("仅校验"), default=False)
    background = models.BooleanField(_("后台执行"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.TextField(_("错误"), blank=True)
    preview = models.JSONField(_("预览"), default=list, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.file_name}（{self.get_status_display()}）"

    @property
    def kind_label(self) -> str:
        """The kind's name in words (企业, Enterprises); its code if no longer registered."""
        try:
            return str(get_import_kind(self.kind).label)
        except LookupError:
            return self.kind

    @property
    def finished(self) -> bool:
        return self.status in {
            self.Status.VALIDATED,
            self.Status.INVALID,
            self.Status.SUCCEEDED,
            self.Status.FAILED,
            self.Status.CANCELLED,
        }

    @property
    def summary(self) -> str:
        return (
            f"{self.kind}: created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}"
        )


class InboxMessage(models.Model):
    """A message to one person about something that waits on them: shown in their
    notifications (`/notifications/`) and mailed after the commit that wrote it
    (`apps.core.inbox`). An expert drawn before they have an account gets the mail only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbox",
    )
    email = models.EmailField(_("邮箱"))
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=500, blank=True)
    # The recipient's language when it was written: subject and body are in it, and so is
    # the mail's closing line.
    language = models.CharField(_("语言"), max_length=10, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    status = models.CharField(
        _("发送状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("个人消息")
        verbose_name_plural = _("个人消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["status"], name="inbox_pending", condition=models.Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}：{self.subject}"
