from django.contrib import admin

from apps.core.admin import AuditedModelAdmin, PersonalFieldsAdminMixin, ViewOnlyInline
from apps.core.admin_display import ReadableTabularInline
from apps.experts.models import Expert, ExpertConflict, Review, ReviewMember


class ConflictInline(ReadableTabularInline):
    model = ExpertConflict
    extra = 0


@admin.register(Expert)
class ExpertAdmin(PersonalFieldsAdminMixin, AuditedModelAdmin):
    personal_fields = {"phone": "accounts.view_contact_details"}
    list_display = ["name", "email", "organisation", "status", "term_ends_on"]
    list_filter = ["status", "specialties"]
    search_fields = ["name", "email", "organisation", "organisation_uscc"]
    filter_horizontal = ["specialties"]
    raw_id_fields = ["user", "recommended_by"]
    inlines = [ConflictInline]


@admin.register(ExpertConflict)
class ExpertConflictAdmin(AuditedModelAdmin):
    list_display = ["expert", "uscc", "organisation", "created_at"]
    search_fields = ["expert__name", "uscc", "organisation"]
    list_select_related = ["expert"]
    raw_id_fields = ["expert"]


class MemberInline(ViewOnlyInline):
    model = ReviewMember
    fields = ["position", "expert", "decision", "comments", "decided_at"]
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(AuditedModelAdmin):
    """Draws are made by the service only; the admin shows them."""

    list_display = ["__str__", "kind", "category", "status", "outcome", "seed", "created_at"]
    list_filter = ["kind", "status", "outcome"]
    search_fields = ["title"]
    list_select_related = ["category"]
    readonly_fields = [
        "kind",
        "content_type",
        "object_id",
        "round",
        "title",
        "category",
        "size",
        "seed",
        "pool",
        "excluded",
        "excluded_usccs",
        "status",
        "outcome",
        "drawn_by",
        "closed_at",
    ]
    inlines = [MemberInline]

    def has_add_permission(self, request):
        return False
