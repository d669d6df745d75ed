"""Writes of the declaration workflow. Every change is audited; one service changes status.

Content is edited on a draft `StandardVersion`; publishing copies it to the `Standard` row and
its `IndicatorValue`s (the current public state), marks the version published and the
previous one superseded. A published version is never edited again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.enums import Direction
from apps.catalog.models import Category, Indicator
from apps.core import audit
from apps.core.uploads import PDF, filename_for, stored_files
from apps.core.workflow import Workflow, require
from apps.declarations import benchmarking, search_sql
from apps.declarations.enums import (
    StandardStatus,
    VersionStatus,
    standard_transition_refused,
)
from apps.declarations.models import IndicatorValue, Standard, StandardVersion
from apps.declarations.validators import (
    decimal_text,
    normalize_standard_no,
    parse_value,
    validate_pdf,
    validate_standard_no,
)
from apps.enterprises.models import Enterprise

CONTENT_FIELDS = ["name", "category", "standard_type", "products"]


# The declaration workflow, as data. `public -> public` is the publication of a new version,
# which replaces the current public content.
STANDARD = Workflow(
    "standard",
    StandardStatus,
    transitions={
        (StandardStatus.DRAFT, StandardStatus.PUBLIC): "declarations.change_standard",
        (StandardStatus.PUBLIC, StandardStatus.PUBLIC): "declarations.change_standard",
        (StandardStatus.PUBLIC, StandardStatus.ABOLISHED): "declarations.change_standard",
    },
    message=standard_transition_refused,
)


def _lock(standard: Standard) -> Standard:
    return (
        Standard.objects.select_for_update()
        .select_related("enterprise", "category")
        .get(pk=standard.pk)
    )


def draft_version_of(standard: Standard) -> StandardVersion | None:
    return standard.versions.filter(status=VersionStatus.DRAFT).first()


def _check_number(
    *, enterprise: Enterprise, number: str, standard_type: str, exclude_pk=None
) -> str:
    number = normalize_standard_no(number)
    try:
        validate_standard_no(number, standard_type)
    except ValidationError as error:
        raise ValidationError({"standard_no": error.messages}) from None
    duplicates = Standard.objects.filter(enterprise=enterprise, standard_no=number)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError(
            {
                "standard_no": _("本企业已声明过编号为“%(number)s”的标准，请在原标准上修订")
                % {"number": number}
            }
        )
    return number


@transaction.atomic
def standard_create(
    *,
    enterprise: Enterprise,
    standard_no: str,
    standard_type: str,
    name: str,
    category: Category,
    products: str = "",
    actor,
) -> Standard:
    """A new declaration: a draft standard with its first draft version."""
    require(actor, "declarations.declare", system=False)
    if getattr(actor.membership, "enterprise_id", None) != enterprise.pk:
        raise PermissionDenied
    number = _check_number(enterprise=enterprise, number=standard_no, standard_type=standard_type)
    content = {
        "name": name.strip(),
        "category": category,
        "standard_type": standard_type,
        "products": products.strip(),
    }
    standard = Standard(
        enterprise=enterprise, standard_no=number, status=StandardStatus.DRAFT, **content
    )
    standard.full_clean(exclude=["search_document"])
    standard.save()
    version = StandardVersion(standard=standard, number=1, **content)
    version.full_clean()
    version.save()
    audit.record(
        actor=actor,
        action="standard.create",
        target=standard,
        changes=audit.diff({}, audit.snapshot(standard, ["standard_no", *CONTENT_FIELDS])),
    )
    return standard


@transaction.atomic
def standard_update_draft(
    *,
    standard: Standard,
    actor,
    name: str,
    category: Category,
    standard_type: str,
    products: str = "",
    standard_no: str | None = None,
) -> StandardVersion:
    """Edit the draft's content. The number can change only while the standard was never
    public; a new category clears the values (they belong to the old category's indicators)."""
    require(actor, "declarations.change_standard", standard, system=False)
    standard = _lock(standard)
    version = draft_version_of(standard)
    if version is None:
        raise ValidationError(_("该标准没有待编辑的草稿；如需变更，请先点击“修订”创建新版本"))
    number = standard.standard_no
    if standard_no is not None and normalize_standard_no(standard_no) != number:
        if standard.status != StandardStatus.DRAFT:
            raise ValidationError(
                {"standard_no": _("已公开的标准不能修改编号；编号不同的标准请作为新标准声明")}
            )
        number = standard_no
    number = _check_number(
        enterprise=standard.enterprise,
        number=number,
        standard_type=standard_type,
        exclude_pk=standard.pk,
    )
    before = audit.snapshot(version, [*CONTENT_FIELDS, "values"])
    before["standard_no"] = standard.standard_no
    if version.category_id != category.pk:
        version.values = {}
    version.name = name.strip()
    version.category = category
    version.standard_type = standard_type
    version.products = products.strip()
    version.full_clean()
    version.save()
    if standard.status == StandardStatus.DRAFT:
        # Never public yet: the row itself is the draft, so keep it in step.
        standard.standard_no = number
        for field in CONTENT_FIELDS:
            setattr(standard, field, getattr(version, field))
        standard.full_clean(exclude=["search_document"])
        standard.save(update_fields=["standard_no", *CONTENT_FIELDS, "updated_at"])
    after = audit.snapshot(version, [*CONTENT_FIELDS, "values"])
    after["standard_no"] = number
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor=actor, action="standard.edit_draft", target=standard, changes=changes)
    return version


