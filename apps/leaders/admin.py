from django.contrib import admin

from apps.core.admin import AuditedModelAdmin
from apps.leaders.models import Leader


@admin.register(Leader)
class LeaderAdmin(AuditedModelAdmin):
    list_display = ["year", "category", "standard", "rank", "score", "status", "valid_until"]
    list_filter = ["year", "status", "source", "category__sector"]
    search_fields = [
        "standard__standard_no",
        "standard__enterprise__name",
        "standard__enterprise__uscc",
        "verification_code",
    ]
    list_select_related = ["category", "standard__enterprise"]
    raw_id_fields = ["standard"]
    readonly_fields = ["verification_code"]
