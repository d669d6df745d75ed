from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class StandardStatus(models.TextChoices):
    """A declaration's public state. `draft` is never shown to the public."""

    DRAFT = "draft", _("草稿")
    PUBLIC = "public", _("公开")
    ABOLISHED = "abolished", _("废止")


class StandardType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业标准（Q/）")
    GROUP = "group", _("团体标准（T/）")
    NATIONAL = "national", _("国家标准（GB、GB/T）")
    INDUSTRY = "industry", _("行业标准")
    LOCAL = "local", _("地方标准（DB）")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本替代")


PUBLIC_STATUSES = (StandardStatus.PUBLIC, StandardStatus.ABOLISHED)


def standard_transition_refused(current: str, target: str) -> str:
    """The message for a move the standard's workflow (`services.STANDARD`) does not
    allow: the page's and the import's (CONTRACT.md §2)."""
    return gettext("当前状态“%(from)s”的标准不能变为“%(to)s”") % {
        "from": StandardStatus(current).label,
        "to": StandardStatus(target).label,
    }
