"""Trigram indexes for the household search on PostgreSQL.

The search matches any part of a name, phone, e-mail or reference (``icontains``, which
PostgreSQL runs as ``UPPER(column) LIKE UPPER('%term%')``): a B-tree cannot serve it, a GIN
trigram index on the same expression can. SQLite (development) has no such index and needs none
at its size. ``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database owner may create
it.
"""

from django.db import migrations

INDEXED = (
    ("enrolment_household", "reference"),
    ("enrolment_guardian", "first_name"),
    ("enrolment_guardian", "last_name"),
    ("enrolment_guardian", "phone"),
    ("enrolment_guardian", "email"),
    ("enrolment_participant", "first_name"),
    ("enrolment_participant", "last_name"),
)


def _name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_name(table, column)}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_name(table, column)}"')


class Migration(migrations.Migration):

    dependencies = [
        ("enrolment", "0007_bounded_notes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
