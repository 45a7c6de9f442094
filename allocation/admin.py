from django.contrib import admin

from .models import AllocationRound, ChildResult, RoundActivity, Wish


class RoundActivityInline(admin.TabularInline):
    model = RoundActivity
    extra = 0
    raw_id_fields = ["programme", "session"]


@admin.register(AllocationRound)
class AllocationRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "wishes_open_at", "wishes_close_at", "results_on"]
    list_filter = ["status"]
    search_fields = ["title"]
    readonly_fields = [
        "seed",
        "inputs",
        "result_digest",
        "computed_at",
        "closed_at",
        "published_at",
        "created_by",
    ]
    inlines = [RoundActivityInline]


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    list_display = ["round", "participant", "rank", "activity", "outcome", "source"]
    list_filter = ["round", "outcome", "source"]
    list_select_related = ["round", "participant", "activity__programme", "activity__session"]
    raw_id_fields = ["participant", "activity", "enrolment", "referred_by_partner", "created_by"]
    readonly_fields = ["outcome", "pass_number", "enrolment", "publication_note"]


@admin.register(ChildResult)
class ChildResultAdmin(admin.ModelAdmin):
    list_display = ["round", "participant", "points", "position", "grouped"]
    list_filter = ["round"]
    list_select_related = ["round", "participant"]
    raw_id_fields = ["participant"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
