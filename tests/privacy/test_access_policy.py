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

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

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
# Objects the data set of access_world.py does not build yet (allocation rounds): their rows are
# declared, marked so in the table, and not compared.
UNEXERCISED_OBJECTS = {"round"}


def _unexercised(row) -> bool:
    return row.object in UNEXERCISED_OBJECTS or row.path.startswith(
        ("/allocation/", "/api/v1/allocation/")
    )


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
    "slug": "programme_slug",
}
WRITE_BODIES = {
    "POST /api/v1/sessions/{session_id}/cancel": {"reason": "matrix"},
    "PUT /api/v1/sessions/{session_id}/attendance": {"marks": []},
    "POST /api/v1/follow-ups/{follow_up_id}/close": {"outcome": "reached"},
    "POST /api/v1/households": {"first_name": "Matrix", "last_name": "Test"},
    "POST /api/v1/households/{household_id}/guardians": {"first_name": "M", "last_name": "T"},
    "PUT /api/v1/households/{household_id}/guardians/{guardian_id}": {
        "first_name": "M",
        "last_name": "T",
    },
    "POST /api/v1/participants": {
        "household_id": "<household>",
        "first_name": "M",
        "last_name": "T",
        "birth_date": "2016-01-01",
    },
    "POST /api/v1/enrolments": {"participant_id": "<participant>", "programme_id": "<programme>"},
    "POST /api/v1/referrals": {"participant_id": "<participant>", "programme_id": "<programme>"},
    "POST /api/v1/enrolments/dates": {
        "participant_id": "<participant>",
        "programme_id": "<programme>",
        "session_ids": ["<session>"],
    },
    "POST /api/v1/outreach": {
        "client_id": "6f1c2b1e-0000-4000-8000-000000000013",
        "day": "2026-11-30",
        "place": "Marché",
        "theme": "health_prevention",
        "counts": [],
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


def _body(world, key: str, side_name: str) -> dict:
    side = world.sides[side_name]
    body = dict(WRITE_BODIES.get(key, {}))
    for name, value in body.items():
        if isinstance(value, str) and value.startswith("<"):
            body[name] = getattr(side, value.strip("<>")).pk
        elif isinstance(value, list):
            body[name] = [
                getattr(side, item.strip("<>")).pk
                if isinstance(item, str) and item.startswith("<")
                else item
                for item in value
            ]
    return body


def outcome(response) -> str:
    assert response.status_code < 500, response
    if response.status_code in REFUSED:
        return "refused"
    if response.status_code in (301, 302) and "/accounts/login/" in response.get("Location", ""):
        return "refused"
    return "allowed"


def observe(client, world, role: str, side_name: str) -> dict[tuple[str, str], str]:
    """What one account gets, as policy cells, for every row of the surface."""
    user = world.user(role, side_name)
    headers = {}
    if user is not None:
        client.force_login(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[(user.username, 'raw')]}"}
    policy = load_policy()
    seen = {}
    # Reads first, then replacements (PUT), then actions (a cancel changes who may see what);
    # pages that take POST last (one revokes the API token).
    order = {"GET": 0, "PUT": 1}
    rows = sorted(
        (row for row in policy.values() if not _unexercised(row)),
        key=lambda row: (order.get(row.method, 2), not row.path.startswith("/api/")),
    )
    for row in rows:
        results = {}
        for which, target in (("other", OTHER[side_name]), ("own", side_name)):
            url = fill(world, row.path, row.object, target, which, user)
            if row.path.startswith("/api/"):
                client.logout()
                response = client.generic(
                    row.method,
                    url,
                    data=_json(_body(world, f"{row.method} {row.path}", target)),
                    content_type="application/json",
                    **headers,
                )
                if user is not None:
                    client.force_login(user)
            elif row.method == "POST":
                response = client.post(url, {})
            else:
                response = client.get(url)
            results[which] = outcome(response)
        seen[(row.method, row.path)] = {
            ("allowed", "allowed"): "yes",
            ("allowed", "refused"): "own",
            ("refused", "refused"): "no",
        }.get((results["own"], results["other"]), "other-only")
    return seen


def _json(body: dict) -> str:
    import json

    return json.dumps(body)


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
    differences = [
        f"{method} {path}: policy {policy[(method, path)].cells[role]}, got {cell}"
        for (method, path), cell in sorted(seen.items())
        if policy[(method, path)].cells[role] != cell
    ]
    assert differences == []


def test_rows_the_matrix_does_not_exercise_yet_are_only_the_declared_ones():
    """Allocation rounds are not in the matrix's data set yet: their rows are declared (and
    say so in the table) but not checked. Nothing else may slip in that way."""
    assert {
        row.object for row in load_policy().values() if row.object in UNEXERCISED_OBJECTS
    } <= UNEXERCISED_OBJECTS
    assert all(
        row.why.startswith("declared from the code, not yet exercised")
        for row in load_policy().values()
        if row.object in UNEXERCISED_OBJECTS
        or row.path.startswith(("/allocation/", "/api/v1/allocation/"))
    )


def test_the_policy_names_every_role():
    assert ROLES == ("anonymous", "family", "mediator", "partner", "coordinator", "administrator")


def test_docs_access_md_is_generated_from_the_policy():
    from django.core.management import call_command

    call_command("access_table", "--check")
