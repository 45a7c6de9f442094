"""The access matrix: every API operation (read from the served OpenAPI schema) and every page
(read from the URL configuration), for every role, against an object of its own and one it must
not reach, compared with the declared policy table ``privacy/access_policy.csv``.

A cell of the table says, for one role:
- ``yes``: allowed, on its own objects and on the others' (public, or everything for its role);
- ``own``: allowed on its own objects, refused (401, 403, 404, 405, 410 or a redirect to log in)
  on the others';
- ``no``: refused on both.

An operation or page without a row fails the test, and so does a row for something that no
longer exists. ``python manage.py access_table`` renders the table into ``docs/access.md``.
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from privacy.access_policy import ROLES, load_policy

from .access_world import ACTORS, OTHER, build_world

pytestmark = pytest.mark.django_db

# Outside object access: logging in and out (with a password, a code, an invitation link), the
# password screens of django.contrib.auth, getting an account, the language switch, the load balancers' probe. They carry no personal data.
OUT_OF_SCOPE_PREFIXES = (
    "accounts/login/",
    "accounts/logout/",
    "accounts/password_",
    "accounts/reset/",
    "accounts/code/",
    "accounts/sign-up/",
    "accounts/claim/",
    "i18n/setlang/",
    "health",
)
REFUSED = {401, 403, 404, 405, 410}

PARAMETER_KINDS = {
    "household_id": "household",
    "household_pk": "household",
    "guardian_id": "guardian",
    "participant_id": "participant",
    "participant_pk": "participant",
    "session_id": "session",
    "programme_id": "programme",
    "follow_up_id": "follow_up",
    "message_id": "message",
    "round_id": "round",
    "slug": "programme_slug",
}


def _today() -> str:
    return timezone.localdate().isoformat()


def _in_days(days: int) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


# A valid body for every API operation that takes one, with "<kind>" standing for the id of the
# side's object: what the API answers then is its role check (or a documented 409), never a
# 422 on the sample. test_every_write_has_a_valid_body keeps this complete.
WRITE_BODIES = {
    "POST /api/v1/sessions/{session_id}/cancel": lambda: {"reason": "matrix"},
    "PUT /api/v1/sessions/{session_id}/attendance": lambda: {
        "marks": [
            {
                "client_id": "6f1c2b1e-0000-4000-8000-000000000014",
                "participant_id": "<participant>",
                "status": "present",
            }
        ]
    },
    "POST /api/v1/follow-ups/{follow_up_id}/close": lambda: {"outcome": "reached"},
    "POST /api/v1/households": lambda: {
        "first_name": "Matrix",
        "last_name": "Test",
        "phone": "0612345678",
    },
    "POST /api/v1/households/{household_id}/guardians": lambda: {
        "first_name": "M",
        "last_name": "T",
        "phone": "0612345679",
    },
    "PUT /api/v1/households/{household_id}/guardians/{guardian_id}": lambda: {
        "first_name": "M",
        "last_name": "T",
        "phone": "0612345670",
        "email": "",
        "preferred_channel": "sms",
        "language": "fr",
        "opt_out_sms": False,
        "opt_out_email": False,
    },
    "PATCH /api/v1/households/{household_id}/guardians/{guardian_id}": lambda: {"last_name": "P"},
    "POST /api/v1/participants": lambda: {
        "household_id": "<household>",
        "first_name": "M",
        "last_name": "T",
        "birth_date": "2016-01-01",
    },
    "PUT /api/v1/participants/{participant_id}/safety-sheet": lambda: {
        "health": {
            "allergies": "Matrix",
            "diet": "",
            "treatment": "",
            "has_pai": False,
            "pai_details": "",
            "doctor_name": "",
            "doctor_phone": "",
        },
        "emergency_contacts": [],
        "authorised_people": [],
        "may_leave_alone": False,
        "leave_alone_signed_on": None,
        "image_rights": None,
    },
    "POST /api/v1/enrolments": lambda: {
        "participant_id": "<participant>",
        "programme_id": "<programme>",
        "session_id": "<activity.session>",
    },
    "POST /api/v1/referrals": lambda: {
        "participant_id": "<participant>",
        "programme_id": "<programme>",
        "session_id": "<activity.session>",
    },
    "POST /api/v1/enrolments/dates": lambda: {
        "participant_id": "<participant>",
        "programme_id": "<programme>",
        "session_ids": ["<activity.session>"],
    },
    "POST /api/v1/outreach": lambda: {
        "client_id": "6f1c2b1e-0000-4000-8000-000000000013",
        "day": _today(),
        "place": "Marché",
        "theme": "health_prevention",
        "counts": [{"age_band": "6-11", "sex": "female", "count": 2}],
    },
    "POST /api/v1/allocation/rounds": lambda: {
        "title": "Matrix",
        "wishes_open_at": _in_days(1),
        "wishes_close_at": _in_days(3),
        "results_on": _today(),
        "programme_ids": ["<programme>"],
    },
    "PUT /api/v1/allocation/rounds/{round_id}/rules": lambda: {"max_per_child": 2, "weights": {}},
    "PUT /api/v1/allocation/rounds/{round_id}/wishes": lambda: {
        "participant_ids": ["<participant>"],
        "activity_ids": ["<activity>"],
    },
}


def page_routes(patterns=None, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith(("admin/", "api/v1/")):
                routes += page_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(OUT_OF_SCOPE_PREFIXES):
            routes.append("/" + route)
    return routes


def api_operations(client) -> list[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    ]


def surface() -> set[tuple[str, str]]:
    """Every API operation, and every page (its method is the policy's: GET, or POST for a
    page that takes only POST)."""
    from django.test import Client

    pages = {
        (row.method, row.path) for row in load_policy().values() if not row.path.startswith("/api/")
    }
    by_path = {path: method for method, path in pages}
    return {(by_path.get(route, "GET"), route) for route in page_routes()} | set(
        api_operations(Client())
    )


def _side_value(world, kind: str, side_name: str, feed_kind: str = "") -> str:
    side = world.sides[side_name]
    if kind == "programme_slug":
        return side.programme.slug
    if kind == "feed":
        return getattr(side, f"{feed_kind}_feed")
    return str(getattr(side, kind).pk)


def fill(world, path: str, kind: str, side_name: str, which: str, user) -> str:
    """The path with every parameter set to an object of ``side_name`` (``which`` says whether
    it is the actor's own side or the other, for objects bound to a user)."""
    parts = path.split("/")
    feed_kind = {"partners": "partner", "mediators": "mediator", "households": "household"}.get(
        parts[2] if len(parts) > 2 else "", ""
    )

    def one(name: str) -> str:
        fixed = {"year": "2026", "what": "summary", "fmt": "csv"}
        if name in fixed:
            return fixed[name]
        if name == "token":
            return _side_value(world, "feed", side_name, feed_kind)
        object_kind = kind if name in ("pk", "enrolment_id") else PARAMETER_KINDS[name]
        if object_kind in ("token", "job"):
            return world.object_id(object_kind, which, user)
        return _side_value(world, object_kind, side_name)

    path = re.sub(r"\{(\w+)\}", lambda match: one(match.group(1)), path)
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: one(match.group(1)), path)


