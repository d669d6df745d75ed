"""TRUNCATE of core_auditentry is refused too: row triggers (0003) never see a TRUNCATE, so a
statement-level trigger does.

The one way through is a session that sets `leaderportal.audit_truncate = 'allow'` first: the
test runner's database flush does (config/settings/test.py), and a database owner may during
a deliberate maintenance window. The portal's own code never sets it.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION core_auditentry_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('leaderportal.audit_truncate', true), '') = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditentry is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER core_auditentry_refuse_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_refuse_truncate();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_refuse_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0005_inbox_message")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
