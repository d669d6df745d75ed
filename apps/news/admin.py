from django.contrib import admin

from apps.core.admin import AuditedModelAdmin
from apps.news.models import Article


@admin.register(Article)
class ArticleAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "campaign", "published_at", "is_published"]
    list_filter = ["kind", "campaign", "is_published"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["source_key", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
