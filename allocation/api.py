"""API of allocation rounds: rounds (coordinators), wishes (families, mediators, partners within
their rights), results and report. Lookups go through selectors; writes through services."""

from django.db.models import F, IntegerField, Value
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.auth import session_or_token
from core.schema_types import DbId
from enrolment.access import partner_of

from . import selectors, services
from .errors import AllocationError
from .models import AllocationRound, RoundStatus
from .schemas import (
    JobOut,
    ReportOut,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    RulesIn,
    WishesIn,
    WishOut,
)

router = Router()


def _round_out(round_: AllocationRound, *, detail: bool = False) -> dict:
    data = {
        "id": round_.pk,
        "title": round_.title,
        "status": round_.status,
        "wishes_open_at": round_.wishes_open_at,
        "wishes_close_at": round_.wishes_close_at,
        "results_on": round_.results_on,
        "max_per_child": round_.max_per_child,
        "max_per_household": round_.max_per_household,
        "weights": {str(rule): weight for rule, weight in round_.weights.items()},
        "seed": round_.seed,
        "result_digest": round_.result_digest,
        "url": round_.get_absolute_url(),
    }
    if detail:
        data["activities"] = [
            {
                "id": a.pk,
                "programme_id": a.programme_id,
                "programme": a.programme.title,
                "session_id": a.session_id,
                "starts_at": a.session.starts_at if a.session_id else None,
            }
            for a in selectors.round_activities(round_=round_)
        ]
    return data


def _coordinator(request: HttpRequest) -> None:
    if not selectors.can_manage_rounds(request.auth):
        raise HttpError(403, _("Only coordinators manage allocation rounds."))


@router.get("/rounds", response=list[RoundOut], summary="Allocation rounds and their rules")
@paginate
def list_rounds(request: HttpRequest):
    return [_round_out(round_) for round_ in selectors.round_list()]


@router.get("/rounds/{int:round_id}", response=RoundDetailOut, summary="One round")
def get_round(request: HttpRequest, round_id: DbId):
    return _round_out(selectors.round_get(pk=round_id), detail=True)


@router.post(
    "/rounds",
    response={201: RoundDetailOut},
    auth=session_or_token,
    summary="Open a round (coordinators)",
)
def create_round(request: HttpRequest, payload: RoundIn):
    """`wishes_close_at` must come after `wishes_open_at` (a rule between two fields, which
    the schema cannot state): 400 naming `wishes_close_at`. A programme already in a round
    not yet published, or with no coming session, is a conflict (409)."""
    _coordinator(request)
    programmes = selectors.programmes_by_id(ids=payload.programme_ids)
    if len(programmes) != len(set(payload.programme_ids)):
        raise AllocationError(_("Unknown programme."), field="programme_ids", status=404)
    round_ = services.round_create(
        title=payload.title,
        wishes_open_at=payload.wishes_open_at,
        wishes_close_at=payload.wishes_close_at,
        results_on=payload.results_on,
        programmes=programmes,
        max_per_child=payload.max_per_child,
        max_per_household=payload.max_per_household,
        weights=payload.weights.dict(),
        created_by=request.auth,
    )
    return Status(201, _round_out(round_, detail=True))


@router.put(
    "/rounds/{int:round_id}/rules",
    response=RoundOut,
    auth=session_or_token,
    summary="Change weights and caps before publication (coordinators)",
)
def update_rules(request: HttpRequest, round_id: DbId, payload: RulesIn):
    _coordinator(request)
    round_ = services.round_update_rules(
        round_=selectors.round_get(pk=round_id),
        weights=payload.weights.dict(),
        max_per_child=payload.max_per_child,
        max_per_household=payload.max_per_household,
        changed_by=request.auth,
    )
    return _round_out(round_)


@router.post(
    "/rounds/{int:round_id}/close",
    response=RoundOut,
    auth=session_or_token,
    summary="Close wishes and draw the seed (coordinators)",
)
def close_round(request: HttpRequest, round_id: DbId):
    _coordinator(request)
    return _round_out(
        services.round_close(round_=selectors.round_get(pk=round_id), closed_by=request.auth)
    )


