from django.contrib import admin
from django.http import HttpRequest

from dilemmas.models import Dilemma, Option, Variation


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ["position", "text_nl", "text_en"]


class VariationInline(admin.TabularInline):
    model = Variation
    extra = 0
    fields = ["position", "text_nl", "text_en"]


@admin.register(Dilemma)
class DilemmaAdmin(admin.ModelAdmin):
    """For platform operators: find a dilemma; the texts and the workflow are changed in the app."""

    list_display = ["__str__", "organisation", "status", "sector_status", "context", "languages", "retired"]
    list_filter = ["status", "sector_status", "context", "languages", "retired"]
    search_fields = ["title_nl", "title_en", "slug"]
    readonly_fields = [f.name for f in Dilemma._meta.concrete_fields]
    inlines = [OptionInline, VariationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
