"""Callbacks run once at the commit, however many rows of a transaction asked for them."""

from django.db import transaction


def on_commit_once(func) -> None:
    """`transaction.on_commit(func)`, unless `func` already waits for the commit from the same
    (save)point: a bulk write then costs one callback, not one a row (deleting a draft
    spot-check plan's 31,624 items at national scale sends a signal for each). A rolled-back
    savepoint drops its callbacks, so a change after it asks again."""
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if connection.in_atomic_block and any(
        queued is func and savepoints == here
        for savepoints, queued, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(func)
