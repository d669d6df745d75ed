from django.contrib import admin

from apps.core.admin import AuditedModelAdmin
from apps.core.imports.admin import ImportExportMixin
from apps.enterprises.models import Enterprise, EnterpriseMembership


class MembershipInline(admin.TabularInline):
    model = EnterpriseMembership
    extra = 0
    fields = ["user", "status", "decided_at"]
    readonly_fields = ["user", "status", "decided_at"]
    can_delete = False


@admin.register(Enterprise)
class EnterpriseAdmin(ImportExportMixin, AuditedModelAdmin):
    import_kind = "enterprises"
    list_display = ["uscc", "name", "district", "industry_code"]
    list_filter = ["district"]
    search_fields = ["uscc", "name"]
    inlines = [MembershipInline]


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "enterprise", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["user", "enterprise"]
    raw_id_fields = ["user", "enterprise"]
