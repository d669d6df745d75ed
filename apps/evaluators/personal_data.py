"""Evaluators' and commenters' part of a personal data export or deletion
(apps/core/personal_data.py): the agency membership, declared conflicts, scheme comments,
and scores (which must be kept)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core import audit
from apps.core.personal_data import Section, register, when
from apps.core.privacy import PrivacyNotice
from apps.evaluators.models import AgencyMembership, Assessment, EvaluatorConflict, SchemeComment

ANONYMOUS_AUTHOR = "已匿名化"


def comment_notice() -> PrivacyNotice:
    """The privacy notice of the public comment form on an evaluation scheme."""
    return PrivacyNotice(
        collected=_("您填写的姓名或单位、联系方式（选填）和意见。"),
        purpose=_(
            "意见用于完善评估方案，评估机构和市场监管局阅读并在批准方案时考虑；"
            "联系方式仅用于必要时向您了解意见的具体情况，不公开。"
        ),
        access=_("评估该领域的评估机构和市场监管局工作人员。"),
        retention=_(
            "联系方式在公开征求意见期结束后 %(days)d 天删除；"
            "姓名或单位和意见作为该方案征求意见的记录保留。"
        )
        % {"days": settings.COMMENTER_CONTACT_RETENTION_DAYS},
    )


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
