"""Signal receivers: they write outbox rows inside the sender's transaction."""

import logging

logger = logging.getLogger(__name__)


def connect() -> None:
    """Connect the receivers of lower apps' signals (called once from AppConfig.ready)."""


def sweep_at_worker_start(sender=None, **kwargs) -> None:
    """Beat fires an interval entry only after its first interval: sweep once at start-up."""
    from kombu.exceptions import OperationalError

    from .tasks import sweep

    try:
        sweep.delay()
    except OperationalError:
        logger.warning("Broker unreachable at worker start: the first beat sweep will run")
