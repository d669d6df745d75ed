from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaderStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已到期")


class LeaderSource(models.TextChoices):
    RANKING = "ranking", _("本平台评估排行")
    IMPORT = "import", _("外部名单导入")
