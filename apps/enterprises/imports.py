"""Import/export kind `enterprises` (CONTRACT.md section 2)."""

from django.utils.translation import gettext_lazy as _

from apps.core.imports import (
    TIMESTAMPS_ON_INSERT,
    Choice,
    Column,
    Email,
    Field,
    ImportKind,
    Text,
    Uscc,
    register,
)
from apps.enterprises.enums import District


class DistrictChoice(Choice):
    """A district by its code (`haidian`) or Chinese name (`海淀区`, `海淀`)."""

    def lookup(self, text: str) -> str | None:
        member = District.lookup(text) or District.lookup(text.casefold())
        return member.value if member else None


COLUMNS = [
    Column("uscc", "统一社会信用代码", Uscc(), required=True),
    Column("name", "企业名称", Text(200), required=True),
    Column("district", "所在区", DistrictChoice(District)),
    Column("industry_code", "行业代码", Text(10)),
    Column("address", "地址", Text(300)),
    Column("contact_email", "联系邮箱", Email()),
]

ENTERPRISES = register(
    ImportKind(
        name="enterprises",
        label=_("企业"),
        columns=COLUMNS,
        key=("uscc",),
        table="enterprises_enterprise",
        target_key=[Field("uscc", "s.uscc")],
        fields=[
            Field(name, f"s.{name}", name)
            for name in ["name", "district", "industry_code", "address", "contact_email"]
        ],
        on_insert={**TIMESTAMPS_ON_INSERT, "contact_phone": "''"},
        on_update=[Field("updated_at", "now()")],
        sql=(
            "SELECT t.uscc, t.name, t.district, t.industry_code, t.address, t.contact_email "
            "FROM enterprises_enterprise t {where} ORDER BY t.uscc"
        ),
        pk_expr="t.id",
        description=_("企业名录：按统一社会信用代码新增或更新企业。"),
        example=[
            ["91110108MA01ABCD2H", "北京示例电器有限公司", "海淀区", "C3851", "", ""],
        ],
    )
)
