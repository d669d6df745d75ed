from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import AuditedModelAdmin, ViewOnlyAdmin, ViewOnlyInline
from apps.core.admin_display import ReadableModelAdmin, ReadableTabularInline
from apps.enterprises.admin import EnterpriseAdmin as BaseEnterpriseAdmin
from apps.enterprises.models import Enterprise
from apps.incentives.enums import PilotTag
from apps.incentives.models import (
    Application,
    ApplicationDocument,
    CreditRecord,
    EnterprisePilot,
    PartnerToken,
    Programme,
    Provider,
    ProviderMembership,
)


class ProviderMembershipInline(ReadableTabularInline):
    model = ProviderMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Provider)
class ProviderAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "uscc", "contact_email"]
    list_filter = ["kind"]
    search_fields = ["name", "uscc"]
    inlines = [ProviderMembershipInline]


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "provider", "opens_on", "closes_on", "published"]
    list_filter = ["kind", "published", "provider"]
    search_fields = ["code", "name"]
    list_select_related = ["provider"]


class DocumentInline(ViewOnlyInline):
    model = ApplicationDocument
    fields = ["name", "original_filename", "content_type", "size", "sha256"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ViewOnlyAdmin):
    """Read-only: applications change only through the workflow service (the site's pages)."""

    list_display = ["enterprise", "programme", "status", "created_at", "decided_at"]
    list_filter = ["status", "programme__kind", "programme"]
    search_fields = ["enterprise__name", "enterprise__uscc", "programme__name"]
    list_select_related = ["enterprise", "programme"]
    inlines = [DocumentInline]


@admin.register(CreditRecord)
class CreditRecordAdmin(ViewOnlyAdmin):
    """Read-only: kept in step with leader titles by `services.credit_records_sync`."""

    list_display = ["enterprise", "leader", "status", "entered_on", "status_changed_on"]
    list_filter = ["status"]
    search_fields = ["enterprise__name", "enterprise__uscc", "leader__verification_code"]
    list_select_related = ["enterprise", "leader__standard"]


@admin.register(PartnerToken)
class PartnerTokenAdmin(ReadableModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email", "name", "prefix"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(EnterprisePilot)
class EnterprisePilotAdmin(AuditedModelAdmin):
    list_display = ["enterprise", "tag", "since", "note"]
    list_filter = ["tag", "since"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    # Found by typing a part of the name or the USCC, never by its database id; the staff
    # page /staff/pilots/ does the same outside the admin.
    autocomplete_fields = ["enterprise"]
    list_select_related = ["enterprise"]


class PilotTagFilter(admin.SimpleListFilter):
    title = _("试点示范")
    parameter_name = "pilot"

    def lookups(self, request, model_admin):
        return PilotTag.choices

    def queryset(self, request, queryset):
        if self.value() in PilotTag.values:
            return queryset.filter(pilots__tag=self.value())
        return queryset


# The enterprise admin gains a filter on pilot tags (set by staff in the pilot-tag admin above).
# Extended here, not edited in apps.enterprises, because the tags belong to this app; no inline,
# so the enterprise change form stays what it was.
admin.site.unregister(Enterprise)


@admin.register(Enterprise)
class EnterpriseAdmin(BaseEnterpriseAdmin):
    list_filter = [*BaseEnterpriseAdmin.list_filter, PilotTagFilter]
