from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    CONSUMER_GOODS = "consumer_goods", _("主要消费品")
    EQUIPMENT = "equipment", _("装备制造")
    EMERGING = "emerging", _("新兴产业")
    SERVICES = "services", _("服务")


class CategoryKind(models.TextChoices):
    PRODUCT = "product", _("产品")
    SERVICE = "service", _("服务")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")
