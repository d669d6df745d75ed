import django_filters
from django.http import Http404
from django.utils import timezone
from rest_framework import serializers, viewsets

from apps.leaders import selectors
from apps.leaders.models import Leader, Ranking


class LeaderSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    uscc = serializers.CharField(source="standard.enterprise.uscc")
    enterprise = serializers.CharField(source="standard.enterprise.name")
    standard_no = serializers.CharField(source="standard.standard_no")
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Leader
        fields = [
            "year",
            "category",
            "uscc",
            "enterprise",
            "standard_no",
            "rank",
            "score",
            "status",
            "published_on",
            "valid_until",
            "verification_code",
        ]

    def get_status(self, leader: Leader) -> str:
        return leader.status_on(timezone.localdate())


class LeaderFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    category = django_filters.CharFilter(field_name="category__code")

    class Meta:
        model = Leader
        fields = ["year", "category"]


class LeaderViewSet(viewsets.ReadOnlyModelViewSet):
    """Published leader lists; `?year=` and `?category=` (category code) filter."""

    serializer_class = LeaderSerializer
    filterset_class = LeaderFilter
    lookup_field = "verification_code"

    def get_queryset(self):
        return selectors.leaders_public()


class RankingEntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    uscc = serializers.CharField(source="standard.enterprise.uscc")
    enterprise = serializers.CharField(source="standard.enterprise.name")
    standard_no = serializers.CharField(source="standard.standard_no")
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    tiers = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    candidate = serializers.BooleanField()
    excluded_reason = serializers.CharField(allow_null=True)


class RankingSummarySerializer(serializers.Serializer):
    scheme = serializers.CharField(source="scheme.scheme_code")
    year = serializers.IntegerField(source="scheme.year")
    category = serializers.CharField(source="scheme.category.code")
    category_name = serializers.CharField(source="scheme.category.name")
    agency = serializers.CharField(source="scheme.agency.name")
    compiled_at = serializers.DateTimeField()
    participants = serializers.IntegerField()


class RankingDetailSerializer(RankingSummarySerializer):
    entries = serializers.SerializerMethodField()

    def get_entries(self, ranking) -> list[dict]:
        return RankingEntrySerializer(selectors.ranking_entries(ranking), many=True).data


class RankingFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="scheme__year")

    class Meta:
        model = Ranking
        fields = ["year"]


class RankingViewSet(viewsets.ReadOnlyModelViewSet):
    """Compiled rankings (CONTRACT.md §3). The detail lists every entrant: ranked entries in
    rank order, then excluded ones with their reason."""

    filterset_class = RankingFilter
    lookup_field = "scheme_code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.rankings_public()

    def get_serializer_class(self):
        return RankingDetailSerializer if self.action == "retrieve" else RankingSummarySerializer

    def get_object(self):
        ranking = selectors.ranking_current(self.kwargs["scheme_code"])
        if ranking is None:
            raise Http404
        return ranking
