"""Demo declarations for the demo enterprises: mostly leader-quality standards, some with
values below the national benchmark, one abolished, and a draft in the demo user's workspace."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from apps.catalog import services as catalog
from apps.catalog.models import Category, Indicator
from apps.declarations import services
from apps.declarations.enums import StandardStatus, StandardType, VersionStatus
from apps.declarations.models import IndicatorValue, Standard, StandardVersion
from apps.declarations.validators import decimal_text

# National values that are mandatory limits (GB energy-efficiency and safety standards).
MANDATORY = {
    ("C-AC", "APF"),
    ("C-RICE", "EFF"),
    ("C-WATERHEAT", "CO"),
    ("C-KNITWEAR", "FORMALDEHYDE"),
    ("C-EBIKE-BAT", "THERMAL"),
}
PRODUCT_MODELS = ["A", "B", "C", "D", "E", "F", "K", "M", "P", "X"]


def minimal_pdf(title: str) -> bytes:
    """A tiny valid one-page PDF (ASCII content) standing in for the standard's text."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _value(indicator: Indicator, rng: random.Random, *, strict: bool) -> Decimal:
    """A value around the national value: better than it when `strict`, else a little worse
    (never worse than a mandatory value)."""
    base = indicator.national_value or Decimal("10")
    step = abs(base) * Decimal(rng.randint(3, 25)) / 100 or Decimal("1")
    better = indicator.direction == "higher"
    if not strict and not indicator.national_mandatory:
        better = not better
    value = base + step if better else base - step
    if indicator.unit.strip() == "%":
        value = min(value, Decimal("99.9"))
    places = Decimal("0.001") if abs(base) < 10 else Decimal("0.1")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def load(enterprises, *, demo_user=None, per_enterprise: int = 2) -> int:
    """Create the demo declarations (idempotent). Returns the number of standards created."""
    for category_code, code in MANDATORY:
        indicator = Indicator.objects.filter(category__code=category_code, code=code).first()
        if indicator is not None and not indicator.national_mandatory:
            catalog.indicator_upsert(
                category=indicator.category,
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                direction=indicator.direction,
                national_value=indicator.national_value,
                international_value=indicator.international_value,
                national_mandatory=True,
            )
    categories = list(Category.objects.prefetch_related("indicators").order_by("code"))
    if not categories:
        return 0
    rng = random.Random(2020)  # the year all standards were to be self-declared
    today = timezone.localdate()
    created = 0
    for serial, enterprise in enumerate(enterprises, start=1):
        code = f"BJ{serial:03d}"
        for index in range(per_enterprise):
            category = categories[(serial * 3 + index) % len(categories)]
            indicators = list(category.indicators.all())
            number = f"Q/{code} {index + 1:03d}-{2019 + (serial + index) % 6}"
            if Standard.objects.filter(enterprise=enterprise, standard_no=number).exists():
                continue
            strict = rng.random() < 0.7
            published_on = today - timedelta(days=rng.randint(20, 900))
            abolished = serial % 11 == 0 and index == 1
            model = "".join(rng.choice(PRODUCT_MODELS) for _ in range(2))
            standard = Standard.objects.create(
                enterprise=enterprise,
                standard_no=number,
                name=f"{category.name}企业标准",
                category=category,
                standard_type=StandardType.ENTERPRISE,
                products=f"{category.name} {model}-{rng.randint(10, 99)}系列",
                status=StandardStatus.ABOLISHED if abolished else StandardStatus.PUBLIC,
                published_on=published_on,
                abolished_on=today - timedelta(days=5) if abolished else None,
            )
            values = {i.code: _value(i, rng, strict=strict) for i in indicators}
            IndicatorValue.objects.bulk_create(
                IndicatorValue(standard=standard, indicator=i, value=values[i.code])
                for i in indicators
            )
            version = StandardVersion(
                standard=standard,
                number=1,
                status=VersionStatus.PUBLISHED,
                name=standard.name,
                category=category,
                standard_type=standard.standard_type,
                products=standard.products,
                values={c: decimal_text(v) for c, v in values.items()},
                text_filename=f"{number.replace('/', '_')}.pdf",
                commitment_accepted_at=timezone.now(),
                published_at=timezone.now() - timedelta(days=(today - published_on).days),
                published_by=demo_user if serial == 1 else None,
            )
            version.text_file.save("standard.pdf", ContentFile(minimal_pdf(number)), save=False)
            version.save()
            created += 1
    if demo_user is not None and enterprises:
        created += _workspace_draft(enterprises[0], demo_user, categories[0])
    return created


def _workspace_draft(enterprise, user, category) -> int:
    """A half-finished declaration, so the demo workspace shows a next step."""
    number = f"Q/BJ001 900-{timezone.localdate().year}"
    if Standard.objects.filter(enterprise=enterprise, standard_no=number).exists():
        return 0
    standard = services.standard_create(
        enterprise=enterprise,
        standard_no=number,
        standard_type=StandardType.ENTERPRISE,
        name=f"{category.name}企业标准（修订中）",
        category=category,
        products=f"{category.name} 新款",
        actor=user,
    )
    first = category.indicators.order_by("code").first()
    if first is not None and first.national_value is not None:
        services.version_set_values(
            standard=standard, values={first.code: decimal_text(first.national_value)}, actor=user
        )
    return 1
