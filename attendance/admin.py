"""Admin of attendance: registers, corrections and check-outs (read-only), headcounts and
follow-ups.

Marks are changed through the register, which keeps the history; here they are read, searched
and filtered.
"""

from django.contrib import admin

from accounts.admin import AuditedReadsAdminMixin
from accounts.roles import Role, has_role

from .models import (
    AnonymousHeadcount,
    Attendance,
    AttendanceCorrection,
    CheckOut,
    FollowUp,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CorrectionInline(admin.TabularInline):
    model = AttendanceCorrection
    extra = 0
    fields = ("corrected_at", "corrected_by", "old_status", "new_status", "reason", "after_lock")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("participant", "session", "status", "walk_in", "marked_by", "marked_at")
    list_filter = ("status", "walk_in", "session__programme", "marked_at")
    search_fields = (
        "participant__first_name",
        "participant__last_name",
        "session__programme__title",
        "client_id",
    )
    list_select_related = ("participant", "session__programme", "marked_by")
    date_hierarchy = "marked_at"
    inlines = [CorrectionInline]


@admin.register(AttendanceCorrection)
class AttendanceCorrectionAdmin(ReadOnlyAdmin):
    list_display = (
        "attendance",
        "old_status",
        "new_status",
        "after_lock",
        "corrected_by",
        "corrected_at",
    )
    list_filter = ("after_lock", "new_status", "corrected_at")
    search_fields = ("attendance__participant__last_name", "reason")
    list_select_related = (
        "attendance__participant",
        "attendance__session__programme",
        "corrected_by",
    )


@admin.register(AnonymousHeadcount)
class AnonymousHeadcountAdmin(admin.ModelAdmin):
    list_display = ("session", "age_band", "count", "updated_by", "updated_at")
    list_filter = ("age_band", "session__programme")
    search_fields = ("session__programme__title",)
    list_select_related = ("session__programme", "updated_by")
    raw_id_fields = ("session",)
    readonly_fields = ("updated_by", "updated_at")


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = (
        "participant",
        "programme",
        "mediator",
        "status",
        "outcome",
        "opened_at",
        "closed_at",
    )
    list_filter = ("status", "outcome", "programme", "mediator")
    search_fields = ("participant__first_name", "participant__last_name", "programme__title")
    list_select_related = ("participant", "programme", "mediator__user")
    raw_id_fields = ("participant", "enrolment", "closed_by")
    filter_horizontal = ("sessions",)
    readonly_fields = ("opened_at",)


@admin.register(CheckOut)
class CheckOutAdmin(AuditedReadsAdminMixin, ReadOnlyAdmin):
    """Who took a child home, as the register recorded it; the list names no collector (the
    name and the note are on the check-out's own page, whose opening is audited)."""

    list_display = ("participant", "session", "collected_by", "checked_out_at", "recorded_by")
    list_filter = ("collected_by", ("checked_out_at", admin.DateFieldListFilter))
    search_fields = ("session__programme__title", "client_id")
    list_select_related = ("participant", "session__programme", "recorded_by")
    date_hierarchy = "checked_out_at"
    fields = (
        "session",
        "participant",
        "collected_by",
        "collector_name",
        "note",
        "checked_out_at",
        "recorded_by",
        "recorded_at",
        "client_id",
    )
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return has_role(request.user, Role.COORDINATOR, Role.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None) -> bool:
        return has_role(request.user, Role.COORDINATOR, Role.ADMINISTRATOR)
