"""The active-leader feed for partners (banks, procurement centre, award office).

`GET /api/v1/partner/leaders/` (JSON, paginated) and `GET /api/v1/partner/leaders.csv`.
Authentication: `Authorization: Token <key>` (keys issued on the partner desk) or the
browser session. Only partner users of a provider organisation are allowed: no credentials
answer 401, any other account 403.
"""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import authentication, exceptions, generics, permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import APIView

from apps.core.imports.exporters import stream_csv
from apps.incentives import selectors
from apps.incentives.models import PartnerToken, hash_token
from apps.incentives.rules import can_read_leader_feed
from apps.leaders.models import Leader


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式应为：Authorization: Token <密钥>"))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌含有无效字符")) from None
        token = (
            PartnerToken.objects.select_related("user")
            .filter(key_hash=hash_token(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效或已撤销"))
        PartnerToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.incentives.api.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("合作机构令牌，格式：Token <密钥>"),
        }


class CanReadLeaderFeed(permissions.BasePermission):
    message = _("只有合作机构用户可以读取领跑者数据接口")

    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and can_read_leader_feed.test(request.user)
        )


FEED_AUTH = [PartnerTokenAuthentication, authentication.SessionAuthentication]
FEED_FIELDS = [
    "year",
    "category",
    "category_name",
    "sector",
    "uscc",
    "enterprise",
    "standard_no",
    "standard_name",
    "rank",
    "score",
    "published_on",
    "valid_until",
    "verification_code",
]


class FeedLeaderSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    sector = serializers.CharField(source="category.sector")
    uscc = serializers.CharField(source="standard.enterprise.uscc")
    enterprise = serializers.CharField(source="standard.enterprise.name")
    standard_no = serializers.CharField(source="standard.standard_no")
    standard_name = serializers.CharField(source="standard.name")
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)

    class Meta:
        model = Leader
        fields = FEED_FIELDS


class FeedPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class PartnerLeaderFeed(generics.ListAPIView):
    """Leader titles valid today (status active, within validity), for partner systems."""

    authentication_classes = FEED_AUTH
    permission_classes = [CanReadLeaderFeed]
    serializer_class = FeedLeaderSerializer
    pagination_class = FeedPagination
    filter_backends: list = []

    def get_queryset(self):
        return selectors.feed_active_leaders(timezone.localdate())


def _csv_row(leader: Leader) -> list[str]:
    return [
        str(leader.year),
        leader.category.code,
        leader.category.name,
        leader.category.sector,
        leader.standard.enterprise.uscc,
        leader.standard.enterprise.name,
        leader.standard.standard_no,
        leader.standard.name,
        "" if leader.rank is None else str(leader.rank),
        "" if leader.score is None else str(leader.score),
        leader.published_on.isoformat(),
        leader.valid_until.isoformat(),
        leader.verification_code,
    ]


class PartnerLeaderFeedCSV(APIView):
    """The same feed as one CSV file (UTF-8 with BOM), streamed."""

    authentication_classes = FEED_AUTH
    permission_classes = [CanReadLeaderFeed]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        today = timezone.localdate()
        rows = (_csv_row(leader) for leader in selectors.feed_active_leaders(today).iterator())
        response = StreamingHttpResponse(
            stream_csv(FEED_FIELDS, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="active-leaders-{today.isoformat()}.csv"'
        )
        return response
