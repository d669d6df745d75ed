from django.contrib import admin

from apps.catalog.models import Category, Indicator, KeyArea
from apps.core.admin import AuditedModelAdmin


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "sector", "kind"]
    list_filter = ["sector", "kind"]
    search_fields = ["code", "name"]
    inlines = [IndicatorInline]


@admin.register(KeyArea)
class KeyAreaAdmin(AuditedModelAdmin):
    list_display = ["year", "category"]
    list_filter = ["year", "category__sector"]
    list_select_related = ["category"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = [
        "category",
        "code",
        "name",
        "unit",
        "direction",
        "national_value",
        "national_mandatory",
        "international_value",
    ]
    list_filter = ["direction", "national_mandatory", "category__sector"]
    search_fields = ["code", "name", "category__code"]
    list_select_related = ["category"]
