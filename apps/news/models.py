from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.news.enums import ArticleKind, Campaign

# What an announcement's `source_key` ("notice:leaders.candidatelist:2") names, in words.
SOURCE_EVENTS = {
    "leader_list": _("发布领跑者名单"),
    "notice": _("候选名单公示"),
    "leader_revoked": _("撤销领跑者称号"),
}


def describe_source(source_key: str | None) -> str:
    """The event an announcement was made for: "候选名单公示：2026 年度空调领跑者候选名单"."""
    if not source_key:
        return ""
    event, _sep, rest = source_key.partition(":")
    label, _sep, pk = rest.rpartition(":")
    try:
        subject = apps.get_model(label)._default_manager.filter(pk=pk).first()
    except (LookupError, ValueError):
        subject = None
    words = str(SOURCE_EVENTS.get(event, event))
    return f"{words}：{subject}" if subject is not None else words


class Article(TimeStampedModel):
    """A news item or an announcement. Announcements of leader lists and public notices are
    created automatically (`source_key` names the event, so each is created once)."""

    kind = models.CharField(
        _("类型"), max_length=12, choices=ArticleKind.choices, default=ArticleKind.NEWS
    )
    campaign = models.CharField(_("宣传活动"), max_length=24, choices=Campaign.choices, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"))
    link_url = models.CharField(
        _("相关页面"), max_length=300, blank=True, help_text=_("站内路径，如 /leaders/?year=2026")
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)
    is_published = models.BooleanField(_("发布"), default=True)
    source_key = models.CharField(
        _("来源事件"), max_length=100, unique=True, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("新闻公告")
        verbose_name_plural = _("新闻公告")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["is_published", "-published_at"])]
        constraints = [
            # A site path: "/..." but not "//host" or "/\\host", which browsers read as
            # another site (protocol-relative).
            models.CheckConstraint(
                condition=models.Q(link_url="")
                | (
                    models.Q(link_url__startswith="/")
                    & ~models.Q(link_url__startswith="//")
                    & ~models.Q(link_url__startswith="/\\")
                ),
                name="article_link_is_site_path",
                violation_error_message=_("相关页面只能是本站路径，如 /leaders/?year=2026"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", args=[self.pk])
