"""Demo news: one item per publicity campaign of the work plan, and a policy item."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from apps.news.models import Article

ARTICLES = [
    (
        "quality_month",
        (9, 1),
        "质量月：企业标准“领跑者”制度宣贯会在京召开",
        "市场监管局在质量月期间举办宣贯会，解读领跑者评估方案和激励政策。",
    ),
    (
        "science_week",
        (5, 20),
        "科技周：标准化成果展示领跑者企业创新产品",
        "科技周期间，领跑者企业的智能家电和高端装备产品集中展示。",
    ),
    (
        "world_standards_day",
        (10, 14),
        "世界标准日：以高标准引领高质量发展",
        "世界标准日主题活动发布本年度企业标准自我声明公开情况。",
    ),
    (
        "energy_saving_week",
        (6, 10),
        "节能宣传周：能效领跑者标准助力绿色消费",
        "节能宣传周介绍空调、热水器等能效领跑者标准的核心指标。",
    ),
    (
        "environment_day",
        (6, 5),
        "环境日：领跑者标准中的环保指标解读",
        "环境日活动解读甲醛释放量、噪声等环保类核心指标。",
    ),
    (
        "",
        (3, 15),
        "北京市发布企业标准“领跑者”激励政策",
        "领跑者企业可申请质量奖采信、政府采购优先、信贷支持和优先推荐等激励政策。",
    ),
]


def load() -> None:
    """Idempotent: articles are matched on their title."""
    year = timezone.localdate().year
    for campaign, (month, day), title, summary in ARTICLES:
        moment = timezone.make_aware(datetime.combine(datetime(year - 1, month, day), time(9)))
        Article.objects.get_or_create(
            title=title,
            defaults={
                "campaign": campaign,
                "summary": summary,
                "body": summary + "\n\n各区市场监管部门和相关行业协会组织企业参加活动，"
                "推动更多企业自我声明公开执行标准，争当标准“领跑者”。",
                "published_at": moment,
            },
        )
