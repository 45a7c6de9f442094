import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications.sms import locmem


class FakeOvhSms:
    """OVHcloud's SMS API as far as the backend uses it, on 127.0.0.1 (never the internet).

    ``answers`` holds the statuses to answer in turn (then 200); ``requests`` what was received.
    """

    def __init__(self) -> None:
        self.answers: deque[int] = deque()
        self.requests: list[dict] = []
        self.delivered: list[dict] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with fake.lock:
                    record = {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                        "url": f"http://{self.headers['Host']}{self.path}",
                    }
                    fake.requests.append(record)
                    status = fake.answers.popleft() if fake.answers else 200
                    payload = json.loads(body)
                    if status == 200:
                        fake.delivered.append(payload)
                        answer = {
                            "ids": [100000 + len(fake.delivered)],
                            "invalidReceivers": [],
                            "validReceivers": payload["receivers"],
                            "totalCreditsRemoved": 1,
                        }
                    else:
                        answer = {"message": "Internal error" if status >= 500 else "Bad request"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_port}/1.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_ovh(settings):
    fake = FakeOvhSms()
    settings.SMS_BACKEND = "notifications.sms.ovh.SmsBackend"
    settings.OVH_SMS = {
        "ENDPOINT": fake.endpoint,
        "APPLICATION_KEY": "app-key",
        "APPLICATION_SECRET": "secret",
        "CONSUMER_KEY": "consumer",
        "SERVICE_NAME": "sms-ab12345-1",
        "SENDER": "KBMediation",
        "TIMEOUT": 5,
    }
    yield fake
    fake.close()


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "notifications.sms.locmem.SmsBackend"
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


@pytest.fixture
def family():
    """A household with an SMS-preferring French guardian and a nine-year-old child."""
    from tests.factories import GuardianFactory, ParticipantFactory

    guardian = GuardianFactory(
        first_name="Nadia", last_name="Durand", phone="06 12 34 56 78", email="nadia@example.org"
    )
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    return guardian, child


@pytest.fixture
def deliver_now(celery_eager, django_capture_on_commit_callbacks):
    """Run on-commit callbacks (delivery tasks run inline)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
