"""A family signs in with a 6-digit code sent to the guardian's phone or e-mail: valid ten
minutes, once, a few wrong tries at most, rate-limited, stored hashed, audited, and the answer
never tells whether an account exists."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, SignInCode
from accounts.roles import Role
from accounts.services import SignInCodeError, sign_in_code_request, sign_in_code_verify
from tests.factories import GuardianFactory, user_with_role

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def nadia():
    user = user_with_role(Role.FAMILY, email="")
    user.set_unusable_password()
    user.save()
    guardian = GuardianFactory(
        user=user,
        first_name="Nadia",
        phone="+33612345678",
        email="nadia.durand@example.org",
        language="fr",
    )
    return guardian


def _code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_a_code_goes_by_sms_to_the_number_typed_as_people_type_it(nadia, sms_outbox):
    with time_machine.travel(NOW, tick=False):
        sign_in_code_request(identifier="06 12 34 56 78", ip_address="203.0.113.5")
    assert [sms.to for sms in sms_outbox] == ["+33612345678"]
    # In the guardian's language, whatever the request's.
    assert "minutes" in sms_outbox[0].body and "valable" in sms_outbox[0].body
    code = _code_in(sms_outbox[0].body)
    with time_machine.travel(NOW + datetime.timedelta(minutes=9), tick=False):
        user = sign_in_code_verify(identifier="+33 6 12 34 56 78", code=code)
    assert user == nadia.user


def test_a_code_goes_by_e_mail_to_the_guardians_address(nadia, sms_outbox):
    sign_in_code_request(identifier="Nadia.Durand@example.org", ip_address=None)
    assert sms_outbox == []
    assert mail.outbox[0].to == ["nadia.durand@example.org"]
    code = _code_in(mail.outbox[0].subject)
    assert sign_in_code_verify(identifier="nadia.durand@example.org", code=code) == nadia.user


def test_the_code_is_stored_hashed(nadia, sms_outbox):
    sign_in_code_request(identifier="0612345678", ip_address=None)
    code = _code_in(sms_outbox[0].body)
    row = SignInCode.objects.get()
    assert code not in row.code_hash and "0612345678" not in row.identifier_hash
    assert "+33612345678" not in row.identifier_hash and len(row.code_hash) == 64


def test_a_code_expires_after_ten_minutes(nadia, sms_outbox):
    with time_machine.travel(NOW, tick=False):
        sign_in_code_request(identifier="0612345678", ip_address=None)
    code = _code_in(sms_outbox[0].body)
    with (
        time_machine.travel(NOW + datetime.timedelta(minutes=10, seconds=1), tick=False),
        pytest.raises(SignInCodeError) as refused,
    ):
        sign_in_code_verify(identifier="0612345678", code=code)
    assert refused.value.field == "code"


def test_a_code_works_once(nadia, sms_outbox):
    sign_in_code_request(identifier="0612345678", ip_address=None)
    code = _code_in(sms_outbox[0].body)
    sign_in_code_verify(identifier="0612345678", code=code)
    with pytest.raises(SignInCodeError):
        sign_in_code_verify(identifier="0612345678", code=code)


def test_a_new_code_retires_the_previous_one(nadia, sms_outbox):
    sign_in_code_request(identifier="0612345678", ip_address=None)
    sign_in_code_request(identifier="0612345678", ip_address=None)
    first, second = (_code_in(sms.body) for sms in sms_outbox)
    if first != second:
        with pytest.raises(SignInCodeError):
            sign_in_code_verify(identifier="0612345678", code=first)
    assert sign_in_code_verify(identifier="0612345678", code=second) == nadia.user


def test_after_five_wrong_codes_even_the_right_one_is_refused(nadia, sms_outbox, settings):
    settings.SIGN_IN_CODE_MAX_ATTEMPTS = 5
    sign_in_code_request(identifier="0612345678", ip_address=None)
    code = _code_in(sms_outbox[0].body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _attempt in range(5):
        with pytest.raises(SignInCodeError) as refused:
            sign_in_code_verify(identifier="0612345678", code=wrong)
        assert refused.value.status == 400
    with pytest.raises(SignInCodeError) as refused:
        sign_in_code_verify(identifier="0612345678", code=code)
    assert refused.value.status == 429


def test_codes_are_rate_limited_per_identifier_found_or_not(nadia, sms_outbox, settings):
    settings.SIGN_IN_CODE_PER_IDENTIFIER_PER_HOUR = 3
    for identifier in ("0612345678", "0699999999"):
        with time_machine.travel(NOW, tick=False):
            for _request in range(3):
                sign_in_code_request(identifier=identifier, ip_address=None)
            with pytest.raises(SignInCodeError) as refused:
                sign_in_code_request(identifier=identifier, ip_address=None)
        assert refused.value.status == 429 and refused.value.field == "identifier"
    assert len(sms_outbox) == 3
    # An hour later the family may ask again.
    with time_machine.travel(NOW + datetime.timedelta(hours=1, seconds=1), tick=False):
        sign_in_code_request(identifier="0612345678", ip_address=None)
    assert len(sms_outbox) == 4


def test_codes_are_rate_limited_per_address(settings, sms_outbox):
    settings.SIGN_IN_CODE_PER_IP_PER_HOUR = 4
    for number in range(4):
        sign_in_code_request(identifier=f"06123456{number:02d}", ip_address="198.51.100.7")
    with pytest.raises(SignInCodeError) as refused:
        sign_in_code_request(identifier="0612345699", ip_address="198.51.100.7")
    assert refused.value.status == 429
    sign_in_code_request(identifier="0612345699", ip_address="198.51.100.8")


def test_a_number_no_account_uses_gets_the_same_answer_and_no_message(client, nadia, sms_outbox):
    answers = []
    for identifier in ("06 12 34 56 78", "06 98 76 54 32", "nobody@example.org"):
        client.cookies.clear()
        response = client.post(reverse("accounts:code-request"), {"identifier": identifier})
        assert response.status_code == 302
        page = client.get(response["Location"])
        answers.append(page.content.decode().replace(identifier.replace(" ", ""), "X"))
    assert len(sms_outbox) == 1 and mail.outbox == []
    # The pages differ only by the identifier they repeat.
    shown = r"(\+33\d+|0\d( \d\d){4}|[\w.]+@example\.org)"
    normalised = [re.sub(shown, "X", answer) for answer in answers]
    normalised = [re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", a) for a in normalised]
    assert normalised[0] == normalised[1] == normalised[2]


def test_two_accounts_behind_one_number_get_no_code_and_are_told_to_call(sms_outbox):
    for _guardian in range(2):
        GuardianFactory(user=user_with_role(Role.FAMILY), phone="+33611111111")
    with pytest.raises(SignInCodeError) as refused:
        sign_in_code_request(identifier="0611111111", ip_address=None)
    assert refused.value.status == 409 and "Call the service" in refused.value.message
    assert sms_outbox == []


def test_a_guardian_without_an_account_gets_no_code(sms_outbox):
    GuardianFactory(user=None, phone="+33622222222")
    sign_in_code_request(identifier="0622222222", ip_address=None)
    assert sms_outbox == []


def test_every_request_success_and_failure_is_in_the_audit_trail(client, nadia, sms_outbox):
    client.post(reverse("accounts:code-request"), {"identifier": "0612345678"})
    client.post(reverse("accounts:code-verify"), {"code": "000000"})
    code = _code_in(sms_outbox[0].body)
    if code == "000000":
        pytest.skip("the random code happened to be the wrong one tried")
    client.post(reverse("accounts:code-verify"), {"code": code})
    sign_in = AuditEvent.objects.filter(object_type="auth.user").order_by("pk")
    events = list(sign_in.values_list("action", "summary", "object_id"))
    assert events == [
        (AuditAction.SIGN_IN_CODE_REQUEST, "code sent by sms", str(nadia.user.pk)),
        (AuditAction.SIGN_IN_CODE_FAILURE, "wrong code", str(nadia.user.pk)),
        (AuditAction.LOGIN, "by one-time code", str(nadia.user.pk)),
    ]
    assert sign_in.filter(ip_address="127.0.0.1").count() == 3


def test_a_request_for_an_unknown_number_is_audited_without_the_number(client, sms_outbox):
    client.post(reverse("accounts:code-request"), {"identifier": "06 98 76 54 32"})
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.SIGN_IN_CODE_REQUEST
    assert event.summary == "no account for this identifier"
    assert "98 76" not in event.summary and "987654" not in event.path


def test_the_code_pages_sign_a_family_in(client, nadia, sms_outbox):
    page = client.get(reverse("accounts:code-request"))
    assert page.status_code == 200
    response = client.post(reverse("accounts:code-request"), {"identifier": "06 12 34 56 78"})
    assert response["Location"] == reverse("accounts:code-verify")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    code = _code_in(sms_outbox[0].body)
    response = client.post(reverse("accounts:code-verify"), {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == nadia.user


def test_bad_input_gets_a_4xx_naming_the_field(client, nadia, sms_outbox):
    response = client.post(reverse("accounts:code-request"), {"identifier": "abc"})
    assert response.status_code == 400
    assert response.context["form"].errors["identifier"]
    client.post(reverse("accounts:code-request"), {"identifier": "0612345678"})
    response = client.post(reverse("accounts:code-verify"), {"code": "12ab"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"]


def test_the_code_page_without_a_request_goes_back_to_the_first_step(client):
    response = client.get(reverse("accounts:code-verify"))
    assert response["Location"] == reverse("accounts:code-request")


def test_next_is_kept_only_when_it_is_on_this_site(client, nadia, sms_outbox):
    response = client.post(
        reverse("accounts:code-request"),
        {"identifier": "0612345678", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("accounts:code-verify")
    code = _code_in(sms_outbox[0].body)
    response = client.post(reverse("accounts:code-verify"), {"code": code, "next": "/my/family/"})
    assert response["Location"] == "/my/family/"


def test_code_rows_are_deleted_after_a_day(nadia, sms_outbox):
    with time_machine.travel(NOW, tick=False):
        sign_in_code_request(identifier="0612345678", ip_address="203.0.113.5")
    with time_machine.travel(NOW + datetime.timedelta(days=1, minutes=1), tick=False):
        sign_in_code_request(identifier="0699999999", ip_address=None)
    assert SignInCode.objects.count() == 1
    assert SignInCode.objects.get().user is None
