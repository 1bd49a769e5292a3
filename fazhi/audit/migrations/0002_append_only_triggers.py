"""PostgreSQL: refuse UPDATE, DELETE and TRUNCATE on the audit tables (security.md AUD-3).

UPDATE and DELETE are refused always (row triggers). TRUNCATE is refused unless the session sets
`fazhi.audit_maintenance = on`; the test settings set it so that pytest-django's flush (which
TRUNCATEs every table between transactional tests) still works. Production sets it nowhere; the
application role should in addition hold only INSERT/SELECT on these tables (docs/deployment).
On SQLite this migration does nothing.
"""

from django.db import migrations

TABLES = ("audit_auditentry", "audit_auditcheckpoint")

FUNCTION = """
CREATE OR REPLACE FUNCTION fazhi_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('fazhi.audit_maintenance', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the body holds literal % signs
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION fazhi_audit_append_only()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION fazhi_audit_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS fazhi_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
