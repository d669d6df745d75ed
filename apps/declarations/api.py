from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import pagination, serializers, viewsets
from rest_framework.response import Response

from apps.declarations import selectors
from apps.declarations.models import Standard
from apps.declarations.validators import decimal_text


class StandardSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise = serializers.CharField(source="enterprise.name")
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = Standard
        fields = [
            "id",
            "uscc",
            "enterprise",
            "standard_no",
            "name",
            "category",
            "category_name",
            "products",
            "published_on",
            "status",
            "indicators",
        ]

    def get_indicators(self, standard) -> list[dict[str, str]]:
        return [
            {
                "code": value.indicator.code,
                "name": value.indicator.name,
                "unit": value.indicator.unit,
                "value": decimal_text(value.value),
            }
            for value in standard.values.all()  # prefetched, ordered by code
        ]


class CappedPageNumberPagination(pagination.PageNumberPagination):
    """DRF pagination whose `count` stops at COUNT_CAP (`count_capped` says so), with the
    terms the search looked for (`expanded_terms`, CONTRACT.md §6)."""

    django_paginator_class = selectors.CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "expanded_terms": list(self.page.paginator.search.expansion.terms),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"true when more than {selectors.COUNT_CAP} standards match; "
            "count is then the cap; `next` keeps paging through every match",
        }
        response["properties"]["expanded_terms"] = {
            "type": "array",
            "items": {"type": "string"},
            "description": "the terms searched for: q (trimmed) first, then the canonical words "
            "of the synonyms whose term is q (case-insensitively), sorted; empty without q",
            "example": ["空调", "空气调节器"],
        }
        return response


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="标准编号、名称、产品或企业名称中包含的文字；同时检索其同义词（规范用词），"
                "完整的统一社会信用代码还查出该企业的全部标准",
            ),
            OpenApiParameter("category", OpenApiTypes.STR, description="类别代码"),
            OpenApiParameter("uscc", OpenApiTypes.STR, description="企业统一社会信用代码"),
        ]
    )
)
class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    """Declared standards that are public or abolished (drafts are never served)."""

    serializer_class = StandardSerializer
    pagination_class = CappedPageNumberPagination
    filter_backends: list = []

    def get_queryset(self):
        return (
            selectors.public_standards()
            .select_related("enterprise", "category")
            .prefetch_related(selectors.values_prefetch())
        )

    def list(self, request, *args, **kwargs):
        params = request.query_params
        search = selectors.standards_search(
            q=params.get("q"), category=params.get("category"), uscc=params.get("uscc")
        )
        search.base = search.base.prefetch_related(selectors.values_prefetch())
        page = self.paginate_queryset(search)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
