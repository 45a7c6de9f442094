import threading
import uuid
from dataclasses import dataclass

from .base import BaseSmsBackend


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str
    reference: str
    message_id: str


# Like django.core.mail.outbox: tests read and clear it.
outbox: list[SentSms] = []
_lock = threading.Lock()


class SmsBackend(BaseSmsBackend):
    """Keeps SMS in memory, in ``notifications.sms.locmem.outbox``: for tests."""

    def send(self, *, to: str, body: str, reference: str) -> str:
        message_id = uuid.uuid4().hex
        with _lock:
            outbox.append(SentSms(to, body, reference, message_id))
        return message_id
