from django.contrib import admin

from apps.core.admin import AuditedModelAdmin, PersonalFieldsAdminMixin, ViewOnlyAdmin
from apps.core.admin_display import ReadableTabularInline
from apps.core.imports.admin import ImportExportMixin
from apps.enterprises.models import Enterprise, EnterpriseMembership, EnterpriseNameChange


class MembershipInline(ReadableTabularInline):
    model = EnterpriseMembership
    extra = 0
    fields = ["user", "status", "decided_at"]
    readonly_fields = ["user", "status", "decided_at"]
    can_delete = False


@admin.register(Enterprise)
class EnterpriseAdmin(ImportExportMixin, PersonalFieldsAdminMixin, AuditedModelAdmin):
    import_kind = "enterprises"
    personal_fields = {"contact_phone": "accounts.view_contact_details"}
    list_display = ["uscc", "name", "district", "industry_code", "is_public"]
    list_filter = ["district", "is_public"]
    search_fields = ["uscc", "name"]
    # Set by activating the enterprise's registration (apps.enterprises.services).
    readonly_fields = ["is_public"]
    inlines = [MembershipInline]


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "enterprise", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["user", "enterprise"]
    raw_id_fields = ["user", "enterprise"]


@admin.register(EnterpriseNameChange)
class EnterpriseNameChangeAdmin(ViewOnlyAdmin):
    """Decided on /staff/enterprise-names/ (services.name_change_decide), never here."""

    list_display = ["enterprise", "old_name", "new_name", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["enterprise__uscc", "old_name", "new_name"]
    list_select_related = ["enterprise"]
