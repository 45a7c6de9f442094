from django.core.management.base import BaseCommand, CommandError

from allocation.errors import AllocationError
from allocation.models import AllocationRound
from allocation.services import round_reproduce


class Command(BaseCommand):
    help = (
        "Run a round's allocation again from its stored inputs and seed, and say whether the "
        "result is the one stored."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("round_id", type=int)

    def handle(self, *args, round_id: int, **options) -> None:
        try:
            round_ = AllocationRound.objects.get(pk=round_id)
        except AllocationRound.DoesNotExist as missing:
            raise CommandError(f"No round {round_id}.") from missing
        try:
            stored, again = round_reproduce(round_=round_)
        except AllocationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Round {round_.pk} “{round_.title}”, seed {round_.seed}")
        self.stdout.write(f"stored result:     {stored}")
        self.stdout.write(f"reproduced result: {again}")
        if stored != again:
            raise CommandError("The stored result differs from a new run over the same inputs.")
        self.stdout.write(self.style.SUCCESS("Identical."))
