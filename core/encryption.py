"""Fields encrypted at rest, on django-fernet-encrypted-fields.

The library derives its keys from SECRET_KEY and a salt; here the keys are Fernet keys of their
own (``settings.FIELD_ENCRYPTION_KEYS``), so that rotating Django's secret key never makes the
data unreadable, and rotating the data key is a matter of putting a new key first and
re-encrypting (``MultiFernet`` decrypts with any key and encrypts with the first).

``EncryptedJSONBlobField`` stores a whole structure as one ciphertext: nothing of its shape
(which answers are empty, how many contacts) shows in the database, which field-by-field
encryption would reveal (the library stores an empty or false value as NULL).
"""

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from encrypted_fields.fields import EncryptedTextField


def fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


class UnreadableCiphertext(Exception):
    """A value encrypted with a key that is no longer in FIELD_ENCRYPTION_KEYS."""


class EncryptedJSONBlobField(EncryptedTextField):
    """A JSON value (dict or list) encrypted as one Fernet token."""

    @property
    def f(self) -> MultiFernet:
        # Read on each use, so that a test or a rotation changing the keys is obeyed at once.
        return fernet()

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return self.f.encrypt(json.dumps(value, cls=DjangoJSONEncoder).encode()).decode()

    def to_python(self, value: Any) -> Any:
        if value is None or not isinstance(value, str):
            return value
        try:
            return json.loads(self.f.decrypt(value.encode()).decode())
        except InvalidToken as error:
            raise UnreadableCiphertext(
                "An encrypted field cannot be read with FIELD_ENCRYPTION_KEYS."
            ) from error

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.to_python(value)

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)
