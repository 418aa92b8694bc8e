"""Framework content is read-only here: it comes from the YAML files, and `load_framework` would
overwrite any edit made in the admin. Change the files instead."""

from django.contrib import admin
from django.http import HttpRequest

from framework.models import (
    AssessmentLibrary,
    GlossaryTerm,
    LoadedFile,
    Requirement,
    ViolationSubtype,
    ViolationType,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LoadedFile)
class LoadedFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "version", "loaded_at", "sha256"]
    list_filter = ["kind"]


@admin.register(ViolationType)
class ViolationTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_nl", "name_en", "order", "retired", "source"]
    list_filter = ["retired"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(ViolationSubtype)
class ViolationSubtypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_nl", "name_en", "type", "research_category", "retired"]
    list_filter = ["type", "research_category", "retired"]
    list_select_related = ["type"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ReadOnlyAdmin):
    list_display = ["slug", "term_nl", "term_en", "retired"]
    list_filter = ["retired"]
    search_fields = ["slug", "term_nl", "term_en"]


@admin.register(AssessmentLibrary)
class AssessmentLibraryAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "name_nl", "name_en", "scoring", "validity_years", "retired", "source"]
    list_filter = ["scoring", "retired"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["code", "library", "area", "weight", "answer_kind"]
    list_filter = ["library", "answer_kind"]
    list_select_related = ["library", "area"]
    search_fields = ["code", "text_nl", "text_en"]