@router.post(
    "/rounds/{int:round_id}/compute",
    response={202: JobOut},
    auth=session_or_token,
    summary="Compute the allocation in the background (coordinators)",
)
def compute_round(request: HttpRequest, round_id: DbId):
    _coordinator(request)
    job = services.computation_start(
        round_=selectors.round_get(pk=round_id), started_by=request.auth
    )
    return Status(202, {"job_id": job.pk, "url": job.get_absolute_url()})


@router.post(
    "/rounds/{int:round_id}/publish",
    response={202: JobOut},
    auth=session_or_token,
    summary="Publish: enrolments and messages, in the background (coordinators)",
)
def publish_round(request: HttpRequest, round_id: DbId):
    _coordinator(request)
    job = services.publication_start(
        round_=selectors.round_get(pk=round_id), started_by=request.auth
    )
    return Status(202, {"job_id": job.pk, "url": job.get_absolute_url()})


@router.get(
    "/rounds/{int:round_id}/wishes",
    response=list[WishOut],
    auth=session_or_token,
    summary="Wishes of the children you may act for",
)
@paginate
def list_wishes(request: HttpRequest, round_id: DbId):
    round_ = selectors.round_get(pk=round_id)
    wishes = selectors.visible_wishes(user=request.auth, round_=round_)
    if round_.status != RoundStatus.PUBLISHED and not selectors.can_manage_rounds(request.auth):
        # Outcomes are a preview until publication: only coordinators read them.
        wishes = wishes.annotate(
            outcome_shown=Value(""), pass_shown=Value(None, output_field=IntegerField())
        )
    else:
        wishes = wishes.annotate(outcome_shown=F("outcome"), pass_shown=F("pass_number"))
    # Rows of a personal model: the pagination records the page read (staff, partners).
    return wishes


def _wish_out(wish) -> dict:
    return {
        "id": wish.pk,
        "participant_id": wish.participant_id,
        "activity_id": wish.activity_id,
        "rank": wish.rank,
        "source": wish.source,
        "outcome": wish.outcome,
        "pass_number": wish.pass_number,
        "enrolment_id": wish.enrolment_id,
    }


@router.put(
    "/rounds/{int:round_id}/wishes",
    response=list[WishOut],
    auth=session_or_token,
    summary="Replace the ranked wishes of a child, or of siblings kept together",
)
def set_wishes(request: HttpRequest, round_id: DbId, payload: WishesIn):
    round_ = selectors.round_get(pk=round_id)
    participants = selectors.participants_by_id(
        user=request.auth, round_=round_, ids=payload.participant_ids
    )
    if len(participants) != len(set(payload.participant_ids)):
        raise AllocationError(_("Unknown child."), field="participant_ids", status=404)
    activities = selectors.activities_by_id(round_=round_, ids=payload.activity_ids)
    if len(activities) != len(payload.activity_ids):
        raise AllocationError(_("This activity is not part of the round."), field="activity_ids")
    wishes = services.wishes_set(
        round_=round_,
        participants=participants,
        activities=activities,
        grouped=payload.grouped,
        created_by=request.auth,
        partner=partner_of(request.auth),
    )
    return [_wish_out(wish) | {"outcome": ""} for wish in wishes]


@router.get(
    "/rounds/{int:round_id}/report",
    response=ReportOut,
    auth=session_or_token,
    summary="Wishes per place, shares served per QPV and age band (coordinators)",
)
def round_report(request: HttpRequest, round_id: DbId):
    _coordinator(request)
    round_ = selectors.round_get(pk=round_id)
    if round_.computed_at is None:
        raise AllocationError(_("This round has not been computed yet."), field="round", status=409)
    preview = selectors.round_preview(round_=round_)

    def share(s) -> dict:
        return {"label": s.label, "children": s.children, "served": s.served, "percent": s.percent}

    return {
        "children": preview.children,
        "granted": preview.granted,
        "first_choices_granted": preview.first_choices_granted,
        "unlucky": len(preview.unlucky),
        "fill": [
            {
                "activity_id": f.activity.pk,
                "activity": str(f.activity),
                "places": f.places,
                "wishes": f.wishes,
                "wishes_per_place": round(f.wishes_per_place, 2),
                "granted": f.granted,
                "waitlisted": f.waitlisted,
            }
            for f in preview.fill
        ],
        "by_qpv": [share(s) for s in preview.by_qpv],
        "by_age": [share(s) for s in preview.by_age],
    }