@transaction.atomic
def version_set_values(*, standard: Standard, values: dict[str, str], actor) -> StandardVersion:
    """Store the draft's indicator values, `values` being {indicator code: text}. A blank text
    removes the value; every problem is reported per indicator and nothing is saved."""
    require(actor, "declarations.change_standard", standard, system=False)
    standard = _lock(standard)
    version = draft_version_of(standard)
    if version is None:
        raise ValidationError(_("该标准没有待编辑的草稿；如需变更，请先点击“修订”创建新版本"))
    indicators = {i.code: i for i in Indicator.objects.filter(category_id=version.category_id)}
    errors: dict[str, list[str]] = {}
    parsed: dict[str, str] = {}
    for code, text in values.items():
        indicator = indicators.get(code)
        if indicator is None:
            errors.setdefault("__all__", []).append(
                _("指标“%(code)s”不属于类别“%(category)s”")
                % {"code": code, "category": version.category.name}
            )
            continue
        if text is None or str(text).strip() == "":
            continue
        try:
            parsed[code] = str(parse_value(text, unit=indicator.unit))
        except ValidationError as error:
            errors[code] = error.messages
    if errors:
        raise ValidationError(errors)
    before = dict(version.values)
    version.values = parsed
    version.save(update_fields=["values", "updated_at"])
    changes = audit.diff(before, parsed)
    if changes:
        audit.record(actor=actor, action="standard.set_values", target=standard, changes=changes)
    return version


def _shared_file(version: StandardVersion) -> bool:
    """A revision reuses its predecessor's stored file until a new one is uploaded."""
    return (
        StandardVersion.objects.filter(text_file=version.text_file.name)
        .exclude(pk=version.pk)
        .exists()
    )


@transaction.atomic
def version_attach_text(*, standard: Standard, upload, actor) -> StandardVersion:
    require(actor, "declarations.change_standard", standard, system=False)
    standard = _lock(standard)
    version = draft_version_of(standard)
    if version is None:
        raise ValidationError(_("该标准没有待编辑的草稿；如需变更，请先点击“修订”创建新版本"))
    try:
        validate_pdf(upload)
    except ValidationError as error:
        raise ValidationError({"text_file": error.messages}) from None
    old_name = version.text_file.name
    old_is_shared = bool(old_name) and _shared_file(version)
    with stored_files() as files:
        files.save(version.text_file, "standard.pdf", upload)
        version.text_filename = filename_for(upload.name, PDF, default="standard")
        version.save(update_fields=["text_file", "text_filename", "updated_at"])
        audit.record(
            actor=actor,
            action="standard.attach_text",
            target=standard,
            changes={"text_file": [old_name or None, version.text_file.name]},
        )
        if not old_is_shared:
            files.delete_on_commit(version.text_file.storage, old_name)
    return version


