import datetime

import factory

from apps.leaders.models import Leader
from tests.factories.catalog import CategoryFactory
from tests.factories.declarations import StandardFactory


class LeaderCategoryFactory(CategoryFactory):
    code = "C-AC"
    name = "房间空气调节器"
    sector = "consumer_goods"


class LeaderStandardFactory(StandardFactory):
    standard_no = factory.Sequence(lambda n: f"Q/LP {n:03d}-2025")
    name = "房间空气调节器企业标准"
    category = factory.SubFactory(LeaderCategoryFactory)
    status = "public"
    published_on = datetime.date(2025, 3, 1)


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    year = 2025
    standard = factory.SubFactory(LeaderStandardFactory)
    category = factory.SelfAttribute("standard.category")
    rank = 1
    score = "93.33"
    published_on = datetime.date(2025, 12, 1)
    valid_until = datetime.date(2026, 11, 30)
