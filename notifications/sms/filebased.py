import datetime
import uuid
from pathlib import Path

from django.conf import settings

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Writes each SMS to a file of its own under SMS_FILE_PATH (one file per message)."""

    def __init__(self, file_path: str | Path | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.file_path = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, *, to: str, body: str, reference: str) -> str:
        self.file_path.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        path = self.file_path / f"{stamp}-{message_id}.txt"
        path.write_text(f"To: {to}\nReference: {reference}\n\n{body}\n", encoding="utf-8")
        return message_id
