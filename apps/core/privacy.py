"""Privacy notices (PIPL art. 17, GB/T 35273-2020 5.5): on every form that collects personal
information, who processes it, what is collected, why, who sees it, how long it is kept, how
it is protected and the holder's rights. Each app builds its notice with `PrivacyNotice`;
pages show it with `{% include "partials/privacy_notice.html" with notice=... %}`
(docs/security.md "Personal information")."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class PrivacyNotice:
    collected: str
    purpose: str
    access: str
    retention: str

    @property
    def controller(self) -> str:
        return _("北京市市场监督管理局（北京市企业标准“领跑者”服务平台）")

    @property
    def protection(self) -> str:
        return _(
            "联系电话、异议人联系方式等敏感信息以国密 SM4 算法加密存储，"
            "只有需要的工作人员可以查看；个人信息的导出和删除记入审计日志。"
        )

    @property
    def rights(self) -> str:
        return _(
            "您有权查阅、复制（导出）、更正、删除您的个人信息，也可以撤回同意（撤回不影响撤回前的处理）。"
            "请发邮件至 %(email)s 提出，安全管理员核实身份后在 30 天内办理并答复。"
        ) % {"email": settings.PRIVACY_CONTACT_EMAIL}
