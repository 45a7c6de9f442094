from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Mediator, Partner, Programme, Venue


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "contact_name", "contact_email", "contact_phone")
    list_filter = ("kind",)
    search_fields = ("name", "contact_name", "contact_email")
    filter_horizontal = ("members",)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "address", "neighbourhood", "in_qpv")
    list_filter = ("in_qpv", "neighbourhood")
    search_fields = ("name", "address", "neighbourhood")


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ("__str__", "field", "phone")
    list_filter = ("field",)
    search_fields = ("user__first_name", "user__last_name", "user__username")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "field", "audience", "enrolment_mode", "capacity", "status")
    list_filter = ("status", "kind", "field", "audience", "enrolment_mode")
    search_fields = ("title", "description")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("mediators", "partners")
    list_select_related = ("venue",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "description", "what_to_bring", "status")}),
        (_("Who and what"), {"fields": ("kind", "field", "audience", ("min_age", "max_age"))}),
        (
            _("Enrolment"),
            {
                "fields": (
                    "enrolment_mode",
                    "capacity",
                    "waitlist_enabled",
                    "cancellation_deadline_hours",
                )
            },
        ),
        (
            _("Follow-up and reminders"),
            {"fields": ("reminder_offsets", "absence_follow_up_threshold", "safety_sheet_parts")},
        ),
        (_("Place and people"), {"fields": ("venue", "mediators", "partners")}),
    )
