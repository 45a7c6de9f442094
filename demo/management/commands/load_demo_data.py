from django.core.management.base import BaseCommand

from demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Load a fictional mediation service (idempotent: loading twice adds nothing)."

    def handle(self, *args, **options) -> None:
        summary = load_demo_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {summary['programmes']} programmes, "
                f"{summary['sessions_created']} new sessions."
            )
        )
        accounts = ", ".join(account.username for account in DEMO_ACCOUNTS)
        self.stdout.write(f"Demo accounts ({DEMO_PASSWORD}): {accounts}")