# Query parameters a row needs to name its object (the household whose members or wishes are
# read): staff have no household of their own to default to.
QUERIES = {
    "GET /api/v1/programmes/{programme_id}/members": {"household": "<household>"},
    "GET /allocation/rounds/<int:pk>/wishes/": {"household": "<household>"},
    "GET /allocation/rounds/<int:pk>/results/": {"household": "<household>"},
}


def _query(world, key: str, side_name: str) -> str:
    params = _body(world, key, side_name, QUERIES)
    return ("?" + urlencode(params)) if params else ""


def _body(world, key: str, side_name: str, builders=None) -> dict:
    side = world.sides[side_name]
    if builders is None:
        build = WRITE_BODIES.get(key)
        body = build() if build else {}
    else:
        body = dict(builders.get(key, {}))

    def resolve(value):
        if isinstance(value, str) and value.startswith("<"):
            found = side
            for name in value.strip("<>").split("."):
                found = getattr(found, name)
            return found.pk
        if isinstance(value, list):
            return [resolve(item) for item in value]
        if isinstance(value, dict):
            return {name: resolve(item) for name, item in value.items()}
        return value

    return {name: resolve(value) for name, value in body.items()}


# What an allowed API call may answer besides a 2xx: a documented domain refusal of the state
# of things (a round already closed, a child already enrolled), never a 400 or 422 on the
# sample itself.
ALLOWED_DOMAIN_REFUSALS = {409}


