"""Who may apply for a programme: the programme's eligibility fields, read as rules.

Kept free of queries beyond loading the enterprise's titles once, so a page listing many
programmes checks each against the same preloaded titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from apps.core.uscc import is_beijing
from apps.leaders.models import Leader


@dataclass
class Eligibility:
    reasons: list[str] = field(default_factory=list)
    leaders: list[Leader] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def active_titles(enterprise, day: date) -> list[Leader]:
    """The enterprise's leader titles valid on `day` (the title's own status and validity,
    whether or not the nightly expiry job has run)."""
    if enterprise is None:
        return []
    return list(
        Leader.objects.active_on(day)
        .filter(standard__enterprise=enterprise)
        .select_related("category", "standard")
        .order_by("-year", "category__code", "standard__standard_no")
    )


def check(programme, enterprise, day: date, titles: list[Leader] | None = None) -> Eligibility:
    """Every reason the enterprise may not apply on `day`, and the titles that qualify."""
    result = Eligibility()
    if enterprise is None:
        result.reasons.append(_("只有已激活的企业用户可以申请"))
        return result
    if not programme.published:
        result.reasons.append(_("该政策尚未公开"))
    if day < programme.opens_on:
        result.reasons.append(_("申报自 %(day)s 开始") % {"day": programme.opens_on.isoformat()})
    elif day > programme.closes_on:
        result.reasons.append(_("申报已于 %(day)s 截止") % {"day": programme.closes_on.isoformat()})
    if programme.beijing_only and not is_beijing(enterprise.uscc):
        result.reasons.append(_("仅限北京市企业（统一社会信用代码第3-4位为“11”）申请"))
    if programme.requires_active_leader:
        titles = active_titles(enterprise, day) if titles is None else titles
        qualifying = [
            title
            for title in titles
            if (not programme.sectors or title.category.sector in programme.sectors)
            and (not programme.leader_years or title.year in programme.leader_years)
        ]
        result.leaders = qualifying
        if not titles:
            result.reasons.append(_("须持有有效的企业标准“领跑者”称号"))
        elif not qualifying:
            result.reasons.append(_("所持领跑者称号不在本政策限定的领域或年度内"))
    return result
