from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import AuditedReadsAdminMixin
from sessions.admin import FeedTokenAdminBase

from .errors import EnrolmentError
from .models import Enrolment, EnrolmentStatus, HouseholdFeedToken
from .services import enrolment_cancel


@admin.register(Enrolment)
class EnrolmentAdmin(AuditedReadsAdminMixin, admin.ModelAdmin):
    list_display = (
        "participant",
        "programme",
        "session",
        "status",
        "waitlist_position",
        "source",
        "referred_by_partner",
        "created_at",
    )
    list_filter = ("status", "source", "programme__kind", "programme")
    search_fields = (
        "participant__last_name",
        "participant__first_name",
        "participant__household__reference",
        "programme__title",
    )
    raw_id_fields = ("participant", "programme", "session", "created_by", "cancelled_by")
    list_select_related = ("participant", "programme", "session", "referred_by_partner")
    readonly_fields = (
        "status",
        "waitlist_position",
        "created_at",
        "confirmed_at",
        "promoted_at",
        "cancelled_at",
        "cancelled_by",
    )
    actions = ["cancel_selected"]

    @admin.action(description=_("Cancel the selected enrolments (promotes the waiting list)"))
    def cancel_selected(self, request, queryset) -> None:
        cancelled = 0
        for enrolment in queryset.exclude(status=EnrolmentStatus.CANCELLED):
            try:
                enrolment_cancel(enrolment=enrolment, cancelled_by=request.user)
                cancelled += 1
            except EnrolmentError as error:
                self.message_user(request, f"{enrolment}: {error.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d enrolment cancelled.", "%(count)d enrolments cancelled.", cancelled)
            % {"count": cancelled},
        )


@admin.register(HouseholdFeedToken)
class HouseholdFeedTokenAdmin(FeedTokenAdminBase):
    owner_fields = ("household",)
    list_display = ("__str__", "language", "created_at", "last_used_at", "revoked_at")
    search_fields = ("prefix", "household__reference")
    list_select_related = ("household",)
    autocomplete_fields = ("household",)
