"""Prepared statements for the few hot, fixed queries of pages no cache can serve.

PostgreSQL plans every statement it receives. For a small statement over a handful of indexed
tables, planning costs several times the execution: the standard detail page's one statement
took ~0.4 ms of database CPU planned each time and ~0.07 ms prepared (docs/benchmarks.md),
on the same two cores that run the web workers. psycopg2 never prepares statements, so a
`PreparedStatement` does: it sends `PREPARE` the first time it runs on a database session and
`EXECUTE` from then on.

- A prepared statement lives as long as its session and is not transactional (a rollback keeps
  it); each thread has its own connection, so nothing here is shared between threads.
- The `PREPARE` goes through the raw connection, like the session settings Django sends when it
  connects: it is once-per-session setup, not one of a page's queries.
- The name carries a digest of the text, so a changed statement is prepared anew rather than
  clashing with an old one on a long-lived connection.
- The portal talks to PostgreSQL directly; a transaction-pooling proxy (which hands each
  transaction another session) would lose prepared statements, and so would `DISCARD ALL`.
"""

from __future__ import annotations

import hashlib
import weakref

# raw DB-API connection -> names of the statements prepared on its session
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class PreparedStatement:
    def __init__(self, name: str, sql: str, types: tuple[str, ...]):
        """`sql` with PostgreSQL's positional parameters ($1, $2, ...) of the given `types`."""
        digest = hashlib.md5(sql.encode(), usedforsecurity=False).hexdigest()[:8]
        self.name = f"{name}_{digest}"
        self.prepare_sql = f"PREPARE {self.name} ({', '.join(types)}) AS {sql}"
        self.execute_sql = f"EXECUTE {self.name} ({', '.join(['%s'] * len(types))})"

    def execute(self, cursor, params) -> None:
        """Run on `cursor` (a Django cursor), preparing it first on a new session."""
        raw = cursor.cursor
        names = _prepared.setdefault(raw.connection, set())
        if self.name not in names:
            raw.execute(self.prepare_sql)
            names.add(self.name)
        cursor.execute(self.execute_sql, params)
