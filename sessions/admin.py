from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Schedule, Session
from .services import SessionError, schedule_apply, session_cancel


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("programme", "kind", "start_date", "end_date", "start_time", "end_time")
    list_filter = ("kind", "programme__kind")
    search_fields = ("programme__title",)
    list_select_related = ("programme",)
    autocomplete_fields = ("programme",)
    filter_horizontal = ("facilitators",)
    actions = ["apply_schedules"]

    @admin.action(description=_("Generate or update the sessions of the selected schedules"))
    def apply_schedules(self, request, queryset):
        for schedule in queryset.select_related("programme"):
            report = schedule_apply(schedule=schedule)
            self.message_user(
                request,
                _("%(schedule)s: %(created)d created, %(updated)d updated, %(deleted)d deleted, "
                  "%(conflicts)d conflicts.") % {
                    "schedule": schedule, "created": len(report.created),
                    "updated": len(report.updated), "deleted": len(report.deleted),
                    "conflicts": len(report.conflicts)},
                level=messages.WARNING if report.conflicts or report.warnings else messages.SUCCESS,
            )
            for warning in report.warnings:
                self.message_user(request, warning, level=messages.WARNING)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("programme", "starts_at", "ends_at", "venue", "status", "revision")
    list_filter = ("status", "programme__kind", "programme__field", "venue")
    search_fields = ("programme__title",)
    date_hierarchy = "starts_at"
    list_select_related = ("programme", "venue")
    autocomplete_fields = ("programme",)
    filter_horizontal = ("facilitators",)
    readonly_fields = ("revision", "schedule", "schedule_date", "created_at", "updated_at")
    actions = ["cancel_sessions"]

    @admin.action(description=_("Cancel the selected sessions (people enrolled are told)"))
    def cancel_sessions(self, request, queryset):
        cancelled = 0
        for session in queryset:
            try:
                session_cancel(session=session, changed_by=request.user)
                cancelled += 1
            except SessionError as error:
                self.message_user(request, f"{session}: {error.message}", level=messages.ERROR)
        self.message_user(request, ngettext("%d session cancelled.", "%d sessions cancelled.",
                                            cancelled) % cancelled)

    def save_model(self, request, obj, form, change):
        # Edits of time, place or status by hand bump the revision (feeds' SEQUENCE).
        if change and {"starts_at", "ends_at", "venue", "status"} & set(form.changed_data):
            obj.revision += 1
            obj.edited_by_hand = True
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
