"""Words a family or a new colleague may not know, explained the same way on every page."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    label: Promise | str
    expansion: Promise | str
    explanation: Promise | str


TERMS: dict[str, Term] = {
    "qpv": Term(
        _("QPV"),
        _("Priority neighbourhood of urban policy"),
        _(
            "A QPV (quartier prioritaire de la politique de la ville) is a neighbourhood where "
            "the State and the town give more support. The service reports how many people "
            "from these neighbourhoods it reached."
        ),
    ),
    "cycle": Term(
        _("cycle"),
        _("A series of sessions followed as a whole"),
        _(
            "A cycle is a series of sessions that belong together (for example every Wednesday "
            "from September to June). Enrolling for the whole cycle gives a place in every "
            "session."
        ),
    ),
    "waitlist": Term(
        _("waiting list"),
        _("Ordered list of people waiting for a place"),
        _(
            "When every place is taken, further requests join a waiting list in order. When "
            "someone cancels, the first person on the list gets the place and is told at once."
        ),
    ),
    "per_session": Term(
        _("per session"),
        _("Each session is chosen one by one"),
        _(
            "Enrolment session by session: you choose the dates you come to; each has its own "
            "places and waiting list."
        ),
    ),
    "pij": Term(
        _("PIJ"),
        _("Youth information point"),
        _(
            "The PIJ (point information jeunesse) informs young people about studies, jobs, "
            "housing, health and leisure."
        ),
    ),
    "cddf": Term(
        _("CDDF"),
        _("Family rights and duties council"),
        _(
            "The CDDF (conseil des droits et devoirs des familles), chaired by the mayor, "
            "supports parents who meet difficulties in bringing up their children."
        ),
    ),
}
