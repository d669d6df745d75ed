"""The audit log is append-only in the database itself: UPDATE and DELETE on core_auditentry
are refused by a trigger, whoever sends them (the ORM, the admin, a shell).

One update is let through: setting `actor_id` to NULL with every other column unchanged,
which is what PostgreSQL is asked to do when a user account is deleted (on_delete=SET_NULL);
the entry itself (action, object, changes, time) stays as it was.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION core_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.actor_id IS NULL
       AND (NEW.id, NEW.created_at, NEW.action, NEW.content_type_id, NEW.object_id,
            NEW.object_repr, NEW.changes::text)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.created_at, OLD.action, OLD.content_type_id, OLD.object_id,
            OLD.object_repr, OLD.changes::text)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'core_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0002_importrun")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
