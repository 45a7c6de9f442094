"""Render the declared access policy (privacy/access_policy.csv) into docs/access.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from privacy.access_policy import load_policy, render_markdown


class Command(BaseCommand):
    help = "Write docs/access.md from privacy/access_policy.csv (--check: fail if out of date)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit with an error if docs/access.md is not up to date.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        target = Path(settings.BASE_DIR) / "docs" / "access.md"
        text = render_markdown(load_policy())
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                raise SystemExit("docs/access.md is out of date: run manage.py access_table")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {target}")
