from django.contrib import admin

from accounts.admin import AuditedReadsAdminMixin
from accounts.roles import Role, has_role

from .models import (
    Consent,
    EmergencyContact,
    Guardian,
    HealthNote,
    Household,
    Participant,
    SafetySheet,
)


class GuardianInline(admin.StackedInline):
    model = Guardian
    extra = 0
    raw_id_fields = ("user",)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ("first_name", "last_name", "birth_date", "sex", "school", "school_class")


class ConsentInline(admin.TabularInline):
    """Consents are never edited in place: shown here, given and withdrawn through services."""

    model = Consent
    extra = 0
    fields = (
        "kind",
        "participant",
        "version",
        "given_at",
        "given_by",
        "withdrawn_at",
        "superseded_at",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EmergencyContactInline(admin.TabularInline):
    model = EmergencyContact
    extra = 0


@admin.register(Household)
class HouseholdAdmin(AuditedReadsAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "neighbourhood",
        "in_qpv",
        "created_by",
        "created_at",
        "last_activity_at",
    )
    list_filter = ("in_qpv", "neighbourhood", "created_at")
    search_fields = (
        "reference",
        "guardians__last_name",
        "guardians__first_name",
        "guardians__phone",
        "guardians__email",
        "participants__last_name",
        "participants__first_name",
    )
    readonly_fields = ("reference", "created_at")
    raw_id_fields = ("created_by",)
    inlines = [GuardianInline, ParticipantInline, ConsentInline, EmergencyContactInline]


@admin.register(Guardian)
class GuardianAdmin(AuditedReadsAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "household",
        "phone",
        "email",
        "preferred_channel",
        "language",
        "is_primary",
        "user",
    )
    list_filter = ("preferred_channel", "language", "is_primary", "opt_out_sms", "opt_out_email")
    search_fields = ("first_name", "last_name", "phone", "email", "household__reference")
    raw_id_fields = ("household", "user")
    list_select_related = ("household", "user")


@admin.register(Participant)
class ParticipantAdmin(AuditedReadsAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "household", "birth_date", "sex", "school", "school_class")
    list_filter = ("sex", "school")
    search_fields = ("first_name", "last_name", "household__reference", "school")
    raw_id_fields = ("household", "guardian_record")
    list_select_related = ("household",)


@admin.register(Consent)
class ConsentAdmin(AuditedReadsAdminMixin, admin.ModelAdmin):
    list_display = (
        "household",
        "participant",
        "kind",
        "version",
        "given_at",
        "withdrawn_at",
        "superseded_at",
    )
    list_filter = (
        "kind",
        "version",
        ("withdrawn_at", admin.EmptyFieldListFilter),
        ("superseded_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("household__reference", "participant__last_name", "version")
    list_select_related = ("household", "participant")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EmergencyContact)
class EmergencyContactAdmin(AuditedReadsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "relationship", "phone", "household")
    search_fields = ("name", "phone", "household__reference")
    raw_id_fields = ("household",)


@admin.register(HealthNote)
class HealthNoteAdmin(AuditedReadsAdminMixin, admin.ModelAdmin):
    """Health notes are sensitive: in the admin, coordinators and administrators only."""

    list_display = ("participant", "author", "created_at", "expires_on")
    list_filter = ("created_at", "expires_on")
    search_fields = ("participant__last_name", "participant__first_name")
    raw_id_fields = ("participant", "author")

    def has_module_permission(self, request) -> bool:
        return has_role(request.user, Role.COORDINATOR, Role.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None) -> bool:
        return has_role(request.user, Role.COORDINATOR, Role.ADMINISTRATOR)


@admin.register(SafetySheet)
class SafetySheetAdmin(AuditedReadsAdminMixin, admin.ModelAdmin):
    """Who filled which version, and when: never its health details or the people it names,
    which only the sheet page shows to those households.access lets read them. Versions are
    written by the sheet page and the API, never edited here."""

    list_display = ("participant", "version", "filled_as", "filled_at", "superseded_at")
    list_filter = ("filled_as", ("filled_at", admin.DateFieldListFilter))
    search_fields = ("participant__household__reference",)
    list_select_related = ("participant",)
    fields = (
        "participant",
        "version",
        "filled_parts",
        "filled_as",
        "filled_by",
        "filled_at",
        "superseded_at",
        "health_removed_at",
    )
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return has_role(request.user, Role.COORDINATOR, Role.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None) -> bool:
        return has_role(request.user, Role.COORDINATOR, Role.ADMINISTRATOR)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
