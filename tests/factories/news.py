import datetime

import factory
from django.utils import timezone

from apps.news.models import Article


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"企业标准领跑者新闻{n}")
    summary = "摘要"
    body = "正文内容"
    kind = "news"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
