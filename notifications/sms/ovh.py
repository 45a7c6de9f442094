"""OVHcloud SMS through its HTTP API: ``POST /sms/{serviceName}/jobs``.

Requests are signed as OVHcloud's API requires: the headers X-Ovh-Application, X-Ovh-Consumer,
X-Ovh-Timestamp and X-Ovh-Signature, "$1$" + SHA-1 of
"application secret+consumer key+METHOD+full URL+body+timestamp". Settings: OVH_SMS (see
config/settings.py and README). Standard library only: one POST per SMS needs no SDK.
"""

import hashlib
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..errors import DeliveryError, PermanentDeliveryError
from .base import BaseSmsBackend, international_number

logger = logging.getLogger(__name__)

# Worth retrying: the provider is down, overloaded or rate-limiting, or our credentials are being
# fixed. Any other 4xx means the request itself is wrong.
RETRYABLE_STATUSES = {401, 403, 408, 409, 425, 429}


class SmsBackend(BaseSmsBackend):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        config = {**settings.OVH_SMS, **{key.upper(): value for key, value in kwargs.items()}}
        missing = [
            name
            for name in ("APPLICATION_KEY", "APPLICATION_SECRET", "CONSUMER_KEY", "SERVICE_NAME")
            if not config.get(name)
        ]
        if missing:
            raise ImproperlyConfigured(
                "OVH SMS backend needs OVH_SMS settings: " + ", ".join(missing)
            )
        self.config = config

    def _url(self) -> str:
        service = urllib.parse.quote(self.config["SERVICE_NAME"], safe="")
        return f"{self.config['ENDPOINT'].rstrip('/')}/sms/{service}/jobs"

    def _signed_headers(self, method: str, url: str, body: str) -> dict[str, str]:
        timestamp = str(int(time.time()))
        signature = hashlib.sha1(  # the provider's protocol requires SHA-1
            "+".join(
                [
                    self.config["APPLICATION_SECRET"],
                    self.config["CONSUMER_KEY"],
                    method,
                    url,
                    body,
                    timestamp,
                ]
            ).encode()
        ).hexdigest()
        return {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "X-Ovh-Application": self.config["APPLICATION_KEY"],
            "X-Ovh-Consumer": self.config["CONSUMER_KEY"],
            "X-Ovh-Timestamp": timestamp,
            "X-Ovh-Signature": f"$1${signature}",
        }

    def send(self, *, to: str, body: str, reference: str) -> str:
        receiver = international_number(to)
        if len(receiver) < 8:
            raise PermanentDeliveryError(f"Not a phone number: {to!r}")
        payload = {
            "message": body,
            "receivers": [receiver],
            "charset": "UTF-8",
            "priority": "high",
            # Service messages, not marketing: no "STOP" line appended.
            "noStopClause": True,
            "senderForResponse": False,
            "tag": reference[:128],
        }
        if self.config.get("SENDER"):
            payload["sender"] = self.config["SENDER"]
        url = self._url()
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        request = urllib.request.Request(
            url, data=data.encode(), method="POST", headers=self._signed_headers("POST", url, data)
        )
        try:
            with urllib.request.urlopen(request, timeout=self.config.get("TIMEOUT", 10)) as resp:
                answer = json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode(errors="replace")
            message = f"OVH SMS answered {error.code}: {detail}"
            if error.code >= 500 or error.code in RETRYABLE_STATUSES:
                raise DeliveryError(message) from error
            raise PermanentDeliveryError(message) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise DeliveryError(f"OVH SMS unreachable: {error}") from error
        except ValueError as error:
            raise DeliveryError(f"OVH SMS answered something that is not JSON: {error}") from error

        if receiver in (answer.get("invalidReceivers") or []):
            raise PermanentDeliveryError(f"OVH SMS refused the number {receiver}")
        ids = answer.get("ids") or []
        if not ids:
            raise DeliveryError(f"OVH SMS accepted no message: {answer!r}"[:300])
        return str(ids[0])
