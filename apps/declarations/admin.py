from django.contrib import admin

from apps.declarations.models import IndicatorValue, Standard, StandardVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """Declarations change only through the enterprise workflow (services, audited) or the
    imports; the admin lets staff see everything, drafts included, without editing it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    fields = ["indicator", "value"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = StandardVersion
    fields = ["number", "status", "name", "published_at", "published_by", "change_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdmin):
    list_display = ["standard_no", "name", "enterprise", "category", "status", "published_on"]
    list_filter = ["status", "standard_type", "category__sector"]
    search_fields = ["standard_no", "name", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "category"]
    show_full_result_count = False
    inlines = [IndicatorValueInline, VersionInline]
    exclude = ["search_document"]


@admin.register(StandardVersion)
class StandardVersionAdmin(ReadOnlyAdmin):
    list_display = ["standard", "number", "status", "published_at"]
    list_filter = ["status"]
    list_select_related = ["standard"]
    show_full_result_count = False
