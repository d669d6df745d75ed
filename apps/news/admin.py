from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import AuditedModelAdmin
from apps.news.models import Article, describe_source


@admin.register(Article)
class ArticleAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "campaign", "published_at", "is_published"]
    list_filter = ["kind", "campaign", "is_published"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["source", "created_by"]

    @admin.display(description=_("来源事件"))
    def source(self, article):
        return describe_source(article.source_key) or self.get_empty_value_display()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
