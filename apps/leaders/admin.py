from django.contrib import admin

from apps.core.admin import PersonalFieldsAdminMixin, ViewOnlyAdmin, ViewOnlyInline
from apps.leaders.models import (
    Candidate,
    CandidateList,
    Leader,
    Notification,
    Objection,
    RankingJob,
)


# Leaders are published from a candidate list and revoked or expired by the services.
@admin.register(Leader)
class LeaderAdmin(ViewOnlyAdmin):
    list_display = ["year", "category", "standard", "rank", "score", "status", "valid_until"]
    list_filter = ["year", "status", "source", "category__sector"]
    search_fields = [
        "standard__standard_no",
        "standard__enterprise__name",
        "standard__enterprise__uscc",
        "verification_code",
    ]
    list_select_related = ["category", "standard__enterprise"]
    raw_id_fields = ["standard", "candidate"]
    readonly_fields = ["verification_code"]


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    """The outbox: every message to an enterprise and whether its email went out."""

    list_display = ["created_at", "enterprise", "kind", "subject", "status", "sent_at", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["enterprise__name", "enterprise__uscc", "subject"]
    list_select_related = ["enterprise"]
    date_hierarchy = "created_at"


@admin.register(RankingJob)
class RankingJobAdmin(ViewOnlyAdmin):
    list_display = ["scheme", "status", "queued_at", "started_at", "finished_at", "attempts"]
    list_filter = ["status"]
    list_select_related = ["scheme"]


class CandidateInline(ViewOnlyInline):
    model = Candidate
    fields = ["position", "standard", "rank", "score", "status", "removal_reason"]
    readonly_fields = fields


@admin.register(CandidateList)
class CandidateListAdmin(ViewOnlyAdmin):
    list_display = ["scheme", "status", "notice_starts_on", "notice_ends_on", "published_on"]
    list_filter = ["status", "scheme__year"]
    list_select_related = ["scheme"]
    inlines = [CandidateInline]


@admin.register(Objection)
class ObjectionAdmin(PersonalFieldsAdminMixin, ViewOnlyAdmin):
    # The objector: bureau staff and the emergency superuser only (leaders/rules.py).
    personal_fields = {name: "leaders.view_objector" for name in ("name", "contact", "ip_address")}
    hidden_fields = ("contact_index",)
    list_display = ["candidate", "name", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["candidate__standard"]
