import time

from django.core.management.base import BaseCommand

from demo.scale import scale_data_load
from demo.services import load_demo_data


class Command(BaseCommand):
    help = (
        "Add a service FACTOR times the demo's size (bulk inserts, for benchmarks): "
        "programmes over two school years, households, enrolments, marks, messages."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--factor", type=int, default=10)

    def handle(self, *args, factor: int, **options) -> None:
        load_demo_data()
        started = time.perf_counter()
        counts = scale_data_load(factor=factor)
        seconds = time.perf_counter() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Added in {seconds:.1f} s: {summary}."))