@dataclass
class Answer:
    status: int
    outcome: str  # "allowed", "refused" or "invalid sample"
    audit: list[tuple[str, str, object]]  # (action, object type, object ids) recorded
    shown: bool = False  # the answer showed the names of a household of the world


@dataclass
class Observation:
    cells: dict[tuple[str, str], str] = field(default_factory=dict)
    answers: dict[tuple[str, str, str], Answer] = field(default_factory=dict)


def outcome(response, *, api: bool) -> str:
    assert response.status_code < 500, response
    status = response.status_code
    if status in REFUSED:
        return "refused"
    if status in (301, 302) and "/accounts/login/" in response.get("Location", ""):
        return "refused"
    if api and not (200 <= status < 300 or status in ALLOWED_DOMAIN_REFUSALS):
        return "invalid sample"
    return "allowed"


def _audit_since(last_pk: int) -> list[tuple[str, str, object]]:
    # Logging in is not the request's doing (the test signs the account in again).
    return [
        (event.action, event.object_type, event.object_ids or event.object_id)
        for event in AuditEvent.objects.filter(pk__gt=last_pk)
        .exclude(action=AuditAction.LOGIN)
        .order_by("pk")
    ]


def _shows_people(response, side) -> bool:
    """Whether the answer shows people of ``side``: their names in a page or in JSON, or a
    non-empty API list (whose items may carry ids only)."""
    if getattr(response, "streaming", False):
        return False
    body = response.content.decode(errors="replace")
    names = (
        side.guardian.first_name,
        side.participant.last_name,
        side.referral.participant.last_name,
    )
    if any(name in body for name in names):
        return True
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        items = data.get("items") if isinstance(data, dict) else data
        return bool(items) if isinstance(items, list) else False
    return False


def _last_audit_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def observe(client, world, role: str, side_name: str) -> Observation:
    """What one account gets, as policy cells, for every row of the surface, with each
    answer's status and the audit events it left."""
    user = world.user(role, side_name)
    headers = {}
    if user is not None:
        client.force_login(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[(user.username, 'raw')]}"}
    policy = load_policy()
    seen = Observation()
    # Reads first, then replacements (PUT, PATCH), then actions (a cancel changes who may see
    # what); pages that take POST last (one revokes the API token).
    order = {"GET": 0, "PUT": 1, "PATCH": 1}
    rows = sorted(
        policy.values(),
        key=lambda row: (order.get(row.method, 2), not row.path.startswith("/api/")),
    )
    for row in rows:
        results = {}
        for which, target in (("other", OTHER[side_name]), ("own", side_name)):
            url = fill(world, row.path, row.object, target, which, user)
            url += _query(world, f"{row.method} {row.path}", target)
            api = row.path.startswith("/api/v1/")
            before = _last_audit_pk()
            if api:
                client.logout()
                response = client.generic(
                    row.method,
                    url,
                    data=json.dumps(_body(world, f"{row.method} {row.path}", target)),
                    content_type="application/json",
                    **headers,
                )
            elif row.method == "POST":
                response = client.post(url, {})
            else:
                response = client.get(url)
            results[which] = outcome(response, api=api)
            seen.answers[(row.method, row.path, which)] = Answer(
                response.status_code,
                results[which],
                _audit_since(before),
                _shows_people(response, world.sides[target]),
            )
            if api and user is not None:
                client.force_login(user)
        seen.cells[(row.method, row.path)] = {
            ("allowed", "allowed"): "yes",
            ("allowed", "refused"): "own",
            ("refused", "refused"): "no",
        }.get((results["own"], results["other"]), "other-only")
    return seen


