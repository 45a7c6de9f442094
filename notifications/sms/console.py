import sys
import threading
import uuid

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Writes each SMS to standard output: development, and `make run` with no provider."""

    _lock = threading.Lock()

    def __init__(self, stream=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str, reference: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        with self._lock:
            self.stream.write(
                f"---------- SMS to {to} ({reference}, {message_id})\n{body}\n{'-' * 40}\n"
            )
            self.stream.flush()
        return message_id
