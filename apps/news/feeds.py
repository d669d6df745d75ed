from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from apps.news import selectors
from apps.news.enums import Campaign


class NewsFeed(Feed):
    """RSS 2.0 of the 30 latest news items and announcements; `?campaign=` filters."""

    link = "/news/"
    description = _("企业标准“领跑者”新闻与公告")

    def get_object(self, request):
        campaign = request.GET.get("campaign") or ""
        return campaign if campaign in Campaign.values else ""

    def title(self, campaign):
        name = str(settings.PORTAL_NAME)
        return f"{name} · {Campaign(campaign).label}" if campaign else name

    def items(self, campaign):
        return selectors.articles_public(campaign=campaign or None)[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body[:300]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        labels = [str(item.get_kind_display())]
        if item.campaign:
            labels.append(str(item.get_campaign_display()))
        return labels


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
