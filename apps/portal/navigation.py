"""The site navigation: public links for everyone, plus a menu per role.

Entries name URL patterns; an entry whose pattern is not installed yet is left out, so an app
adds its pages to the menu by adding them here.
"""

from django.urls import NoReverseMatch, reverse
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
    ("supervision:plan_list", _("监督抽查")),
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
        *EVALUATION_STAFF,
        ("admin:index", _("管理后台")),
    ],
    Role.ADMINISTRATOR: [
        ("enterprises:registrations", _("待激活企业账户")),
        *EVALUATION_STAFF,
        ("admin:index", _("管理后台")),
    ],
}


def _resolve(entries, current_path=""):
    items = []
    for name, label in entries:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append(
            {"url": url, "label": label, "active": current_path.startswith(url) and url != "/"}
        )
    return items


def navigation_for(request) -> dict:
    user = request.user
    role_entries = BY_ROLE.get(user.role, []) if user.is_authenticated else []
    return {
        "public": _resolve(PUBLIC, request.path),
        "role": _resolve(role_entries),
        "role_label": user.get_role_display() if user.is_authenticated else "",
    }
