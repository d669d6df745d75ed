"""Every workflow has one shape (apps/core/workflow.py) and changes only through its service.

The registry lists the eleven workflows; each one's states are its model's status choices; and
a scan of apps/ finds every write of a workflow object's status (`obj.status = …`,
`.update(status=…)`): each must stand in a function of the module that defines the workflow
and that consults it, so a status cannot be changed past the table by code elsewhere.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.workflow import REGISTRY, SYSTEM, forward_pairs, require
from tests.factories.accounts import UserFactory

ROOT = Path(settings.BASE_DIR)
WORKFLOWS = {
    # name: (module defining it, its constant, the model, the variable names code gives it)
    "standard": (
        "apps/declarations/services.py",
        "STANDARD",
        "declarations.Standard",
        {"standard"},
    ),
    "expert": ("apps/experts/services/profiles.py", "EXPERT", "experts.Expert", {"expert"}),
    "scheme": ("apps/evaluators/services/schemes.py", "SCHEME", "evaluators.Scheme", {"scheme"}),
    "key_area_application": (
        "apps/evaluators/services/agencies.py",
        "KEY_AREA_APPLICATION",
        "evaluators.KeyAreaApplication",
        {"application"},
    ),
    "leader": ("apps/leaders/services/titles.py", "LEADER", "leaders.Leader", {"leader"}),
    "candidate_list": (
        "apps/leaders/services/candidate_lists.py",
        "CANDIDATE_LIST",
        "leaders.CandidateList",
        {"candidate_list"},
    ),
    "objection": (
        "apps/leaders/services/objections.py",
        "OBJECTION",
        "leaders.Objection",
        {"objection"},
    ),
    "incentive_application": (
        "apps/incentives/services.py",
        "APPLICATION",
        "incentives.Application",
        {"application"},
    ),
    "spotcheck_plan": (
        "apps/supervision/services.py",
        "PLAN",
        "supervision.SpotCheckPlan",
        {"plan"},
    ),
    "membership": (
        "apps/enterprises/services.py",
        "MEMBERSHIP",
        "enterprises.EnterpriseMembership",
        {"membership"},
    ),
    "name_change": (
        "apps/enterprises/services.py",
        "NAME_CHANGE",
        "enterprises.EnterpriseNameChange",
        {"change", "name_change"},
    ),
}


def test_the_registry_holds_every_workflow_in_one_shape():
    for module, *_rest in WORKFLOWS.values():
        importlib.import_module(module.removesuffix(".py").replace("/", "."))
    assert set(REGISTRY) == set(WORKFLOWS)
    for name, workflow in REGISTRY.items():
        model = django_apps.get_model(WORKFLOWS[name][2])
        status = model._meta.get_field(workflow.attribute)
        assert [value for value, _label in status.choices] == list(workflow.states.values), name
        for (source, target), rule in workflow.transitions.items():
            assert rule == SYSTEM or "." in rule, (name, source, target, rule)


def test_each_workflow_is_defined_where_the_registry_says():
    for name, (module, constant, _model, _names) in WORKFLOWS.items():
        assert f"{constant} = Workflow(" in (ROOT / module).read_text(encoding="utf-8"), name


def _status_writes(tree):
    """(function node, variable name, line) of each `x.status = …` and `x.update(status=…)`."""
    writes = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and target.attr == "status"
                        and isinstance(target.value, ast.Name)
                    ):
                        writes.append((function, target.value.id, node.lineno))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and any(keyword.arg == "status" for keyword in node.keywords)
            ):
                writes.append((function, _queryset_name(node.func.value), node.lineno))
    return writes


def _queryset_name(node) -> str:
    """`Scheme.objects.filter(...)` -> "scheme"; anything else -> ""."""
    while isinstance(node, (ast.Call, ast.Attribute)):
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name) and node.id[:1].isupper():
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in node.id).lstrip("_")
    return ""


def _names_of(workflow_name):
    module, constant, model, names = WORKFLOWS[workflow_name]
    model_name = model.split(".")[1]
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in model_name).lstrip("_")
    return module, constant, names | {snake}


def test_no_status_of_a_workflow_is_written_past_its_service():
    offenders = []
    for path in sorted(ROOT.glob("apps/**/*.py")):
        if "migrations" in path.parts:
            continue
        relative = str(path.relative_to(ROOT))
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for function, name, line in _status_writes(tree):
            body = ast.get_source_segment(source, function) or ""
            for workflow_name in WORKFLOWS:
                module, constant, names = _names_of(workflow_name)
                if name not in names:
                    continue
                if relative == module and (
                    f"{constant}." in body or f"{constant}_" in body or "_check_transition" in body
                ):
                    break
            else:
                if any(name in _names_of(w)[2] for w in WORKFLOWS):
                    offenders.append(f"{relative}:{line} {function.name} writes {name}.status")
    assert offenders == []


def test_the_scan_would_find_a_write_past_the_service():
    source = "def sneak(scheme):\n    scheme.status = 'approved'\n    scheme.save()\n"
    [(function, name, line)] = _status_writes(ast.parse(source))
    assert (function.name, name, line) == ("sneak", "scheme", 2)
    tree = ast.parse("def bulk():\n    Scheme.objects.filter(pk=1).update(status='draft')\n")
    assert [name for _f, name, _l in _status_writes(tree)] == ["scheme"]


@pytest.mark.django_db
def test_a_move_off_the_table_and_a_move_by_the_wrong_person_are_refused(enterprise_user):
    from apps.supervision.services import PLAN

    class Plan:
        status = "approved"

    with pytest.raises(ValidationError, match="该抽查计划已批准"):
        PLAN.check(Plan(), "approved", UserFactory(role="bureau", is_staff=True))
    Plan.status = "draft"
    with pytest.raises(PermissionDenied):
        PLAN.check(Plan(), "approved", enterprise_user)
    assert PLAN.check(Plan(), "approved", None) == "supervision.approve_plan"  # the system


def test_imports_reach_forward_only():
    scheme = REGISTRY["scheme"]
    assert scheme.reaches("draft", "approved")
    assert not scheme.reaches("approved", "draft")
    pairs = forward_pairs(REGISTRY["leader"])
    assert ("active", "revoked") in pairs and ("revoked", "active") not in pairs


def test_docs_workflows_is_the_table_the_code_runs():
    from apps.core.management.commands.describe_workflows import describe

    assert (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8") == describe()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, options, allowed",
    [
        ("system", {}, True),
        ("system", {"system": False}, False),
        ("enterprise", {}, True),
        ("superuser", {}, False),  # no bypass: a superuser does not act as an enterprise
        ("superuser", {"superuser": True}, True),
        ("other", {}, False),
    ],
)
def test_the_one_permission_check(who, options, allowed, enterprise_user, bureau_user):
    actor = {
        "system": None,
        "enterprise": enterprise_user,
        "superuser": UserFactory(role="emergency", is_superuser=True, is_staff=True),
        "other": bureau_user,
    }[who]
    try:
        require(actor, "declarations.declare", **options)
    except PermissionDenied:
        assert not allowed
    else:
        assert allowed
