from django.contrib import admin

from .models import ApiToken, Profile


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
