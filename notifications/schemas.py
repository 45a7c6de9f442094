import datetime

from django.utils import timezone
from ninja import Schema
from pydantic import Field, field_validator

from core.schema_types import BoundedDateTime
from core.text import InputSchema

from .models import Channel, MessageKind, MessageState


class MessageOut(Schema):
    id: int
    kind: MessageKind
    channel: Channel
    address: str
    language: str
    recipient_name: str
    state: MessageState
    due_at: datetime.datetime
    sent_at: datetime.datetime | None
    attempts: int
    last_error: str
    cancel_reason: str
    subject: str
    body: str
    provider_message_id: str
    session_id: int | None
    household_id: int | None
    programme_id: int | None
    created_at: datetime.datetime


class MessageFilters(InputSchema):
    # Bounded so that a huge number is a 422, not a database overflow.
    session: int | None = Field(None, ge=1, le=2**31 - 1)
    household: int | None = Field(None, ge=1, le=2**31 - 1)
    state: MessageState | None = None
    channel: Channel | None = None
    kind: MessageKind | None = None
    since: BoundedDateTime | None = None
    until: BoundedDateTime | None = None

    @field_validator("since", "until")
    @classmethod
    def as_utc(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        """Any offset in, UTC out (databases refuse odd offsets); a naive time is local."""
        if value is None:
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            return value.astimezone(datetime.UTC)
        except (OverflowError, ValueError) as error:
            raise ValueError("date out of range") from error
