from django.contrib import admin

from apps.catalog.models import Category, Indicator, KeyArea
from apps.core.admin import AuditedModelAdmin
from apps.core.admin_display import ReadableTabularInline
from apps.core.imports.admin import ImportExportMixin


class IndicatorInline(ReadableTabularInline):
    model = Indicator
    extra = 0


@admin.register(Category)
class CategoryAdmin(ImportExportMixin, AuditedModelAdmin):
    import_kind = "categories"
    list_display = ["code", "name", "sector", "kind"]
    list_filter = ["sector", "kind"]
    search_fields = ["code", "name"]
    inlines = [IndicatorInline]


@admin.register(KeyArea)
class KeyAreaAdmin(ImportExportMixin, AuditedModelAdmin):
    import_kind = "key_areas"
    list_display = ["year", "category"]
    list_filter = ["year", "category__sector"]
    list_select_related = ["category"]


@admin.register(Indicator)
class IndicatorAdmin(ImportExportMixin, AuditedModelAdmin):
    import_kind = "indicators"
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
