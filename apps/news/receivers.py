"""Announcements created automatically when the leaders app publishes a list, opens a
public notice or revokes a title (signals defined in apps.core.signals)."""

import datetime

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.signals import leader_list_published, leader_title_revoked, notice_opened
from apps.news import services


def _source_key(event: str, sender, instance) -> str:
    return f"{event}:{sender._meta.label_lower}:{instance.pk}"


def _moment(day):
    """An announcement dated the event's day (start of day, local time), or now."""
    if isinstance(day, datetime.date):
        now = timezone.localtime()
        if day == now.date():
            return now
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    return None


@receiver(leader_list_published, dispatch_uid="news_announce_leader_list")
def on_leader_list_published(
    sender, *, instance, year, title, url, published_on, leader_count, actor=None, **kwargs
):
    services.announcement_publish(
        source_key=_source_key("leader_list", sender, instance),
        title=_("关于发布%(title)s的公告") % {"title": title},
        summary=_("%(year)d 年度，共 %(count)d 项企业标准获得“领跑者”称号。")
        % {"year": year, "count": leader_count},
        body=_(
            "根据《北京市实施企业标准“领跑者”制度工作方案》，经评估排行、专家审查和社会公示，"
            "现发布%(title)s，共 %(count)d 项企业标准。名单及各领跑者的验证码可在本平台查询。"
        )
        % {"title": title, "count": leader_count},
        link_url=url,
        published_at=_moment(published_on),
        actor=actor,
    )


@receiver(notice_opened, dispatch_uid="news_announce_notice")
def on_notice_opened(
    sender, *, instance, year, title, url, opens_on, closes_on, actor=None, **kwargs
):
    services.announcement_publish(
        source_key=_source_key("notice", sender, instance),
        title=_("%(title)s公示") % {"title": title},
        summary=_("公示期：%(opens)s 至 %(closes)s")
        % {"opens": opens_on.isoformat(), "closes": closes_on.isoformat()},
        body=_(
            "现将%(title)s予以公示，公示期为 %(opens)s 至 %(closes)s。"
            "公示期间，任何单位和个人对名单有异议的，可通过本平台提出，并说明理由。"
        )
        % {"title": title, "opens": opens_on.isoformat(), "closes": closes_on.isoformat()},
        link_url=url,
        published_at=_moment(opens_on),
        actor=actor,
    )


@receiver(leader_title_revoked, dispatch_uid="news_announce_title_revoked")
def on_leader_title_revoked(
    sender, *, instance, year, title, url, revoked_on, reason, actor=None, **kwargs
):
    services.announcement_publish(
        source_key=_source_key("leader_revoked", sender, instance),
        title=_("关于撤销%(title)s的公告") % {"title": title},
        summary=_("%(day)s 撤销。原因：%(reason)s")
        % {"day": revoked_on.isoformat(), "reason": reason},
        body=_(
            "根据《北京市实施企业标准“领跑者”制度工作方案》，自 %(day)s 起撤销%(title)s。"
            "撤销原因：%(reason)s。该称号的证书自撤销之日起失效，可凭验证码在本平台核验。"
        )
        % {"title": title, "day": revoked_on.isoformat(), "reason": reason},
        link_url=url,
        published_at=_moment(revoked_on),
        actor=actor,
    )
