#!/bin/bash
# A hot standby of the `postgres` service: on an empty volume, copy the primary with
# pg_basebackup (retrying until the primary accepts), then run streaming from it.
# docs/scaling.md "Read replicas"; the portal reads it through DATABASE_REPLICA_URLS.
set -euo pipefail
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_basebackup --host=postgres --username=replicator --pgdata="$PGDATA" \
      --wal-method=stream --checkpoint=fast --write-recovery-conf; do
    echo "waiting for the primary to accept a base backup"
    rm -rf "${PGDATA:?}"/*
    sleep 3
  done
  chmod 0700 "$PGDATA"
fi
# hot_standby_feedback: the primary's vacuum keeps rows a running replica query still reads
# (no "canceling statement due to conflict with recovery" on long public reads).
exec postgres -c hot_standby=on -c hot_standby_feedback=on -c max_standby_streaming_delay=30s
