"""Evaluators' and commenters' part of a personal data export or deletion
(apps/core/personal_data.py): the agency membership, declared conflicts, scheme comments,
and scores (which must be kept)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core import audit
from apps.core.personal_data import Section, register, when
from apps.evaluators.models import AgencyMembership, Assessment, EvaluatorConflict, SchemeComment

ANONYMOUS_AUTHOR = "已匿名化"


def _rows(user) -> list[dict]:
    rows = [
        {_("评估机构"): membership.agency.name, _("加入时间"): when(membership.created_at)}
        for membership in AgencyMembership.objects.filter(user=user).select_related("agency")
    ]
    rows += [
        {_("利益冲突声明"): conflict.enterprise.name, _("原因"): conflict.reason}
        for conflict in EvaluatorConflict.objects.filter(evaluator=user).select_related(
            "enterprise"
        )
    ]
    rows += [
        {
            _("方案意见"): comment.scheme.scheme_code,
            _("姓名或单位"): comment.author_name,
            _("联系方式"): comment.contact,
            _("意见"): comment.text,
            _("提交时间"): when(comment.created_at),
        }
        for comment in SchemeComment.objects.filter(user=user).select_related("scheme")
    ]
    scores = Assessment.objects.filter(evaluator=user).count()
    if scores:
        rows.append({_("评分记录"): scores})
    return rows


def _obligations(user) -> list[str]:
    scores = Assessment.objects.filter(evaluator=user).count()
    if not scores:
        return []
    return [
        ngettext(
            "评分记录 %(count)d 条：评估结果须保留，评估人员匿名化",
            "评分记录 %(count)d 条：评估结果须保留，评估人员匿名化",
            scores,
        )
        % {"count": scores}
    ]


def _erase(user, mode: str, actor) -> None:
    # A comment's text stays with its scheme (the public comment period's record); who wrote
    # it and how to reach them go.
    for comment in SchemeComment.objects.filter(user=user):
        comment.author_name, comment.contact = ANONYMOUS_AUTHOR, ""
        comment.save(update_fields=["author_name", "contact", "updated_at"])
        audit.record(
            actor=actor,
            action="schemecomment.personal_data_erase",
            target=comment,
            changes={"author_name": [audit.masked("x"), ANONYMOUS_AUTHOR]},
        )


register(
    Section(
        key="evaluator",
        label=gettext_lazy("评估机构人员与方案意见"),
        rows=_rows,
        obligations=_obligations,
        erase=_erase,
        order=40,
    )
)
