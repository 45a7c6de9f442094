"""Every string a person sees goes through translation: every page of every role, the forms
with their errors, and every message, rendered in a pseudo-locale that marks each translated
string (tests/i18n/pseudo.py), show no unmarked words but data.

The pages come from the access policy and its data set (tests/pages.py), so a page added
tomorrow is checked as soon as its policy row exists.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from notifications.models import Channel
from notifications.rendering import render_message
from tests.pages import client_for, pages_of
from tests.privacy.access_world import ACTORS, build_world

from .pseudo import PSEUDO, pseudo_catalogue, unmarked, visible_text

pytestmark = pytest.mark.django_db

MESSAGES = Path(settings.BASE_DIR) / "notifications" / "templates" / "notifications" / "messages"
_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_ACTION = re.compile(r'action="([^"]*)"')

# Not data from the database, and not to be translated:
ALLOWED = [
    # the service's own name and contact details, set per town in the settings
    settings.MEDIATION_SERVICE_NAME,
    *settings.SERVICE_CONTACT.values(),
    # the language names in the switcher are written in their own language, whatever the page's
    "Français",
    "English",
]


@pytest.fixture
def pseudo_locale(settings, tmp_path):
    settings.LOCALE_PATHS = [pseudo_catalogue(tmp_path), *settings.LOCALE_PATHS]
    settings.LANGUAGES = [*settings.LANGUAGES, (PSEUDO, "Pseudo")]
    settings.LANGUAGE_CODE = PSEUDO
    with translation.override(PSEUDO):
        yield


def data_values() -> list[str]:
    """Every free-text value stored by the project's models and accounts (names, titles,
    addresses, references, e-mail addresses): data, shown as typed. Fields with choices are
    codes and are not data: a code on a page must be shown by its label."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in {"contenttypes", "sessions", "admin", "axes"}:
            continue
        if model._meta.label in {"auth.Permission", "auth.Group", "accounts.AuditEvent"}:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and not field.choices
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            for value in row:
                values |= set(_strings(value))
    # Names as pages show them: last names in capitals.
    values |= {value.upper() for value in values}
    return sorted((value for value in values if len(value) > 1), key=len, reverse=True)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def faults_of(where: str, html: str, data: list[str]) -> list[str]:
    return [
        f"{where}: <{tag}> {text!r} -> {rest!r}"
        for tag, text in visible_text(html)
        if (rest := unmarked(text, data))
    ]


def _html(response) -> str | None:
    if response.status_code >= 500:
        raise AssertionError(f"{response.request['PATH_INFO']}: {response.status_code}")
    if "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode()


def test_every_page_of_every_role_and_its_form_errors_are_translated(pseudo_locale):
    world = build_world()
    data = [*data_values(), *ALLOWED]
    faults: list[str] = []
    seen = 0
    for role, side in ACTORS:
        client = client_for(world, role, side)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO
        if world.user(role, side) is not None:
            # The account's language would win over the cookie.
            session = client.session
            session["account_language"] = PSEUDO
            session.save()
        for page in pages_of(world, role, side):
            html = _html(client.get(page.url, follow=True, HTTP_ACCEPT_LANGUAGE=PSEUDO))
            if html is None:
                continue
            seen += 1
            faults += faults_of(str(page), html, data)
            posts_here = [
                form
                for form in _FORM.findall(html)
                if 'method="post"' in form.lower()
                and (_ACTION.search(form) is None or _ACTION.search(form)[1] in ("", page.url))
            ]
            if posts_here:
                errors = _html(client.post(page.url, {}, HTTP_ACCEPT_LANGUAGE=PSEUDO))
                if errors is not None:
                    faults += faults_of(f"{page} (empty form posted)", errors, data)
    assert seen > 60
    faults = sorted(set(faults))
    assert not faults, f"{len(faults)} unmarked strings:\n" + "\n".join(faults)


SAMPLE = {
    "programme": "Atelier cuisine",
    "participant": "Lina",
    "participants": ["Lina", "Noé"],
    "starts_at": "2026-09-01T12:00:00+00:00",
    "ends_at": "2026-09-01T14:00:00+00:00",
    "old_starts_at": "2026-08-25T12:00:00+00:00",
    "day": "2026-09-01",
    "time": "14:00",
    "venue": "Salle Marcel",
    "address": "3 rue de la Paix",
    "what_to_bring": "Un tablier",
    "url": "https://example.org/s/1",
    "session_url": "https://example.org/s/1",
    "reason": "Salle inondée",
    "reason_code": "venue_unavailable",
    "position": 2,
    "counter": 3,
    "note": "Rappeler lundi",
    "collector": "Mme Diallo",
    "at": "2026-09-01T12:00:00+00:00",
    "absences": 2,
    "recorded_by": "Mme Diallo",
    "guardian": "Awa Diallo",
    "guardian_phone": "+33612345678",
    "guardian_email": "awa@example.org",
    "sessions": [
        {
            "starts_at": "2026-09-01T12:00:00+00:00",
            "ends_at": "2026-09-01T14:00:00+00:00",
            "programme": "Atelier cuisine",
            "venue": "Salle Marcel",
            "headcount": 4,
            "capacity": 12,
            "waitlisted": 1,
            "url": "https://example.org/s/1",
            "status": "cancelled",
        }
    ],
}


def test_every_message_is_translated(pseudo_locale):
    data = [*sorted(_sample_strings(SAMPLE), key=len, reverse=True), "Awa", *ALLOWED]
    faults = []
    kinds = sorted({path.name.split(".")[0] for path in MESSAGES.glob("*.sms.txt")})
    assert len(kinds) > 8
    for kind in kinds:
        for channel in (Channel.SMS, Channel.EMAIL):
            subject, body = render_message(
                kind=kind, channel=channel, language=PSEUDO, context=SAMPLE, recipient_name="Awa"
            )
            for line in [subject, *body.splitlines()]:
                if rest := unmarked(line, data):
                    faults.append(f"{kind}.{channel}: {line!r} -> {rest!r}")
    assert not faults, "\n".join(faults)


def _sample_strings(value):
    yield from (item for item in _strings(value) if len(item) > 1)


def test_the_check_catches_an_unmarked_string():
    """The checks above must be able to fail."""
    html = (
        '<title>⟦Accueil⟧</title><label>⟦Nom⟧</label><input placeholder="Search">'
        "<button>Save</button><p>Lina Martin</p><script>var x = 'code';</script>"
        "<p>⟦Envoyez-le sous la forme <code>Bearer</code> ⟧ <a>API</a></p>"
    )
    assert faults_of("page", html, ["Lina Martin"]) == [
        "page: <input[placeholder]> 'Search' -> 'Search'",
        "page: <button> 'Save' -> 'Save'",
        "page: <p> '⟦Envoyez-le sous la forme Bearer ⟧ API' -> 'API'",
    ]
    assert unmarked("⟦Le ⟦mardi⟧ 1 septembre⟧ (12)", []) == ""
