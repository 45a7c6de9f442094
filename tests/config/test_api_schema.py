"""The whole API, exercised from its own OpenAPI schema (schemathesis + Hypothesis).

Every generated request, anonymous, with a coordinator's token and with a family's token, must
pass all of schemathesis' default checks (no server error, a documented status code, content
type and body, invalid input refused, ...) and, when it is a 4xx, have the shared error shape
``{"detail": str, "errors": [{"field", "message"}]}``.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken
from accounts.roles import Role
from config.wsgi import application
from core.ids import DB_ID_MAX
from tests.factories import GuardianFactory, ProgrammeFactory, SessionFactory, user_with_role

MAX_EXAMPLES = 25


# Read at collection: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_test_connection_open():
    """As Django's test client does: the start and end of a request must not close the
    connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(db) -> str:
    # Objects for the generated ids to hit, besides the many they will miss.
    for programme in ProgrammeFactory.create_batch(3):
        SessionFactory.create_batch(2, programme=programme)
    _, raw = ApiToken.generate(user=user_with_role(Role.COORDINATOR), name="schema test")
    return raw


@pytest.fixture
def family_token(db) -> str:
    family = user_with_role(Role.FAMILY, username="schema.family")
    GuardianFactory(user=family)
    _, raw = ApiToken.generate(user=family, name="schema test")
    return raw


def error_shape(ctx, response, case) -> bool | None:
    if not 400 <= response.status_code < 500:
        return None
    body = response.json()
    assert isinstance(body, dict), f"4xx body is not an object: {body!r}"
    assert set(body) == {"detail", "errors"}, f"4xx body keys: {sorted(body)}"
    assert isinstance(body["detail"], str) and body["detail"], "empty detail"
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}, f"error keys: {sorted(error)}"
    return True


def test_every_operation_documents_every_error_answer(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            missing = {"400", "401", "403", "404", "409", "422", "429"} - documented
            assert not missing, f"{method.upper()} {path} lacks {sorted(missing)}"
            assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }


def test_every_integer_parameter_and_body_id_is_bounded(client):
    """Ids in paths, queries and bodies within the database's range (``core.ids.DbId``), and
    every other integer parameter bounded: a larger number is a 422, never a driver overflow."""
    schema = client.get("/api/v1/openapi.json").json()
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                shapes = [parameter["schema"], *parameter["schema"].get("anyOf", [])]
                for shape in shapes:
                    if (
                        shape.get("type") == "integer"
                        and not 0 < shape.get("maximum", 0) <= DB_ID_MAX
                    ):
                        unbounded.append(f"{method.upper()} {path} {parameter['name']}")

    def walk(where: str, shape) -> None:
        if isinstance(shape, dict):
            for name, value in shape.get("properties", {}).items():
                for option in [value, *value.get("anyOf", []), value.get("items", {})]:
                    is_id = name.endswith(("_id", "_ids")) and option.get("type") == "integer"
                    if is_id and not 0 < option.get("maximum", 0) <= DB_ID_MAX:
                        unbounded.append(f"{where}.{name}")
            for value in shape.values():
                walk(where, value)
        elif isinstance(shape, list):
            for value in shape:
                walk(where, value)

    for name, component in schema["components"]["schemas"].items():
        if name.endswith(("In", "Filters", "Query")):
            walk(name, component)
    assert not unbounded


def test_every_body_refuses_keys_it_does_not_name(client):
    """``extra="forbid"`` on every input schema, nested ones included: a misplaced key is a 422
    naming it, never a field silently left at its default."""
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    open_objects = []

    def walk(where: str, shape) -> None:
        if isinstance(shape, dict):
            if "$ref" in shape:
                name = shape["$ref"].rsplit("/", 1)[1]
                if name not in seen:
                    seen.add(name)
                    walk(name, components[name])
                return
            is_object = shape.get("type") == "object" and shape.get("properties")
            if is_object and shape.get("additionalProperties") is not False:
                open_objects.append(where)
            for value in shape.values():
                walk(where, value)
        elif isinstance(shape, list):
            for value in shape:
                walk(where, value)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            seen: set[str] = set()
            walk(f"{method.upper()} {path}", operation.get("requestBody", {}))
    assert not open_objects


# Checks that hold today for every identity: no server error, every status code, content type
# and body as documented (errors included), and the one error shape.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_shape,
]


@pytest.mark.django_db
@schema.parametrize()
# Derandomised: the same examples on every run, so that CI is not red by chance; they change
# when the schema does. To explore further locally, raise MAX_EXAMPLES and drop derandomize.
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_generated_request(case, coordinator_token, family_token):
    case.call_and_validate(checks=CHECKS)
    for token in (coordinator_token, family_token):
        with_token(case, token).call_and_validate(checks=CHECKS)


# Rules between two fields of one input that JSON Schema cannot state (it compares no two
# values), each stated in its operation's description instead (checked below), and answered
# naming the field: positive data may break them, and only them. Every other refusal of
# schema-valid data is a mismatch between the schema and the validators and fails the test;
# a refusal that depends on the server's state (stored data, today's date) answers 409, which
# the check accepts by default.
CROSS_FIELD_RULES = {
    ("POST", "/api/v1/allocation/rounds"): {"wishes_close_at"},
    ("GET", "/api/v1/sessions"): {"end"},
    ("GET", "/api/v1/reports/summary"): {"end"},
}


def positive_data_acceptance_but_cross_field_rules(ctx, response, case) -> bool | None:
    """schemathesis' positive_data_acceptance, with its default expected statuses, except for
    a 400 or 422 naming only a field of a rule in CROSS_FIELD_RULES on that operation."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except AssertionError:
        fields = CROSS_FIELD_RULES.get((case.method.upper(), case.operation.path))
        if fields and response.status_code in (400, 422):
            named = {error["field"] for error in response.json()["errors"]}
            if named and named <= fields:
                return None
        raise


def test_cross_field_rules_are_stated_in_their_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for (method, path), fields in CROSS_FIELD_RULES.items():
        operation = paths[path][method.lower()]
        for field in fields:
            assert f"`{field}`" in operation.get("description", ""), (method, path, field)


@pytest.mark.django_db
@schema.parametrize()
# Derandomised as above; 10 examples per operation keep it within CI's budget (three
# identities each). To explore, raise max_examples and drop derandomize locally.
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_passes_all_default_checks(case, coordinator_token, family_token):
    # All the default checks (positive_data_acceptance with its default expected statuses,
    # save the documented cross-field rules above), and the error shape on top.
    kwargs = {
        "additional_checks": [error_shape, positive_data_acceptance_but_cross_field_rules],
        "excluded_checks": [positive_data_acceptance],
    }
    case.call_and_validate(**kwargs)
    for token in (coordinator_token, family_token):
        with_token(case, token).call_and_validate(**kwargs)


def with_token(case, token: str):
    """The case sent with a real token, marked as configured auth (as schemathesis' own auth
    providers mark it), so that its auth checks probe without it rather than mistake the token
    for a generated, invalid credential; the session cookie it may have generated is dropped."""
    cookies = {name: value for name, value in case.cookies.items() if name != "sessionid"}
    authed = case.derive(cookies=cookies)
    authed.headers["Authorization"] = f"Bearer {token}"
    authed._has_explicit_auth = True
    return authed
