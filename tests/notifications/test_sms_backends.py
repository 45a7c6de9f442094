import hashlib
import io
import json

import pytest

from notifications.errors import DeliveryError, PermanentDeliveryError
from notifications.sms import get_sms_backend, send_sms
from notifications.sms.base import international_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+44 7700 900123", "+447700900123"),
    ],
)
def test_international_number(raw, expected):
    assert international_number(raw) == expected


def test_console_backend_prints_the_sms():
    stream = io.StringIO()
    backend = get_sms_backend("notifications.sms.console.SmsBackend", stream=stream)
    message_id = backend.send(to="+33612345678", body="Rappel : atelier demain", reference="k1")
    assert "+33612345678" in stream.getvalue() and "Rappel : atelier demain" in stream.getvalue()
    assert message_id.startswith("console-")


def test_file_backend_writes_one_file_per_sms(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.filebased.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path
    send_sms(to="+33612345678", body="Bonjour", reference="k1")
    send_sms(to="+33612345679", body="Bonsoir", reference="k2")
    texts = sorted(path.read_text() for path in tmp_path.iterdir())
    assert len(texts) == 2 and "Bonjour" in texts[0] + texts[1]


def test_ovh_backend_posts_a_signed_job(fake_ovh):
    message_id = send_sms(
        to="06 12 34 56 78",
        body="Rappel : l'atelier est demain à 14:00",
        reference="reminder:p1:s2:2d",
    )
    assert message_id == "100001"
    (request,) = fake_ovh.requests
    assert request["path"] == "/1.0/sms/sms-ab12345-1/jobs"
    payload = json.loads(request["body"])
    assert payload["receivers"] == ["+33612345678"]
    assert payload["message"] == "Rappel : l'atelier est demain à 14:00"
    assert payload["sender"] == "KBMediation" and payload["noStopClause"] is True
    headers = request["headers"]
    assert headers["X-Ovh-Application"] == "app-key"
    assert headers["X-Ovh-Consumer"] == "consumer"
    expected = hashlib.sha1(
        "+".join(
            [
                "secret",
                "consumer",
                "POST",
                request["url"],
                request["body"],
                headers["X-Ovh-Timestamp"],
            ]
        ).encode()
    )
    assert headers["X-Ovh-Signature"] == "$1$" + expected.hexdigest()


def test_ovh_backend_server_error_is_worth_retrying(fake_ovh):
    fake_ovh.answers.extend([500])
    with pytest.raises(DeliveryError) as error:
        send_sms(to="0612345678", body="x", reference="k")
    assert not isinstance(error.value, PermanentDeliveryError)
    assert "500" in str(error.value)


def test_ovh_backend_bad_request_is_permanent(fake_ovh):
    fake_ovh.answers.extend([400])
    with pytest.raises(PermanentDeliveryError):
        send_sms(to="0612345678", body="x", reference="k")


def test_ovh_backend_refuses_a_non_number_without_calling(fake_ovh):
    with pytest.raises(PermanentDeliveryError):
        send_sms(to="abc", body="x", reference="k")
    assert fake_ovh.requests == []


def test_ovh_backend_unreachable_is_worth_retrying(settings):
    settings.SMS_BACKEND = "notifications.sms.ovh.SmsBackend"
    settings.OVH_SMS = {
        "ENDPOINT": "http://127.0.0.1:9/1.0",
        "APPLICATION_KEY": "a",
        "APPLICATION_SECRET": "b",
        "CONSUMER_KEY": "c",
        "SERVICE_NAME": "s",
        "TIMEOUT": 2,
    }
    with pytest.raises(DeliveryError):
        send_sms(to="0612345678", body="x", reference="k")


def test_ovh_that_never_answers_costs_one_timeout_and_is_retried(settings):
    import socket
    import time

    from notifications.sms.ovh import SmsBackend

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # connections are accepted by the kernel; nothing ever answers
    settings.OVH_SMS = {
        "ENDPOINT": f"http://127.0.0.1:{listener.getsockname()[1]}/1.0",
        "APPLICATION_KEY": "k",
        "APPLICATION_SECRET": "s",
        "CONSUMER_KEY": "c",
        "SERVICE_NAME": "sms-ab12345-1",
        "SENDER": "",
        "TIMEOUT": 1,
    }
    started = time.monotonic()
    try:
        with pytest.raises(DeliveryError) as raised:
            SmsBackend().send(to="06 12 34 56 78", body="Rappel", reference="test:1")
    finally:
        listener.close()
    assert not isinstance(raised.value, PermanentDeliveryError)
    assert time.monotonic() - started < 4
