"""PostgreSQL: NOTIFY fazhi_badge_changed after any change to badges or certificates, so every
worker's cache of verify-page cards (services/badge_cache.py) is emptied the moment a revocation,
suspension, re-issue or correction commits, whichever code path made it (issue 4 §2; performance.md
B3). Statement-level triggers: a bulk update sends one notice, and PostgreSQL folds identical
notices within a transaction. On SQLite this migration does nothing (no cache there).
"""

from django.db import migrations

CHANNEL = "fazhi_badge_changed"
TABLES = ("enforcement_badge", "enforcement_certificate")

FUNCTION = f"""
CREATE OR REPLACE FUNCTION fazhi_badge_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION fazhi_badge_changed()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_notify_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION fazhi_badge_changed()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_notify_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS fazhi_badge_changed()")


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0006_sweep_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
