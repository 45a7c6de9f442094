"""Re-encrypt every safety sheet and PAI document with the first key of FIELD_ENCRYPTION_KEYS
(key rotation)."""

from django.core.management.base import BaseCommand

from households.services import pai_documents_reencrypt, safety_sheets_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt safety sheets and PAI documents with the first key of FIELD_ENCRYPTION_KEYS; run after "
        "putting a new key first, then remove the old key."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int = 500, **options) -> None:
        count = safety_sheets_reencrypt(batch_size=batch_size)
        documents = pai_documents_reencrypt()
        self.stdout.write(
            f"{count} safety sheet versions and {documents} PAI documents re-encrypted with the "
            "first key."
        )
