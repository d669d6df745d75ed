"""The leader certificate: an A4 landscape PDF with Chinese text (reportlab's built-in
`STSong-Light` CID font, so no font file ships with the portal), the 领跑者 mark, the
verification code and a QR code of the leader's public page. A revoked title's certificate
has no mark and is stamped 已撤销 across the page, with the date and the reason."""

from __future__ import annotations

from io import BytesIO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
GOLD = colors.HexColor("#b8860b")
RED = colors.HexColor("#c0392b")

if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def render(*, leader, status: str, status_label: str, public_url: str, issuer: str) -> bytes:
    revoked = status == "revoked"
    standard = leader.standard
    buffer = BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"企业标准领跑者证书 {leader.verification_code}")
    pdf.setAuthor(issuer)
    # The verification code also goes into the document metadata, where tools can read it.
    pdf.setSubject(f"verification code {leader.verification_code}")

    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(6)
    pdf.rect(24, 24, width - 48, height - 48)
    pdf.setLineWidth(1.5)
    pdf.rect(36, 36, width - 72, height - 72)

    if not revoked:
        _mark(pdf, x=90, y=height - 150)

    pdf.setFillColor(colors.black)
    pdf.setFont(FONT, 34)
    pdf.drawCentredString(width / 2, height - 120, "企业标准“领跑者”证书")
    pdf.setFont(FONT, 14)
    pdf.drawCentredString(width / 2, height - 148, f"{leader.year} 年度 · {leader.category.name}")

    usable = width - 2 * 80
    _centred(pdf, standard.enterprise.name, x=width / 2, y=height - 215, size=22, fit=usable)
    lines = [
        f"统一社会信用代码：{standard.enterprise.uscc}",
        f"企业标准：{standard.standard_no} {standard.name}",
        "名次："
        + (str(leader.rank) if leader.rank else "—")
        + "    得分："
        + (str(leader.score) if leader.score is not None else "—"),
        f"发布日期：{leader.published_on:%Y-%m-%d}    有效期至：{leader.valid_until:%Y-%m-%d}",
        f"状态：{status_label}",
    ]
    if revoked:
        # A reason of up to 500 characters: wrapped to at most three lines above the footer.
        notice = f"已于 {leader.revoked_on:%Y-%m-%d} 撤销，原因：{leader.revocation_reason}"
        wrapped = _wrap(notice, size=12, fit=usable)
        if len(wrapped) > 3:
            wrapped = [*wrapped[:2], wrapped[2][:-1] + "…"]
        lines.extend(wrapped)
    y = height - 255
    for line in lines:
        _centred(pdf, line, x=width / 2, y=y, size=14, fit=usable)
        y -= 24

    pdf.setFont(FONT, 12)
    pdf.drawString(80, 110, f"验证码：{leader.verification_code}")
    beside_qr = usable - 140
    _fitted(pdf, f"验证网址：{public_url}", x=80, y=90, size=12, fit=beside_qr)
    _fitted(pdf, issuer, x=80, y=70, size=12, fit=beside_qr)

    widget = QrCodeWidget(public_url)
    left, bottom, right, top = widget.getBounds()
    size = 110
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, width - 80 - size, 60)

    if revoked:
        _revoked_stamp(pdf, width=width, height=height)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, *, size: float, fit: float) -> list[str]:
    """Break a line character by character (Chinese has no spaces to break at)."""
    lines, current = [], ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, FONT, size) > fit:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current] if current else lines


def _size_to_fit(text: str, size: float, fit: float) -> float:
    """Shrink the font (down to 7 pt) until the line fits: long names never run off."""
    while size > 7 and pdfmetrics.stringWidth(text, FONT, size) > fit:
        size -= 0.5
    return size


def _centred(pdf, text: str, *, x: float, y: float, size: float, fit: float) -> None:
    pdf.setFont(FONT, _size_to_fit(text, size, fit))
    pdf.drawCentredString(x, y, text)


def _fitted(pdf, text: str, *, x: float, y: float, size: float, fit: float) -> None:
    pdf.setFont(FONT, _size_to_fit(text, size, fit))
    pdf.drawString(x, y, text)


def _mark(pdf, *, x: float, y: float) -> None:
    """The 领跑者 mark: a red seal with the characters in gold."""
    pdf.setFillColor(RED)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(3)
    pdf.circle(x, y, 48, stroke=1, fill=1)
    pdf.setFillColor(colors.white)
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(x, y - 7, "领跑者")
    pdf.setFont(FONT, 8)
    pdf.drawCentredString(x, y - 28, "ENTERPRISE STANDARD")
    pdf.drawCentredString(x, y + 20, "企业标准")


def _revoked_stamp(pdf, *, width: float, height: float) -> None:
    """已撤销 in large red letters in a frame, diagonally across the page, over the text but
    translucent enough that the text stays legible."""
    text, size = "已撤销", 150
    text_width = pdfmetrics.stringWidth(text, FONT, size)
    pdf.saveState()
    pdf.translate(width / 2, height / 2)
    pdf.rotate(28)
    pdf.setFillColor(RED)
    pdf.setStrokeColor(RED)
    pdf.setFillAlpha(0.35)
    pdf.setStrokeAlpha(0.6)
    pdf.setLineWidth(8)
    pdf.roundRect(-text_width / 2 - 30, -size * 0.45, text_width + 60, size * 1.2, 18)
    pdf.setFont(FONT, size)
    pdf.drawCentredString(0, -size * 0.2, text)
    pdf.restoreState()
