from django.contrib import admin

from .models import BackgroundJob


@admin.register(BackgroundJob)
class BackgroundJobAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "owner", "state", "progress", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "kind", "owner__username"]
    readonly_fields = ["created_at", "started_at", "finished_at"]
    date_hierarchy = "created_at"
