from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone

from enrolment.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Load a fictional mediation service (idempotent: loading twice adds nothing)."

    def handle(self, *args, **options) -> None:
        summary = load_demo_data()
        # Higher apps (allocation rounds) add their part; this app never imports them.
        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo", None)
            if loader is not None:
                loader(timezone.localdate())
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {summary['programmes']} programmes, "
            f"{summary['sessions_created']} new sessions."
        ))
        accounts = ", ".join(account.username for account in DEMO_ACCOUNTS)
        self.stdout.write(f"Demo accounts ({DEMO_PASSWORD}): {accounts}")
