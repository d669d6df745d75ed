from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from apps.accounts import urls as accounts_urls
from apps.accounts.views import admin_login, language_set
from apps.core.views import healthz, inbox_page
from apps.declarations.api import StandardViewSet
from apps.enterprises.api import EnterpriseViewSet
from apps.incentives.api import PartnerLeaderFeed, PartnerLeaderFeedCSV
from apps.leaders.api import LeaderViewSet, RankingViewSet

api_router = DefaultRouter()
api_router.register("enterprises", EnterpriseViewSet, basename="enterprise")
api_router.register("standards", StandardViewSet, basename="standard")
api_router.register("leaders", LeaderViewSet, basename="leader")
api_router.register("rankings", RankingViewSet, basename="ranking")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("notifications/", inbox_page, name="inbox"),
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts_urls.overrides)),
    path("", include("apps.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/partner/leaders/", PartnerLeaderFeed.as_view(), name="partner-leaders"),
    path("api/v1/partner/leaders.csv", PartnerLeaderFeedCSV.as_view(), name="partner-leaders-csv"),
    path("api/v1/", include(api_router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("apps.enterprises.urls")),
    path("", include("apps.experts.urls")),
    path("", include("apps.declarations.urls")),
    path("", include("apps.evaluators.urls")),
    path("", include("apps.leaders.urls")),
    path("", include("apps.supervision.urls")),
    path("", include("apps.incentives.urls")),
    path("", include("apps.news.urls")),
    path("", include("apps.portal.urls")),
]

admin.site.site_header = _("企业标准“领跑者”管理后台")
admin.site.site_title = _("领跑者管理后台")
admin.site.index_title = _("管理首页")