def benchmark_version(version: StandardVersion) -> benchmarking.Report:
    indicators = list(Indicator.objects.filter(category_id=version.category_id).order_by("code"))
    codes = {i.code: i.pk for i in indicators}
    values = {codes[c]: Decimal(v) for c, v in version.values.items() if c in codes}
    return benchmarking.benchmark(indicators, values)


def publication_problems(standard: Standard, version: StandardVersion) -> list[str]:
    """Everything that stops this draft from being published, in words for the user."""
    problems = []
    try:
        validate_standard_no(standard.standard_no, version.standard_type)
    except ValidationError as error:
        problems.extend(error.messages)
    report = benchmark_version(version)
    if not report.rows:
        problems.append(
            _("类别“%(category)s”尚未设置核心指标，暂不能公开，请联系市场监管局")
            % {"category": version.category.name}
        )
    missing = [row.indicator.name for row in report.rows if row.value is None]
    if missing:
        problems.append(_("请填写以下指标的声明值：%(names)s") % {"names": "、".join(missing)})
    for row in report.mandatory_violations:
        problems.append(
            _(
                "“%(name)s”的声明值 %(value)s 低于强制性国家标准值 %(national)s"
                "（%(direction)s），不符合强制性国家标准的标准不能公开"
            )
            % {
                "name": row.indicator.name,
                "value": decimal_text(row.value),
                "national": decimal_text(row.indicator.national_value),
                "direction": Direction(row.indicator.direction).label,
            }
        )
    if not version.text_file:
        problems.append(_("请上传标准文本（PDF）"))
    return problems


def _transition(
    *, standard: Standard, to: str, actor, action: str, fields: dict, changes: dict
) -> Standard:
    """The one place a standard's status changes: checks the transition table, saves with
    update_fields and audits. Callers hold the row lock."""
    STANDARD.check(standard, to, actor)
    before = audit.snapshot(standard, ["status", *fields])
    standard.status = to
    for name, value in fields.items():
        setattr(standard, name, value)
    standard.full_clean(exclude=["search_document"])
    standard.save(update_fields=["status", *fields, "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        target=standard,
        changes={**audit.diff(before, audit.snapshot(standard, ["status", *fields])), **changes},
    )
    return standard


@transaction.atomic
def standard_publish(
    *, standard: Standard, actor, commitment_accepted: bool, change_note: str = ""
) -> Standard:
    """Publish the draft version: it becomes the public content; the previous one is kept as
    superseded history."""
    require(actor, "declarations.change_standard", standard, system=False)
    standard = _lock(standard)
    version = draft_version_of(standard)
    if version is None:
        raise ValidationError(_("该标准没有待公开的草稿"))
    problems = publication_problems(standard, version)
    if not commitment_accepted:
        problems.append(_("请阅读并接受自我声明承诺：所公开的标准及指标真实、准确、合法"))
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    superseded = list(
        standard.versions.filter(status=VersionStatus.PUBLISHED).values_list("number", flat=True)
    )
    standard.versions.filter(status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.SUPERSEDED, updated_at=now
    )
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = actor
    version.commitment_accepted_at = now
    version.change_note = change_note.strip()[:500]
    version.save()
    indicators = {i.code: i for i in Indicator.objects.filter(category_id=version.category_id)}
    IndicatorValue.objects.filter(standard=standard).delete()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(standard=standard, indicator=indicators[code], value=Decimal(text))
        for code, text in sorted(version.values.items())
    )
    return _transition(
        standard=standard,
        to=StandardStatus.PUBLIC,
        actor=actor,
        action="standard.publish",
        fields={
            **{field: getattr(version, field) for field in CONTENT_FIELDS},
            "published_on": timezone.localdate(),
        },
        changes={
            "version": [superseded[0] if superseded else None, version.number],
            "values": [None, dict(version.values)],
        },
    )


