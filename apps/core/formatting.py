"""One formatter for what people read: pages, exports and mails show numbers without
trailing zeros, codes as their labels, and history entries as sentences in the reader's
words (field labels and object names, not keys and database ids)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import Permission
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.imports.spec import get_import_kind

# What an audit action's last part means (`standard.publish` -> 公开). An action whose last
# part is a status of the target (e.g. `scheme.approved`) reads as that status's label.
VERBS = {
    "create": _("创建"),
    "update": _("修改"),
    "change": _("修改"),
    "delete": _("删除"),
    "publish": _("公开发布"),
    "revise": _("开始修订"),
    "edit_draft": _("编辑草稿"),
    "delete_draft": _("删除草稿"),
    "discard_revision": _("放弃修订"),
    "set_values": _("填写指标值"),
    "attach_text": _("上传标准文本"),
    "abolish": _("废止"),
    "result": _("录入抽查结果"),
    "generate": _("生成计划"),
    "approve": _("批准"),
    "results_publish": _("公布评估结果"),
    "new_version": _("新建版本"),
    "comment": _("发表意见"),
    "redraw": _("改抽专家"),
    "opinion": _("提交评审意见"),
    "draw": _("抽取评审专家"),
    "close": _("评审结束"),
    "requeue": _("重新发送编制任务"),
    "queue": _("排队编制"),
    "compile": _("编制排行榜"),
    "tag": _("添加试点标记"),
    "untag": _("移除试点标记"),
    "revoke": _("撤销"),
    "issue": _("签发"),
    "file": _("提出异议"),
    "announce": _("发布公告"),
    "request": _("提交注册申请"),
    "activate": _("激活账户"),
    "refuse": _("拒绝"),
    "expire": _("到期"),
    "apply": _("提交申请"),
    "recommend": _("推荐"),
    "conflict_declare": _("声明利益冲突"),
    "enter": _("录入"),
    "notice_end": _("公示结束"),
    "remove": _("移除"),
    "unreject": _("撤回拒绝"),
    "score": _("评分"),
    "reject": _("拒绝"),
    "submit": _("提交"),
    "member_move": _("调整所属机构"),
    "member_add": _("添加评估人员"),
    "two_factor_enabled": _("启用两步验证"),
    "two_factor_disabled": _("停用两步验证"),
    "personal_data_export": _("导出个人信息"),
    "personal_data_erase": _("删除个人信息"),
    "personal_data_purge": _("到期删除异议人个人信息"),
    "commenter_contact_purge": _("到期删除意见人联系方式"),
    "profile_update": _("更新联系方式"),
}
# Whole action codes whose last part alone has no word, or a word that would mislead.
ACTIONS = {
    "security.login": _("登录"),
    "security.logout": _("退出登录"),
    "security.login_failed": _("登录失败"),
    "security.locked_out": _("账户被锁定"),
    "security.unlock": _("解除锁定"),
    "security.permission_denied": _("访问被拒绝"),
    "security.two_factor_reset": _("重置两步验证"),
    "emergency.login": _("应急超级管理员登录"),
    "emergency.request": _("应急超级管理员操作"),
    "data.export": _("导出数据"),
    "account.invite": _("发送设置密码的邀请"),
    "account.invitation_accept": _("接受邀请并设置密码"),
    "account.role_change": _("变更角色或组"),
    "enterprise.name_change_request": _("申请变更企业名称"),
    "enterprise.name_change_approve": _("批准变更企业名称"),
    "enterprise.name_change_withdraw": _("撤回企业名称变更申请"),
    "expert.account_create": _("创建专家账户"),
    "expert.account_link": _("关联专家账户"),
}
# Keys of `changes` that are not fields of the target.
KEYS = {
    "reason": _("理由"),
    "seed": _("随机种子"),
    "pool": _("候选专家"),
    "drawn": _("抽取专家"),
    "replaced": _("被改抽专家"),
    "expert": _("专家"),
    "excluded": _("回避专家"),
    "conflict": _("利益冲突"),
    "batch": _("批次"),
    "schemes": _("方案数"),
    "comments": _("意见数"),
    "jobs": _("任务"),
    "status": _("状态"),
    "values": _("指标值"),
    "rows": _("数据行数"),
    "created": _("新增"),
    "updated": _("更新"),
    "file": _("文件"),
    "outcome": _("结果"),
    "obligations": _("须保留的记录"),
    "format": _("格式"),
    "sections": _("内容"),
    "fields": _("字段"),
    "ip": _("IP 地址"),
    "method": _("请求方式"),
    "path": _("网址路径"),
    "query": _("查询条件"),
    "failures": _("失败次数"),
    "source": _("来源事件"),
}
EMPTY = "—"


def plain_number(value) -> str:
    """4.400000 -> 4.4, 100.00 -> 100, 1E+2 -> 100; anything else as it is."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def megabytes(size: int) -> str:
    """A file size in MB to one decimal, as people write it: 200, 2.5."""
    return plain_number(round(Decimal(size) / 2**20, 1))


def _own_field(model, name):
    try:
        field = model._meta.get_field(name) if model is not None else None
    except Exception:  # FieldDoesNotExist: a key of the entry's own
        return None
    return field if getattr(field, "concrete", False) else None


def _field(model, name):
    """The target's own (concrete) field of that name; for a key of the entry's own that
    names no field of the target, a field with choices of one of its rows (a review's
    `decision` is its members'); None for the other keys of their own."""
    field = _own_field(model, name)
    if field is not None or model is None or name in KEYS:
        return field
    for relation in model._meta.related_objects:
        if relation.one_to_many:
            row_field = _own_field(relation.related_model, name)
            if row_field is not None and row_field.choices:
                return row_field
    return None


