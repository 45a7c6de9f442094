from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import AccountError, api_token_create


class Command(BaseCommand):
    help = (
        "Create a personal API token for USERNAME and print it once on standard output "
        "(nothing else goes there, so scripts can capture it)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="What will use the token, e.g. 'partner calendar sync'.")

    def handle(self, *args, username: str, name: str, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"No account named {username!r}.") from exc
        if not user.is_active:
            raise CommandError(f"The account {username!r} is inactive.")
        try:
            token, raw = api_token_create(user=user, name=name)
        except AccountError as error:
            raise CommandError(error.message) from error
        self.stderr.write(
            f"Token {token.name!r} ({token.prefix}…) created for {username}; it is shown once:"
        )
        self.stdout.write(raw)
