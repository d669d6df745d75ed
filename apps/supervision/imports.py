"""Export kind `spotcheck` (CONTRACT.md §5): the plan in order, with its two inspectors."""

from django.utils.translation import gettext_lazy as _

from apps.core.imports import Column, ExportFilter, Integer, SqlExport, register

SPOTCHECK = register(
    SqlExport(
        name="spotcheck",
        label=_("监督抽查计划"),
        columns=[
            Column("uscc", "统一社会信用代码"),
            Column("standard_no", "标准编号"),
            Column("reason", "抽取原因"),
            Column("inspector_1", "检查员一"),
            Column("inspector_2", "检查员二"),
        ],
        sql="""
            SELECT e.uscc, st.standard_no, i.reason, x1.email, x2.email
            FROM supervision_spotcheckitem i
            JOIN supervision_spotcheckplan p ON p.id = i.plan_id
            JOIN declarations_standard st ON st.id = i.standard_id
            JOIN enterprises_enterprise e ON e.id = st.enterprise_id
            JOIN experts_expert x1 ON x1.id = i.inspector_1_id
            JOIN experts_expert x2 ON x2.id = i.inspector_2_id
            {where}
            ORDER BY p.year, i.position
        """,
        filters={"year": ExportFilter("p.year = %s", Integer())},
    )
)
