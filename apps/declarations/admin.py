from django import forms
from django.contrib import admin

from apps.core.admin import AuditedModelAdmin, ViewOnlyAdmin, ViewOnlyInline
from apps.core.imports.admin import ImportExportMixin
from apps.declarations.models import IndicatorValue, Standard, StandardVersion, Synonym
from apps.declarations.search import normalize_term


class IndicatorValueInline(ViewOnlyInline):
    model = IndicatorValue
    fields = ["indicator", "value"]
    readonly_fields = fields


class VersionInline(ViewOnlyInline):
    model = StandardVersion
    fields = ["number", "status", "name", "published_at", "published_by", "change_note"]
    readonly_fields = fields


# Declarations change only through the enterprise workflow (services, audited) or the
# imports; the admin lets staff see everything, drafts included, without editing it.
@admin.register(Standard)
class StandardAdmin(ViewOnlyAdmin):
    list_display = ["standard_no", "name", "enterprise", "category", "status", "published_on"]
    list_filter = ["status", "standard_type", "category__sector"]
    search_fields = ["standard_no", "name", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "category"]
    show_full_result_count = False
    inlines = [IndicatorValueInline, VersionInline]
    exclude = ["search_document"]


@admin.register(StandardVersion)
class StandardVersionAdmin(ViewOnlyAdmin):
    list_display = ["standard", "number", "status", "published_at"]
    list_filter = ["status"]
    list_select_related = ["standard"]
    show_full_result_count = False


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["term", "canonical"]

    def clean_term(self) -> str:
        # As stored (the model does the same), so the audit log records what was saved.
        return normalize_term(self.cleaned_data["term"])


@admin.register(Synonym)
class SynonymAdmin(ImportExportMixin, AuditedModelAdmin):
    """The public search's synonym list, kept by bureau staff (or imported: `synonyms`)."""

    form = SynonymForm
    import_kind = "synonyms"
    list_display = ["term", "canonical", "updated_at"]
    search_fields = ["term", "canonical"]
    fields = ["term", "canonical"]
