"""The site navigation: public links for everyone, plus a menu per role.

Entries name URL patterns; an entry whose pattern is not installed yet is left out, so an app
adds its pages to the menu by adding them here.
"""

import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Role

PUBLIC = [
    ("declarations:search", _("标准查询")),
    ("leaders:rankings", _("排行榜")),
    ("leaders:leader_list", _("领跑者名单")),
    ("leaders:notice_list", _("公示")),
    ("evaluators:public_schemes", _("评估方案")),
    ("portal:statistics", _("统计")),
    ("incentives:programme_list", _("激励政策")),
    ("news:list", _("新闻公告")),
]

EVALUATION_STAFF = [
    ("evaluators:agency_list", _("评估机构")),
    ("evaluators:applications", _("重点领域申请")),
    ("evaluators:staff_schemes", _("评估方案")),
    ("experts:expert_list", _("专家库")),
    ("experts:review_list", _("专家评审")),
    ("leaders:compile_board", _("排行榜编制")),
    ("leaders:staff_lists", _("候选名单")),
    ("leaders:staff_leaders", _("领跑者称号")),
    ("supervision:plan_list", _("监督抽查")),
    ("incentives:staff_desk", _("激励申请审核")),
    ("incentives:staff_pilots", _("试点示范标记")),
]

BY_ROLE = {
    Role.ENTERPRISE: [
        ("declarations:workspace", _("我的标准")),
        ("enterprises:my_profile", _("企业信息")),
        ("evaluators:my_results", _("评估结果")),
        ("incentives:my_applications", _("激励政策申请")),
        ("leaders:my_notifications", _("消息通知")),
    ],
    Role.PARTNER: [("incentives:partner_desk", _("合作机构工作台"))],
    Role.EVALUATOR: [("evaluators:workspace", _("评估机构工作台"))],
    Role.EXPERT: [("experts:workspace", _("专家工作台"))],
    Role.BUREAU: [
        ("enterprises:registrations", _("待激活企业账户")),
        ("accounts:invitations", _("待接受的账户邀请")),
        ("enterprises:name_changes", _("企业名称变更审核")),
        *EVALUATION_STAFF,
        ("admin:index", _("管理后台")),
    ],
    # The three administrators (三员分立): each only its own pages.
    Role.ADMINISTRATOR: [
        ("admin:index", _("管理后台")),
        ("accounts:invitations", _("待接受的账户邀请")),
    ],
    Role.SECURITY_ADMIN: [("admin:index", _("管理后台"))],
    Role.AUDIT_ADMIN: [("admin:core_auditentry_changelist", _("审计日志"))],
    # The emergency superuser may open everything (and every change it makes is audited).
    Role.EMERGENCY: [
        ("enterprises:registrations", _("待激活企业账户")),
        ("accounts:invitations", _("待接受的账户邀请")),
        ("enterprises:name_changes", _("企业名称变更审核")),
        *EVALUATION_STAFF,
        ("admin:index", _("管理后台")),
    ],
}


@functools.lru_cache(maxsize=64)
def _urls(role: str | None, urlconf: str, prefix: str) -> tuple[tuple[str, object], ...]:
    """(url, label) of the installed entries of a role's menu (None: the public menu). URLs
    never change while a process runs (the URLconf is part of its code), so each menu is
    reversed once per URLconf and script prefix rather than on every page."""
    entries = PUBLIC if role is None else BY_ROLE.get(role, [])
    items = []
    for name, label in entries:
        try:
            items.append((reverse(name, urlconf=urlconf), label))
        except NoReverseMatch:
            continue
    return tuple(items)


def _resolve(role: str | None, current_path: str = "") -> list[dict]:
    urls = _urls(role, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return [
        {"url": url, "label": label, "active": current_path.startswith(url) and url != "/"}
        for url, label in urls
    ]


def navigation_for(request) -> dict:
    user = request.user
    public = _resolve(None, request.path)
    authenticated = user.is_authenticated
    return {
        "public": public,
        # What the public menu's rendering depends on besides the language: the page caches
        # it per value (templates/partials/nav.html).
        "public_key": "|".join(item["url"] for item in public if item["active"]),
        "role": _resolve(user.role) if authenticated else [],
        "role_label": user.get_role_display() if authenticated else "",
    }
