from django.contrib import admin

from apps.core.admin import (
    AuditedModelAdmin,
    PersonalFieldsAdminMixin,
    ViewOnlyAdmin,
    ViewOnlyInline,
)
from apps.core.admin_display import ReadableTabularInline
from apps.evaluators.models import (
    Agency,
    AgencyMembership,
    Assessment,
    EvaluatorConflict,
    KeyAreaApplication,
    Scheme,
    SchemeComment,
    SchemeCriterion,
)


class MembershipInline(ReadableTabularInline):
    model = AgencyMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["name", "uscc", "kind", "contact_email"]
    list_filter = ["kind"]
    search_fields = ["name", "uscc"]
    inlines = [MembershipInline]


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "agency", "created_at"]
    search_fields = ["user__email", "agency__name"]
    list_select_related = ["user", "agency"]
    raw_id_fields = ["user", "agency"]


# Applications, schemes and scores each have their workflow (evaluators/services/: decided
# by bureau staff, reviewed by experts, scored by evaluators); the admin only shows them.
@admin.register(KeyAreaApplication)
class KeyAreaApplicationAdmin(ViewOnlyAdmin):
    list_display = ["agency", "key_area", "status", "created_at", "decided_at"]
    list_filter = ["status", "key_area__year"]
    search_fields = ["agency__name", "key_area__category__name"]
    list_select_related = ["agency", "key_area__category"]
    raw_id_fields = ["agency", "key_area", "submitted_by", "decided_by"]


class CriterionInline(ViewOnlyInline):
    model = SchemeCriterion
    raw_id_fields = ["indicator"]


@admin.register(Scheme)
class SchemeAdmin(ViewOnlyAdmin):
    list_display = ["scheme_code", "year", "category", "agency", "version", "status"]
    list_filter = ["status", "year"]
    search_fields = ["scheme_code", "name", "category__name", "agency__name"]
    list_select_related = ["category", "agency"]
    raw_id_fields = ["category", "agency", "previous", "created_by"]
    inlines = [CriterionInline]


@admin.register(SchemeComment)
class SchemeCommentAdmin(PersonalFieldsAdminMixin, AuditedModelAdmin):
    personal_fields = {"contact": "accounts.view_contact_details"}
    list_display = ["scheme", "author_name", "created_at"]
    search_fields = ["scheme__scheme_code", "author_name", "text"]
    list_select_related = ["scheme"]
    raw_id_fields = ["scheme", "user"]


@admin.register(EvaluatorConflict)
class EvaluatorConflictAdmin(AuditedModelAdmin):
    list_display = ["evaluator", "enterprise", "reason", "created_at"]
    search_fields = ["evaluator__email", "enterprise__uscc", "enterprise__name"]
    list_select_related = ["evaluator", "enterprise"]
    raw_id_fields = ["evaluator", "enterprise"]


@admin.register(Assessment)
class AssessmentAdmin(ViewOnlyAdmin):
    list_display = ["scheme", "standard", "evaluator", "criterion", "score", "decision"]
    list_filter = ["decision"]
    search_fields = ["scheme__scheme_code", "standard__standard_no", "evaluator__email"]
    list_select_related = ["scheme", "standard", "evaluator", "criterion"]
    raw_id_fields = ["scheme", "standard", "evaluator", "criterion"]
