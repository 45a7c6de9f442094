"""Background work of allocation rounds: computing and publishing, with progress."""

from django.urls import reverse
from django.utils.translation import gettext as _

from jobs.registry import JobOutcome

from . import services
from .models import AllocationRound

COMPUTE = "allocation.compute"
PUBLISH = "allocation.publish"


def _round(job) -> AllocationRound:
    return AllocationRound.objects.get(pk=job.params["round"])


def compute_handler(job, report) -> JobOutcome:
    round_ = _round(job)
    allocation = services.round_compute(round_=round_, computed_by=job.owner, report=report)
    granted = sum(len(children) for children in allocation.granted.values())
    return JobOutcome(
        message=_("%(count)s places given. Check the preview, then publish.") % {"count": granted},
        result={"granted": granted, "digest": allocation.digest()},
        result_url=reverse("allocation:manage", args=[round_.pk]),
    )


def publish_handler(job, report) -> JobOutcome:
    round_ = _round(job)
    summary = services.round_publish(round_=round_, published_by=job.owner, report=report)
    return JobOutcome(
        message=_(
            "Results published: %(confirmed)s places confirmed, %(waitlisted)s on waiting "
            "lists, %(families)s families told."
        )
        % summary,
        result=summary,
        result_url=reverse("allocation:manage", args=[round_.pk]),
    )
