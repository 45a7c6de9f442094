"""What allocation rounds hold about a household, for export and erasure (core/personal_data.py).

Wishes, outcomes and points stay after erasure (they are counted in each round's figures and the
round's stored inputs hold only ids); the free text written about a wish at publication goes.
"""

import datetime
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from core.personal_data import HouseholdDataHolder, household_data

from .models import ChildResult, Wish


def _wishes(household) -> list[dict[str, Any]]:
    result = ChildResult.objects.filter(
        round=OuterRef("round"), participant=OuterRef("participant")
    )
    rows = []
    for wish in (
        Wish.objects.filter(participant__household=household)
        .select_related("round", "activity__programme", "activity__session")
        .annotate(
            points=Subquery(result.values("points")[:1]),
            criteria=Subquery(result.values("criteria")[:1]),
            position=Subquery(result.values("position")[:1]),
        )
        .order_by("round_id", "participant_id", "rank")
    ):
        rows.append(
            {
                "round": wish.round.title,
                "participant_id": wish.participant_id,
                "rank": wish.rank,
                "activity": str(wish.activity),
                "source": wish.source,
                "outcome": wish.outcome,
                "publication_note": wish.publication_note,
                "entered_at": wish.created_at.isoformat(),
                "points": wish.points,
                "rules_applied": wish.criteria or [],
                "position": wish.position,
            }
        )
    return rows


def _erase_wishes(household, now: datetime.datetime) -> int:
    return Wish.objects.filter(participant__household=household).update(publication_note="")


def register() -> None:
    household_data.register(
        HouseholdDataHolder(
            key="allocation_wishes",
            covers={Wish: ("publication_note",)},
            export=_wishes,
            erase=_erase_wishes,
            title=_("Wishes in allocation rounds"),
            codes={
                "source": Wish._meta.get_field("source").choices,
                "outcome": Wish._meta.get_field("outcome").choices,
            },
        )
    )
