from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .calendar_views import issued_links_keep, issued_links_take
from .feeds import webcal_url
from .models import FeedToken, Schedule, Session
from .services import (
    feed_token_issue,
    feed_token_revoke,
    feed_token_rotate,
    schedule_apply,
)


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
                _(
                    "%(schedule)s: %(created)d created, %(updated)d updated, %(deleted)d deleted, "
                    "%(conflicts)d conflicts."
                )
                % {
                    "schedule": schedule,
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "deleted": len(report.deleted),
                    "conflicts": len(report.conflicts),
                },
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
    # No bulk cancel here: cancelling needs a reason the families will read, asked on the
    # coordination page of each session (/coordination/sessions/<id>/cancel/).

    def save_model(self, request, obj, form, change):
        # Edits of time, place or status by hand bump the revision (feeds' SEQUENCE).
        if change and {"starts_at", "ends_at", "venue", "status"} & set(form.changed_data):
            obj.revision += 1
            obj.edited_by_hand = True
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


class FeedTokenAdminBase(admin.ModelAdmin):
    """Private calendar links (of any app's token model): the secret is shown once, on a page of
    its own, when issued or renewed; existing links are read-only."""

    owner_fields: tuple[str, ...] = ()
    token_fields = ("language", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "language")
    actions = ["rotate_links", "revoke_links"]

    def get_fields(self, request, obj=None):
        return (*self.owner_fields, *self.token_fields)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.token_fields[1:]
        return self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = feed_token_issue(token=obj, created_by=request.user)
        request.feed_links_issued = [(token, raw)]

    def response_add(self, request, obj, post_url_continue=None):
        return self._to_issued_page(request, request.feed_links_issued)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "issued/",
                self.admin_site.admin_view(self.issued_view),
                name=f"{opts.app_label}_{opts.model_name}_issued",
            ),
            *super().get_urls(),
        ]

    def _to_issued_page(self, request, issued):
        """POST/redirect/GET: the secrets wait in the session for the page that shows them,
        so that reloading it neither issues a second link nor renews (revokes) the first."""
        issued_links_keep(
            request,
            [
                {"key": str(token.pk), "title": str(token), "url": self._url(token, raw)}
                for token, raw in issued
            ],
        )
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_issued"))

    @staticmethod
    def _url(token, raw: str) -> str:
        return f"{settings.SITE_URL}{token.feed_path(raw)}"

    def issued_view(self, request):
        """The new links, shown once: a reload finds them gone, and changes nothing
        (``admin_view`` sends it with ``Cache-Control: no-store``)."""
        links = [
            {**link, "webcal_url": webcal_url(link["url"])} for link in issued_links_take(request)
        ]
        opts = self.model._meta
        return TemplateResponse(
            request,
            "admin/sessions/feed_links_issued.html",
            {
                **self.admin_site.each_context(request),
                "links": links,
                "title": _("New calendar feed links"),
                "back_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            },
        )

    @admin.action(description=_("Renew the selected links (the old ones stop working)"))
    def rotate_links(self, request, queryset):
        issued = [
            feed_token_rotate(token=token, created_by=request.user)
            for token in queryset.filter(revoked_at__isnull=True)
        ]
        if not issued:
            self.message_user(request, _("Only active links can be renewed."), messages.WARNING)
            return None
        return self._to_issued_page(request, issued)

    @admin.action(description=_("Revoke the selected links"))
    def revoke_links(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            feed_token_revoke(token=token)
        self.message_user(
            request, ngettext("%d link revoked.", "%d links revoked.", len(tokens)) % len(tokens)
        )


@admin.register(FeedToken)
class FeedTokenAdmin(FeedTokenAdminBase):
    owner_fields = ("scope", "partner", "mediator")
    list_display = ("__str__", "scope", "language", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope", *FeedTokenAdminBase.list_filter)
    search_fields = (
        "prefix",
        "partner__name",
        "mediator__user__first_name",
        "mediator__user__last_name",
    )
    list_select_related = ("partner", "mediator__user")
    autocomplete_fields = ("partner", "mediator")