def test_every_operation_and_page_has_a_policy_row(client):
    declared = set(load_policy())
    served = surface()
    assert sorted(served - declared) == [], "add these to privacy/access_policy.csv"
    assert sorted(declared - served) == [], "these rows name nothing that exists any more"


@pytest.mark.parametrize(("role", "side"), ACTORS, ids=[f"{role}-{side}" for role, side in ACTORS])
def test_each_role_gets_what_the_policy_says(client, role, side):
    world = build_world()
    policy = load_policy()
    seen = observe(client, world, role, side)
    invalid = [
        f"{method} {path} ({which}): {answer.status}"
        for (method, path, which), answer in sorted(seen.answers.items())
        if answer.outcome == "invalid sample"
    ]
    assert invalid == [], "a sample body or parameter the API refuses: fix WRITE_BODIES"
    differences = [
        f"{method} {path}: policy {policy[(method, path)].cells[role]}, got {cell}"
        for (method, path), cell in sorted(seen.cells.items())
        if policy[(method, path)].cells[role] != cell
    ]
    assert differences == []
    if role in AUDITED_ROLES:
        # Staff and partners: every allowed answer left the audit its row declares.
        assert audit_problems(policy, seen) == []


CHANGES = {AuditAction.CREATE, AuditAction.CHANGE, AuditAction.DELETE, AuditAction.CONSENT}
AUDITED_ROLES = ("mediator", "partner", "coordinator", "administrator")


def audit_problems(policy, seen: Observation) -> list[str]:
    """Each allowed answer against the row's ``audit`` column (one event per request)."""
    problems = []
    for (method, path, which), answer in sorted(seen.answers.items()):
        if answer.outcome != "allowed":
            continue
        declared = policy[(method, path)].audit
        actions = [action for action, _kind, _ids in answer.audit]
        views = [ids for action, _kind, ids in answer.audit if action == AuditAction.VIEW]
        where = f"{method} {path} ({which}, {answer.status}): audit {declared or '–'}"
        if declared == "view":
            if len(views) > 1 or set(actions) - {AuditAction.VIEW}:
                problems.append(f"{where}, recorded {answer.audit}")
            elif answer.shown and not (views and views[0]):
                problems.append(f"{where}, showed people and recorded {answer.audit}")
        elif declared == "change":
            changed = [ids for action, _kind, ids in answer.audit if action in CHANGES and ids]
            if 200 <= answer.status < 300 and not changed:
                problems.append(f"{where}, recorded {answer.audit}")
            if len(views) > 1:
                problems.append(f"{where}, {len(views)} read events")
        elif declared == "export":
            if actions != [AuditAction.EXPORT]:
                problems.append(f"{where}, recorded {answer.audit}")
        elif views:
            problems.append(f"{where}, recorded a read the table does not declare: {views}")
    return problems


def test_every_write_has_a_valid_body(client):
    """Every API operation that takes a body has a builder in WRITE_BODIES (read from the
    served schema, so that a new write fails here until it has one)."""
    schema = client.get("/api/v1/openapi.json").json()
    with_body = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert sorted(with_body - set(WRITE_BODIES)) == []
    assert sorted(set(WRITE_BODIES) - with_body) == []


def test_the_policy_names_every_role():
    assert ROLES == ("anonymous", "family", "mediator", "partner", "coordinator", "administrator")


def test_docs_access_md_is_generated_from_the_policy():
    from django.core.management import call_command

    call_command("access_table", "--check")
