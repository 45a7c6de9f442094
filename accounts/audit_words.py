"""The audit trail in words: object kinds by their names, summaries in the reader's language.

Events are stored in English codes (``enrolment.household``, ``changed; household 12``) so that
the trail never needs rewriting; these functions put them into words when a person reads them.
A fixed summary is marked with ``gettext_noop`` where it is written and translated here; a
summary with values has its pattern below.
"""

import re
from collections.abc import Callable

from django.apps import apps
from django.utils.translation import gettext, pgettext

# Verbs of the change receivers (privacy/receivers.py), as nouns: "modification ; foyer 12".
_CHANGE_VERBS = {
    "created": lambda: pgettext("audit change", "created"),
    "changed": lambda: pgettext("audit change", "changed"),
    "deleted": lambda: pgettext("audit change", "deleted"),
    "given": lambda: pgettext("audit change", "given"),
    "refused": lambda: pgettext("audit change", "refused"),
    "withdrawn": lambda: pgettext("audit change", "withdrawn"),
    "superseded": lambda: pgettext("audit change", "superseded"),
}


def _change(match: re.Match) -> str:
    verb = _CHANGE_VERBS.get(match["verb"])
    if verb is None:
        return match.string
    return gettext("%(change)s; household %(household)s") % {
        "change": verb(),
        "household": match["household"],
    }


def _consent_kind(code: str) -> str:
    # Looked up through the app registry: the households app sits above this one.
    try:
        field = apps.get_model("households", "Consent")._meta.get_field("kind")
    except LookupError:
        return code
    return str(dict(field.choices or ()).get(code, code))


def _consent_change(match: re.Match) -> str:
    verb = _CHANGE_VERBS.get(match["verb"])
    if verb is None:
        return match.string
    return gettext("%(consent)s: %(change)s; household %(household)s") % {
        "consent": _consent_kind(match["kind"]),
        "change": verb(),
        "household": match["household"],
    }


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match], str]]] = [
    (re.compile(r"^(?P<verb>\w+); household (?P<household>\S+)$"), _change),
    (
        re.compile(r"^(?P<kind>\w+) (?P<verb>\w+); household (?P<household>\S+)$"),
        _consent_change,
    ),
    (
        re.compile(r"^wishes of participants (?P<ids>\[[^\]]*\]): (?P<count>\d+) activities"),
        lambda match: (
            gettext("wishes of participants %(ids)s: %(count)s activities")
            % {"ids": match["ids"], "count": match["count"]}
        ),
    ),
    (
        re.compile(r"^safety sheet version (?P<version>\d+)$"),
        lambda match: gettext("safety sheet version %(version)s") % {"version": match["version"]},
    ),
    (
        re.compile(r"^user name: (?P<name>.*)$"),
        lambda match: gettext("user name: %(name)s") % {"name": match["name"]},
    ),
    (
        re.compile(r"^admin list(?P<rest>.*)$"),
        lambda match: gettext("administration list%(rest)s") % {"rest": match["rest"]},
    ),
    (
        re.compile(r"^(?P<format>csv|xlsx) (?P<query>.*)$"),
        lambda match: (
            gettext("%(format)s download %(query)s")
            % {"format": match["format"].upper(), "query": match["query"]}
        ),
    ),
]


def audit_object_kind(object_type: str) -> str:
    """``enrolment.household`` → "foyer": the model's name in the reader's language."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


def audit_summary_words(summary: str) -> str:
    """A stored summary in the reader's language (unknown ones as they were written)."""
    for pattern, words in _PATTERNS:
        if match := pattern.match(summary):
            return words(match)
    return gettext(summary) if summary else ""


_SENTENCES = {
    "view": lambda: gettext("%(who)s viewed: %(what)s"),
    "create": lambda: gettext("%(who)s created: %(what)s"),
    "change": lambda: gettext("%(who)s changed: %(what)s"),
    "delete": lambda: gettext("%(who)s deleted: %(what)s"),
    "export": lambda: gettext("%(who)s exported: %(what)s"),
    "consent": lambda: gettext("%(who)s recorded a consent: %(what)s"),
    "erase": lambda: gettext("%(who)s erased: %(what)s"),
    "anonymise": lambda: gettext("%(who)s anonymised: %(what)s"),
}


def audit_sentence(event, *, name: str = "") -> str:
    """``Mme Diallo viewed: household Durand`` — an event in one sentence; ``name`` names the
    object when the reader may know it (the trail itself stores only ids)."""
    who = event.actor_label or gettext("the service")
    kind = audit_object_kind(event.object_type)
    what = (
        f"{kind} {name}"
        if name
        else f"{kind} {gettext('no. %(number)s') % {'number': event.object_id}}"
    )
    sentence = _SENTENCES.get(event.action)
    if sentence is None:
        return f"{who}: {event.get_action_display()}, {what}"
    return sentence() % {"who": who, "what": what.strip()}
