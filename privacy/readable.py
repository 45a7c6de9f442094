"""A household's export in words, for the people it is about.

``household_export`` (services) returns the data as stored: codes, ISO dates in UTC. This module
puts it into words in the active language: codes by their labels (each app gives the choices of
its section, core/personal_data.py), dates and times in the service's time zone written out
("mardi 1 septembre 2026, 14:00"), yes and no, and the audit trail of the household in sentences.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.audit_words import audit_sentence, audit_summary_words
from accounts.models import AuditEvent
from core.personal_data import household_data

# Values that hold a date without a time.
DATE_KEYS = {"birth_date", "expires_on", "leave_alone_signed_on"}


def when(value: str | None) -> str:
    """An ISO date-time as a person reads it, in the service's time zone."""
    if not value:
        return ""
    moment = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    local = timezone.localtime(moment, timezone=timezone.get_default_timezone())
    # "l j F Y, H:i": the weekday and month in words, the time on 24 hours.
    return formats.date_format(local, "l j F Y, H:i")


def day(value: str | None) -> str:
    if not value:
        return ""
    return formats.date_format(datetime.date.fromisoformat(value[:10]), "j F Y")


def _label(choices, value: Any) -> Any:
    labels = {code: str(label) for code, label in choices or ()}
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value)
    return labels.get(value, value)


def _words(value: Any, key: str, path: str, codes) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if path in codes:
        return _label(codes[path], value)
    if key == "language":
        return _label(settings.LANGUAGES, value)
    if isinstance(value, str) and key in DATE_KEYS:
        return day(value)
    if isinstance(value, str) and key.endswith("_at"):
        return when(value)
    if isinstance(value, dict):
        return {name: _words(item, name, f"{path}.{name}", codes) for name, item in value.items()}
    if isinstance(value, list):
        return [
            _row(item, codes, prefix=f"{path}.") if isinstance(item, dict) else item
            for item in value
        ]
    return value


def _row(row: dict, codes, prefix: str = "") -> dict:
    return {key: _words(value, key, f"{prefix}{key}", codes) for key, value in row.items()}


def audit_trail_in_words(household_id: int, data: dict) -> list[dict[str, str]]:
    """Who read, changed or exported this household's data, in sentences, newest first."""
    objects = Q(object_type="households.household", object_id=str(household_id))
    for kind, section in (("guardian", "guardians"), ("participant", "participants")):
        ids = [str(row["id"]) for row in data.get(section, [])]
        if ids:
            objects |= Q(object_type=f"households.{kind}", object_id__in=ids)
    events = AuditEvent.objects.filter(objects).order_by("-occurred_at", "-id")[:500]
    household_name = " ".join(
        sorted({row["last_name"] for row in data.get("guardians", []) if row["last_name"]})
    )
    return [
        {
            "when": when(event.occurred_at.isoformat()),
            "sentence": audit_sentence(
                event,
                name=household_name if event.object_type == "households.household" else "",
            ),
            "summary": audit_summary_words(event.summary),
        }
        for event in events
    ]


def export_in_words(data: dict) -> dict:
    """The same keys as the stored export, every value in words; ``sections`` lists the
    titles of the apps' sections in order, and ``audit_trail`` who saw or changed what."""
    holders = household_data.holders()
    words: dict[str, Any] = {
        "exported_at": when(data["exported_at"]),
        "household": _row(data["household"], {}),
        "sections": {holder.key: str(holder.title or holder.key) for holder in holders},
    }
    for holder in holders:
        words[holder.key] = [_row(row, holder.codes) for row in data.get(holder.key, [])]
    # Rows that point at a member (enrolments, marks…) name them, for a reader.
    names = {
        row.get("id"): f"{row.get('first_name', '')} {row.get('last_name', '')}".strip()
        for row in data.get("participants", [])
    }
    for key, rows in words.items():
        if key in ("participants", "sections", "household") or not isinstance(rows, list):
            continue
        for row in rows:
            if isinstance(row, dict) and row.get("participant_id") in names:
                row["participant"] = names[row["participant_id"]]
    words["audit_trail"] = audit_trail_in_words(data["household"]["id"], data)
    return words
