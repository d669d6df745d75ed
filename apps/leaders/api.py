import django_filters
from django.utils import timezone
from rest_framework import serializers, viewsets

from apps.leaders import selectors
from apps.leaders.models import Leader


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
