from django.urls import path

from apps.news import feeds, views

app_name = "news"
urlpatterns = [
    path("news/", views.article_list, name="list"),
    path("news/feed/", feeds.NewsFeed(), name="rss"),
    path("news/atom/", feeds.NewsAtomFeed(), name="atom"),
    path("news/<int:pk>/", views.article_detail, name="detail"),
]
