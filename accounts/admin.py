from django.contrib import admin
from django.utils.translation import gettext_noop

from .audit import AuditAction, audit_record
from .models import ApiToken, AuditEvent, Invitation, Profile, SignInCode
from .roles import can_read_audit


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        # A raw token is shown once, on creation from the person's own page or the shell.
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "language")
    search_fields = ("user__username",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only and only for coordinators and administrators."""

    list_display = (
        "occurred_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "summary",
        "ip_address",
    )
    list_filter = ("action", "object_type", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "object_id", "summary", "ip_address", "path")
    date_hierarchy = "occurred_at"
    list_select_related = False
    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return can_read_audit(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_read_audit(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedReadsAdminMixin:
    """For admins of personal data: opening an object or a list is recorded as a read."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            audit_record(
                action=AuditAction.VIEW,
                request=request,
                object_type=self.model._meta.label_lower,
                object_id=object_id,
                summary=gettext_noop("admin"),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The search terms stay out of the summary: they are often a person's name.
        searched = "; searched" if request.GET.get("q") else ""
        audit_record(
            action=AuditAction.VIEW,
            request=request,
            object_type=self.model._meta.label_lower,
            summary=f"admin list{searched}",
        )
        return super().changelist_view(request, extra_context)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by their services; an administrator may see them, or delete one to
    stop a code or a link from working."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SignInCode)
class SignInCodeAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "user", "channel", "expires_at", "used_at", "failed_attempts")
    list_filter = ("channel", ("created_at", admin.DateFieldListFilter))
    search_fields = ("user__username",)
    exclude = ("code_hash", "identifier_hash")
    list_select_related = ("user",)


@admin.register(Invitation)
class InvitationAdmin(_ReadOnlyAdmin):
    list_display = (
        "created_at",
        "target_type",
        "target_id",
        "channel",
        "created_by",
        "expires_at",
        "used_at",
        "used_by",
    )
    list_filter = ("channel", "target_type")
    search_fields = ("target_id", "created_by__username", "used_by__username")
    exclude = ("token_hash",)
    list_select_related = ("created_by", "used_by")
