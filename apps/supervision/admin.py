from django.contrib import admin

from apps.core.admin import AuditedModelAdmin
from apps.core.admin_display import ReadableTabularInline
from apps.supervision.models import SpotCheckItem, SpotCheckPlan


class ItemInline(ReadableTabularInline):
    model = SpotCheckItem
    extra = 0
    fields = ["position", "standard", "reason", "inspector_1", "inspector_2", "result"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(SpotCheckPlan)
class SpotCheckPlanAdmin(AuditedModelAdmin):
    list_display = ["year", "status", "seed", "rate", "population_size", "created_at"]
    readonly_fields = [
        "year",
        "seed",
        "rate",
        "population_size",
        "status",
        "approved_at",
        "approved_by",
        "generated_by",
    ]
    inlines = [ItemInline]

    def has_add_permission(self, request):
        return False  # plans are drawn by the service, never typed in
