from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Message, MessageState, MessageTemplate
from .services import NotificationError, message_retry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "recipient_name",
        "channel",
        "address",
        "state",
        "due_at",
        "sent_at",
        "attempts",
        "session",
    )
    list_filter = ("state", "channel", "kind", "language")
    search_fields = ("key", "address", "recipient_name", "session__programme__title")
    date_hierarchy = "created_at"
    list_select_related = ("session__programme",)
    raw_id_fields = ("session", "programme", "recipient_user")
    readonly_fields = [field.name for field in Message._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The outbox is a record of what was sent: staff look, and retry through the action.
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def retry_failed(self, request, queryset):
        retried = 0
        for message in queryset.filter(state=MessageState.FAILED):
            try:
                message_retry(message=message, retried_by=request.user)
                retried += 1
            except NotificationError as error:
                self.message_user(request, f"{message}: {error.message}", level=messages.ERROR)
        self.message_user(
            request,
            ngettext("%d message queued again.", "%d messages queued again.", retried) % retried,
        )


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel", "language", "is_active", "updated_at", "updated_by")
    list_filter = ("kind", "channel", "language", "is_active")
    search_fields = ("subject", "body")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
