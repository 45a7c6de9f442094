"""Database guard for the audit trail: rows can be added, never changed.

PostgreSQL also refuses DELETE (TRUNCATE, which test databases use to reset, is a different
statement and still works). SQLite refuses UPDATE only: Django empties tables between
transactional tests with DELETE, which a trigger would block.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse_change();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_refuse_change();
"""
SQLITE_FORWARD = """
CREATE TRIGGER accounts_auditevent_append_only
BEFORE UPDATE ON accounts_auditevent
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only (UPDATE refused)');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS accounts_auditevent_append_only;"


FORWARD = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}
BACKWARD = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}


def _run(statements: dict[str, str]):
    def operation(apps, schema_editor):
        sql = statements.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)
    return operation


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_event")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
