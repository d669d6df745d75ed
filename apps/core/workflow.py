"""One shape for every workflow: its states, and its transitions with who may make each,
kept as data in one place per app; one service per workflow applies them.

    SCHEME = Workflow(
        "scheme", SchemeStatus, noun=_("方案"),
        transitions={
            (DRAFT, SUBMITTED): "evaluators.act_for_agency",   # a django-rules permission
            (APPROVED, SUPERSEDED): SYSTEM,                     # made by another service
        },
    )

A service calls `SCHEME.check(scheme, to, actor)` before it changes the status: a move the
table does not hold is refused with the workflow's one message, a move the actor may not make
with PermissionDenied. Pages ask `SCHEME.available(scheme, user)` (or the template tag
`{% transitions obj %}`) which moves to offer instead of restating the table, and imports
ask `SCHEME.reaches(old, new)` whether a file may set a status (CONTRACT.md §2: statuses move
only forward). `REGISTRY` lists every workflow, for the tests that check them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

# A transition no person makes directly: another service makes it (a review's outcome, a
# newer version approved, a job).
SYSTEM = "system"

REGISTRY: dict[str, Workflow] = {}


def require(actor, perm: str, obj=None, *, system: bool = True, superuser: bool = False) -> None:
    """The one permission check of services. By default the django-rules predicate itself,
    with no superuser bypass (acting as another role is wrong, not merely privileged), and
    `actor=None` is the system (a command, a job, another service), which may do anything.
    `system=False`: the action needs a person (a self-declaration is the enterprise's own).
    `superuser=True`: Django's permission backends decide, so the emergency superuser may act
    (every use of it is audited)."""
    if actor is None:
        if system:
            return
        raise PermissionDenied
    allowed = actor.has_perm(perm, obj) if superuser else rules.has_perm(perm, actor, obj)
    if not allowed:
        raise PermissionDenied


@dataclass
class Workflow:
    name: str
    states: type[models.TextChoices]
    transitions: dict[tuple[str, str], str]
    noun: str = ""
    attribute: str = "status"
    # A workflow with one decision ("already decided") may say so instead of naming states;
    # or give its own message function (old, new) -> text.
    refusal_text: str = ""
    message: object = None
    _targets: dict = field(init=False, repr=False)

    def __post_init__(self):
        values = set(self.states.values)
        for source, target in self.transitions:
            if source not in values or target not in values:
                raise ValueError(f"{self.name}: unknown state in {source} -> {target}")
        self._targets = {}
        for source, target in self.transitions:
            self._targets.setdefault(source, []).append(target)
        REGISTRY[self.name] = self

    def label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state

    def targets(self, source: str) -> list[str]:
        return list(self._targets.get(source, []))

    def allows(self, source: str, target: str) -> bool:
        return (source, target) in self.transitions

    def reaches(self, source: str, target: str) -> bool:
        """Whether `target` follows `source` through any number of moves (or is it)."""
        seen, frontier = {source}, [source]
        while frontier:
            for following in self._targets.get(frontier.pop(), []):
                if following not in seen:
                    seen.add(following)
                    frontier.append(following)
        return target in seen

    def refusal(self, source: str, target: str) -> str:
        if self.message is not None:
            return self.message(source, target)
        if self.refusal_text:
            return str(self.refusal_text)
        return _("%(noun)s状态不能从“%(old)s”变为“%(new)s”") % {
            "noun": self.noun,
            "old": self.label(source),
            "new": self.label(target),
        }

    def check(self, obj, target: str, actor, *, source: str | None = None) -> str:
        """Refuse a move the table does not hold (ValidationError with `refusal`) or one the
        actor may not make (PermissionDenied); returns the rule that allowed it."""
        source = getattr(obj, self.attribute) if source is None else source
        # Permission first: who may never make such a move learns nothing of the state.
        into = {rule for (_old, new), rule in self.transitions.items() if new == target}
        if (
            actor is not None
            and into
            and SYSTEM not in into
            and not any(rules.has_perm(rule, actor, obj) for rule in into)
        ):
            raise PermissionDenied
        rule = self.transitions.get((source, target))
        if rule is None:
            raise ValidationError(self.refusal(source, target))
        if rule != SYSTEM:
            require(actor, rule, obj)
        return rule

    def available(self, obj, user) -> list[str]:
        """The targets this user may move `obj` to now: what the page offers."""
        source = getattr(obj, self.attribute)
        return [
            target
            for target in self.targets(source)
            if (rule := self.transitions[(source, target)]) != SYSTEM
            and user is not None
            and rules.has_perm(rule, user, obj)
        ]


# ---------------------------------------------------------------------------------------------
# Imports (CONTRACT.md §2: statuses move only forward). An import writes a status directly,
# without walking the workflow step by step, so what it may write is derived from the same
# table: the stored status itself (unchanged), or any status the workflow reaches from it.
# Moves back that the table allows only a person on the page to make (e.g. re-appointing a
# retired expert) are named by the app and left out: an import never moves a status back.

Pair = tuple[str, str]

_CODE = re.compile(r"^[a-z_]+$")


def _code(status) -> str:
    return str(getattr(status, "value", status))


def edges(transitions) -> set[Pair]:
    """The table's moves as (from, to) pairs: a Workflow, or a table in either older shape
    (`{status: {targets}}` or `{(from, to): rule}`)."""
    if isinstance(transitions, Workflow):
        transitions = transitions.transitions
    pairs: set[Pair] = set()
    for key, value in transitions.items():
        if isinstance(key, tuple):
            pairs.add((_code(key[0]), _code(key[1])))
        else:
            pairs.update((_code(key), _code(target)) for target in value)
    return pairs


def forward_pairs(transitions, *, back: Iterable[Pair] = ()) -> frozenset[Pair]:
    """Every (stored, new) pair an import may write: the same status, or one the workflow
    reaches from the stored one in any number of moves, none of them one of `back`."""
    moves = edges(transitions) - {(_code(a), _code(b)) for a, b in back}
    statuses = {status for pair in edges(transitions) for status in pair}
    following: dict[str, set[str]] = {status: set() for status in statuses}
    for origin, target in moves:
        following[origin].add(target)
    pairs: set[Pair] = set()
    for start in statuses:
        reached, frontier = {start}, [start]
        while frontier:
            for target in following[frontier.pop()]:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
        pairs.update((start, target) for target in reached)
    return frozenset(pairs)


def pairs_sql(pairs: Iterable[Pair]) -> str:
    """The pairs as an SQL `VALUES` list, for set-based checks: `(VALUES ('a', 'b'), ...)`."""
    rows = []
    for origin, target in sorted(pairs):
        if not (_CODE.match(origin) and _CODE.match(target)):
            raise ValueError(f"not a status code: {origin!r} -> {target!r}")
        rows.append(f"('{origin}', '{target}')")
    return f"(VALUES {', '.join(rows)})"
