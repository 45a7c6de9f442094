"""A household's private calendar feed, on the token machinery of the sessions app."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from households.models import Household
from sessions.models import FeedTokenBase


class HouseholdFeedToken(FeedTokenBase):
    """The secret in the URL of a household's feed: the sessions its members are confirmed for."""

    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="feed_tokens",
        verbose_name=_("household"),
    )

    class Meta:
        verbose_name = _("household calendar link")
        verbose_name_plural = _("household calendar links")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(revoked_at__isnull=True),
                name="household_feed_token_one_active",
                violation_error_message=_("This household already has an active link: renew it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} ({self.prefix}…)"

    def owner_fields(self) -> dict:
        return {"household": self.household}

    def feed_path(self, raw_token: str) -> str:
        return reverse("household_calendars:household", kwargs={"token": raw_token})
