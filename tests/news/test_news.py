import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.core.signals import leader_list_published, notice_opened
from apps.leaders.models import Leader
from apps.news.models import Article
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


def test_list_shows_published_articles_newest_first(client):
    older = ArticleFactory(title="旧闻", published_at=timezone.now() - datetime.timedelta(days=2))
    newer = ArticleFactory(title="新闻")
    ArticleFactory(title="草稿", is_published=False)
    ArticleFactory(title="未来", published_at=timezone.now() + datetime.timedelta(days=1))
    body = client.get("/news/").content.decode()
    assert body.index(newer.title) < body.index(older.title)
    assert "草稿" not in body and "未来" not in body


def test_detail_hides_unpublished(client):
    article = ArticleFactory(body="质量月活动正文")
    assert "质量月活动正文" in client.get(f"/news/{article.pk}/").content.decode()
    hidden = ArticleFactory(is_published=False)
    assert client.get(f"/news/{hidden.pk}/").status_code == 404


def test_campaign_and_kind_filters(client):
    ArticleFactory(title="世界标准日活动", campaign="world_standards_day")
    ArticleFactory(title="节能宣传周活动", campaign="energy_saving_week")
    ArticleFactory(title="一则公告", kind="announcement")
    body = client.get("/news/?campaign=world_standards_day").content.decode()
    assert "世界标准日活动" in body and "节能宣传周活动" not in body
    body = client.get("/news/?kind=announcement").content.decode()
    assert "一则公告" in body and "世界标准日活动" not in body
    assert "世界标准日活动" in client.get("/news/?campaign=bogus").content.decode()


def test_rss_and_atom_feeds(client):
    ArticleFactory(title="质量月启动", campaign="quality_month", summary="九月质量月")
    ArticleFactory(title="草稿", is_published=False)
    rss = client.get("/news/feed/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["质量月启动"]
    assert items[0].findtext("description") == "九月质量月"
    assert [c.text for c in items[0].findall("category")] == ["新闻", "质量月"]
    atom = client.get("/news/atom/?campaign=quality_month")
    root = ET.fromstring(atom.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)] == [
        "质量月启动"
    ]
    assert "质量月" in root.findtext("a:title", namespaces=ns)


def test_leader_list_publication_creates_one_announcement(leader_list_instance):
    kwargs = {
        "sender": Leader,
        "instance": leader_list_instance,
        "year": 2025,
        "title": "2025 年度房间空气调节器企业标准领跑者名单",
        "url": "/leaders/?year=2025",
        "published_on": datetime.date(2025, 12, 1),
        "leader_count": 3,
        "actor": None,
    }
    leader_list_published.send(**kwargs)
    leader_list_published.send(**kwargs)  # idempotent
    article = Article.objects.get()
    assert article.kind == "announcement"
    assert article.title == "关于发布2025 年度房间空气调节器企业标准领跑者名单的公告"
    assert article.summary == "2025 年度，共 3 项企业标准获得“领跑者”称号。"
    assert article.link_url == "/leaders/?year=2025"
    assert timezone.localtime(article.published_at).date() == datetime.date(2025, 12, 1)
    assert article.source_key == f"leader_list:leaders.leader:{leader_list_instance.pk}"
    assert AuditEntry.objects.filter(action="news.announce").count() == 1


def test_notice_opening_creates_an_announcement(leader_list_instance):
    today = timezone.localdate()
    notice_opened.send(
        sender=Leader,
        instance=leader_list_instance,
        year=2026,
        title="2026 年度电饭锅企业标准领跑者候选名单",
        url="/leaders/notices/1/",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        actor=None,
    )
    article = Article.objects.get()
    assert article.title == "2026 年度电饭锅企业标准领跑者候选名单公示"
    assert f"公示期为 {today.isoformat()} 至 " in article.body
    assert article in Article.objects.filter(published_at__lte=timezone.now())


@pytest.fixture
def leader_list_instance():
    # Any saved model instance stands in for the leaders app's list or notice object.
    from tests.factories.incentives import valid_leader

    return valid_leader()


def test_news_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    ArticleFactory()
    with django_assert_max_num_queries(2):
        client.get("/news/")
    ArticleFactory.create_batch(25)
    with django_assert_max_num_queries(2):
        body = client.get("/news/").content.decode()
    assert body.count('class="list-group-item list-group-item-action"') == 20


def test_staff_edit_articles_in_the_admin(client_for, bureau_user, admin_user):
    client = client_for(admin_user)
    response = client.post(
        "/admin/news/article/add/",
        {
            "kind": "news",
            "campaign": "science_week",
            "title": "科技周标准化展",
            "summary": "",
            "body": "正文",
            "link_url": "",
            "published_at_0": "2026-05-20",
            "published_at_1": "09:00:00",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.created_by == admin_user
    assert AuditEntry.objects.filter(action="admin.create").count() == 1


def test_bureau_staff_see_news_in_the_admin(client_for, bureau_user):
    ArticleFactory(title="环境日宣传")
    client = client_for(bureau_user)
    assert "环境日宣传" in client.get("/admin/news/article/").content.decode()
    assert client.get("/admin/news/article/add/").status_code == 200


def test_external_links_in_a_body_are_marked_and_leak_nothing(client):
    article = ArticleFactory(
        body="详见 https://evil.example/x?a=1&b=<2>。\n\n"
        "本站：http://127.0.0.1:8000/leaders/ 即可。"
    )
    html = client.get(f"/news/{article.pk}/").content.decode()
    assert (
        '<a href="https://evil.example/x?a=1&amp;b=" rel="noopener noreferrer nofollow">'
        "https://evil.example/x?a=1&amp;b=</a>"
        ' <span class="badge text-bg-secondary">外部链接</span>&lt;2&gt;'
    ) in html
    own = "http://127.0.0.1:8000/leaders/"
    assert f'<a href="{own}">{own}</a> 即可' in html
    assert html.count("外部链接") == 1


@pytest.mark.parametrize("link", ["//evil.example/x", "/\\evil.example", "https://evil.example"])
def test_the_related_page_link_must_stay_on_the_site(client_for, admin_user, link):
    response = client_for(admin_user).post(
        "/admin/news/article/add/",
        {
            "kind": "news",
            "campaign": "",
            "title": "外链",
            "summary": "",
            "body": "正文",
            "link_url": link,
            "published_at_0": "2026-05-20",
            "published_at_1": "09:00:00",
            "is_published": "on",
        },
    )
    assert response.status_code == 200
    assert "相关页面只能是本站路径" in response.content.decode()
    assert not Article.objects.exists()