def _label_of(model, key) -> str:
    field = _field(model, key)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return str(KEYS.get(key, key))


def _plain(value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        return "、".join(_plain(item) for item in value) or EMPTY
    if isinstance(value, dict):
        return "；".join(f"{key}：{_plain(item)}" for key, item in value.items()) or EMPTY
    if isinstance(value, (int, float, Decimal)):
        return plain_number(value)
    text = str(value)
    return plain_number(text) if _looks_decimal(text) else text


def plain_value(value) -> str:
    """Any stored value as people read it: numbers without trailing zeros, lists joined with
    、, dicts as key：value pairs, yes/no in words, — for nothing."""
    return _plain(value)


def _looks_decimal(text: str) -> bool:
    stripped = text.lstrip("-")
    return stripped.replace(".", "", 1).isdigit() and "." in stripped


class _Reference:
    """One item of a many-to-many value: read like a foreign key to the same model."""

    choices = None

    def __init__(self, field):
        self.related_model = field.related_model


def _references(field, values) -> set[str]:
    """The keys a change of a foreign key or many-to-many field refers to."""
    flat = []
    for value in values if isinstance(values, list) else []:
        flat += value if isinstance(value, list) else [value]
    return {str(v) for v in flat if v not in (None, "")}


def _value(field, value, related_names) -> str:
    if field is None:
        return _plain(value)
    base = getattr(field, "base_field", None)  # an array of choices
    if base is not None and base.choices and isinstance(value, list):
        labels = dict(base.flatchoices)
        return "、".join(str(labels.get(item, _plain(item))) for item in value) or EMPTY
    if field.choices and not isinstance(value, (list, dict)):
        labels = dict(field.flatchoices)
        return str(labels.get(value, _plain(value))) if value not in (None, "") else EMPTY
    if isinstance(field, models.ManyToManyField) and isinstance(value, list):
        return "、".join(_value(_Reference(field), item, related_names) for item in value) or EMPTY
    if isinstance(field, (models.ForeignKey, _Reference)) and value not in (None, ""):
        if not str(value).isdigit():  # recorded by its name, not its key: shown as it is
            return _plain(value)
        return str(related_names.get((field.related_model, str(value)), _("（已删除）")))
    if isinstance(field, models.BooleanField):
        return _plain(bool(value)) if value is not None else EMPTY
    return _plain(value)


def action_words(code: str, model=None) -> str:
    """What an audit action did, in words ("撤销", "状态变为“公示中”", "导入“企业”"):
    `model` is the class of the entry's object, whose statuses name a status move. The
    code itself only when there is no word for it."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    prefix, _dot, verb = code.rpartition(".")
    if prefix.partition(".")[0] == "import":  # import.<kind>, import.<kind>.cancelled
        kind = prefix.partition(".")[2] or verb
        label = _import_kind_label(kind)
        if verb == "cancelled":
            return str(_("取消导入“%(kind)s”") % {"kind": label})
        return str(_("导入“%(kind)s”") % {"kind": label})
    if verb in VERBS:
        return str(VERBS[verb])
    status = _field(model, "status") if model is not None else None
    if status is not None and status.choices:
        label = dict(status.flatchoices).get(verb)
        if label is not None:
            return str(_("状态变为“%(status)s”") % {"status": label})
    return code


def _import_kind_label(kind: str) -> str:
    try:
        return str(get_import_kind(kind).label)
    except LookupError:
        return kind


def action_label(entry) -> str:
    """What an audit entry did, in words, as the history tables show it."""
    return action_words(entry.action, entry.content_type.model_class())


PERMISSION_WORDS = {
    "add": _("添加%(model)s"),
    "change": _("修改%(model)s"),
    "delete": _("删除%(model)s"),
    "view": _("查看%(model)s"),
}


def permission_label(permission) -> str:
    """ "认证和授权 | 组 | 添加组", not Django's stored English "Can add group"; a permission of
    the portal's own reads as its (translated) name. The group form and the audit log use it."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in PERMISSION_WORDS and model_name == model._meta.model_name:
        words = PERMISSION_WORDS[action] % {"model": model._meta.verbose_name}
    else:
        words = gettext(permission.name)
    return f"{permission.content_type} | {words}"


def _name_of(obj) -> str:
    return permission_label(obj) if isinstance(obj, Permission) else str(obj)


def describe(entries) -> list[dict]:
    """Each entry as {"entry", "actor", "action", "changes": [(label, old, new)]}, with the
    names of referenced objects looked up once per model for the whole list."""
    entries = list(entries)
    wanted: dict = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for key, values in (entry.changes or {}).items():
            field = _field(model, key)
            if isinstance(field, (models.ForeignKey, models.ManyToManyField)):
                wanted.setdefault(field.related_model, set()).update(_references(field, values))
    related_names = {}
    for model, ids in wanted.items():
        found = model._default_manager.filter(pk__in=[i for i in ids if i.isdigit()])
        if model is Permission:
            found = found.select_related("content_type")
        for obj in found:
            related_names[(model, str(obj.pk))] = _name_of(obj)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for key, values in (entry.changes or {}).items():
            field = _field(model, key)
            old, new = [*values, None, None][:2] if isinstance(values, list) else (None, values)
            changes.append(
                (
                    _label_of(model, key),
                    _value(field, old, related_names),
                    _value(field, new, related_names),
                )
            )
        rows.append(
            {
                "entry": entry,
                "actor": entry.actor.name or entry.actor.email if entry.actor else None,
                "action": action_words(entry.action, model),
                "changes": changes,
            }
        )
    return rows