def _current_content(standard: Standard) -> tuple[dict, str, str]:
    """The public content to start a revision from: the published version's, or (for a
    standard imported without versions) the row's own."""
    published = standard.versions.filter(status=VersionStatus.PUBLISHED).first()
    if published is not None:
        return (
            {f: getattr(published, f) for f in CONTENT_FIELDS} | {"values": published.values},
            published.text_file.name,
            published.text_filename,
        )
    values = {
        v.indicator.code: decimal_text(v.value)
        for v in standard.values.select_related("indicator").order_by("indicator__code")
    }
    return ({f: getattr(standard, f) for f in CONTENT_FIELDS} | {"values": values}, "", "")


@transaction.atomic
def standard_revise(*, standard: Standard, actor) -> StandardVersion:
    """Start a new version of a public standard, prefilled with the current public content."""
    require(actor, "declarations.change_standard", standard, system=False)
    standard = _lock(standard)
    if standard.status != StandardStatus.PUBLIC:
        raise ValidationError(_("只有公开状态的标准可以修订"))
    existing = draft_version_of(standard)
    if existing is not None:
        return existing
    content, text_name, text_filename = _current_content(standard)
    number = (standard.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = StandardVersion(
        standard=standard,
        number=number,
        text_file=text_name,
        text_filename=text_filename,
        **content,
    )
    version.full_clean()
    version.save()
    audit.record(
        actor=actor, action="standard.revise", target=standard, changes={"version": [None, number]}
    )
    return version


def _delete_version(version: StandardVersion) -> None:
    name = version.text_file.name
    shared = bool(name) and _shared_file(version)
    storage = version.text_file.storage
    version.delete()
    if name and not shared:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def standard_discard_draft(*, standard: Standard, actor) -> Standard | None:
    """Throw away the draft: a never-published standard is deleted; a revision is dropped and
    the public version stays. Returns the standard, or None when it was deleted."""
    require(actor, "declarations.change_standard", standard, system=False)
    standard = _lock(standard)
    version = draft_version_of(standard)
    if version is None:
        raise ValidationError(_("该标准没有草稿可以放弃"))
    if standard.status == StandardStatus.DRAFT:
        audit.record(
            actor=actor,
            action="standard.delete_draft",
            target=standard,
            changes={"standard_no": [standard.standard_no, None]},
        )
        for each in list(standard.versions.all()):
            _delete_version(each)
        standard.delete()
        return None
    number = version.number
    _delete_version(version)
    audit.record(
        actor=actor,
        action="standard.discard_revision",
        target=standard,
        changes={"version": [number, None]},
    )
    return standard


@transaction.atomic
def standard_abolish(*, standard: Standard, actor, abolished_on: date) -> Standard:
    """废止: the standard stays public, marked abolished from that date, with its history."""
    require(actor, "declarations.change_standard", standard, system=False)
    standard = _lock(standard)
    if abolished_on is None:
        raise ValidationError({"abolished_on": _("请填写废止日期")})
    if abolished_on > timezone.localdate():
        raise ValidationError({"abolished_on": _("废止日期不能晚于今天")})
    if standard.published_on and abolished_on < standard.published_on:
        raise ValidationError(
            {
                "abolished_on": _("废止日期不能早于公开日期 %(date)s")
                % {"date": standard.published_on.isoformat()}
            }
        )
    draft = draft_version_of(standard)
    if standard.status == StandardStatus.PUBLIC and draft is not None:
        _delete_version(draft)
    return _transition(
        standard=standard,
        to=StandardStatus.ABOLISHED,
        actor=actor,
        action="standard.abolish",
        fields={"abolished_on": abolished_on},
        changes={},
    )


SEARCH_INDEX_BATCH = 20_000


def search_index_pending(batch: int = SEARCH_INDEX_BATCH) -> int:
    """Give the standards a bulk import left without a search document theirs, a batch per
    transaction, until none is left; the number indexed. Not audited: derived data."""
    indexed = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [search_sql.SEARCH_BATCH])
            cursor.execute(search_sql.INDEX_PENDING, [batch])
            count = cursor.rowcount
            cursor.execute("SELECT set_config(%s, 'off', true)", [search_sql.SEARCH_BATCH])
        indexed += count
        if count < batch:
            return indexed
