import pytest

from notifications.sms import locmem


@pytest.fixture
def sms_outbox(settings):
    """SMS kept in memory, as django.core.mail.outbox keeps e-mails."""
    settings.SMS_BACKEND = "notifications.sms.locmem.SmsBackend"
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()
