"""The leader certificate: an A4 landscape PDF with the 领跑者 mark, the verification code
and a QR code of the leader's public page. A revoked title's certificate has no mark and is
stamped 已撤销 across the page, with the date and the reason.

Its Chinese text is set in a TrueType CJK font the portal installs (settings.CERTIFICATE_FONT,
Debian's fonts-arphic-uming), of which reportlab embeds the subset of glyphs the page uses:
every reader shows the same glyphs, with widths the layout below measured. The layout flows
from the top down: each block wraps character by character (Chinese has no spaces) and
shrinks within its limits, and if the blocks still do not fit above the footer the whole body
is scaled down, so a name of any length stays inside the frame; the mark's words shrink to
stay inside its circle."""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

FONT = "CertificateCJK"
GOLD = colors.HexColor("#b8860b")
RED = colors.HexColor("#c0392b")

WIDTH, HEIGHT = landscape(A4)
MARGIN = 80  # text keeps this far from the page edge (the inner gold frame is at 36)
USABLE = WIDTH - 2 * MARGIN
MARK_CENTRE, MARK_RADIUS = (104.0, HEIGHT - 104), 46.0
# Lines level with the mark keep clear of it on both sides (the text is centred).
BESIDE_MARK = WIDTH - 2 * (MARK_CENTRE[0] + MARK_RADIUS + 12)
BODY_TOP = HEIGHT - 200  # first baseline of the enterprise name, below the mark
QR_SIZE = 110
BODY_FLOOR = 60 + QR_SIZE + 10  # the body stays above the QR code and the footer lines
LEADING = 1.3  # baseline to baseline, in font sizes


def font() -> str:
    """Register the certificate font once per process; a clear error if it is not installed."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = settings.CERTIFICATE_FONT
        try:
            face = TTFont(FONT, path, subfontIndex=settings.CERTIFICATE_FONT_INDEX)
        except (OSError, TTFError) as error:
            raise ImproperlyConfigured(
                f"The certificate font {path} cannot be loaded ({error}). Install Debian's "
                "fonts-arphic-uming or point CERTIFICATE_FONT at a TrueType CJK font."
            ) from error
        pdfmetrics.registerFont(face)
    return FONT


@dataclass
class Block:
    """Text wrapped to at most `max_lines` lines, shrinking from `size` down to `min_size`
    first; at `min_size` it takes as many lines as it needs, or, with `ellipsis`, is cut
    after `max_lines` with "…"."""

    text: str
    size: float
    min_size: float
    max_lines: int = 1
    ellipsis: bool = False

    def lay_out(self, scale: float, fit: float) -> tuple[float, list[str]]:
        size = self.size * scale
        smallest = self.min_size * scale
        while True:
            lines = _wrap(self.text, size=size, fit=fit)
            if len(lines) <= self.max_lines or size <= smallest:
                break
            size = max(smallest, size - 0.5)
        if self.ellipsis and len(lines) > self.max_lines:
            lines = lines[: self.max_lines]
            lines[-1] = lines[-1][:-1] + "…"
        return size, lines


def render(*, leader, status: str, status_label: str, public_url: str, issuer: str) -> bytes:
    font()
    revoked = status == "revoked"
    standard = leader.standard
    buffer = BytesIO()
    # The initial font too (reportlab would otherwise name Helvetica, not embedded).
    pdf = canvas.Canvas(buffer, pagesize=(WIDTH, HEIGHT), initialFontName=FONT)
    pdf.setTitle(f"企业标准领跑者证书 {leader.verification_code}")
    pdf.setAuthor(issuer)
    # The verification code also goes into the document metadata, where tools can read it.
    pdf.setSubject(f"verification code {leader.verification_code}")

    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(6)
    pdf.rect(24, 24, WIDTH - 48, HEIGHT - 48)
    pdf.setLineWidth(1.5)
    pdf.rect(36, 36, WIDTH - 72, HEIGHT - 72)

    if not revoked:
        _mark(pdf)

    pdf.setFillColor(colors.black)
    _centred(pdf, "企业标准“领跑者”证书", y=HEIGHT - 120, size=34, fit=BESIDE_MARK)
    _centred(
        pdf,
        f"{leader.year} 年度 · {leader.category.name}",
        y=HEIGHT - 150,
        size=14,
        fit=BESIDE_MARK,
    )

    score = str(leader.score) if leader.score is not None else "—"
    blocks = [
        Block(standard.enterprise.name, size=22, min_size=12, max_lines=2),
        Block(f"统一社会信用代码：{standard.enterprise.uscc}", size=14, min_size=10),
        Block(
            f"企业标准：{standard.standard_no} {standard.name}", size=14, min_size=10, max_lines=2
        ),
        Block(f"名次：{leader.rank or '—'}    得分：{score}", size=14, min_size=10),
        Block(
            f"发布日期：{leader.published_on:%Y-%m-%d}    有效期至：{leader.valid_until:%Y-%m-%d}",
            size=14,
            min_size=10,
        ),
        Block(f"状态：{status_label}", size=14, min_size=10),
    ]
    if revoked:
        # A reason of up to 500 characters: wrapped to at most three lines above the footer.
        notice = f"已于 {leader.revoked_on:%Y-%m-%d} 撤销，原因：{leader.revocation_reason}"
        blocks.append(Block(notice, size=12, min_size=12, max_lines=3, ellipsis=True))
    _flow(pdf, blocks)

    beside_qr = USABLE - QR_SIZE - 30
    _fitted(pdf, f"验证码：{leader.verification_code}", y=110, size=12, fit=beside_qr)
    _fitted(pdf, f"验证网址：{public_url}", y=90, size=12, fit=beside_qr)
    _fitted(pdf, issuer, y=70, size=12, fit=beside_qr)

    widget = QrCodeWidget(public_url)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
        initialFontName=FONT,  # it sets a font even without text: not an unembedded one
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, WIDTH - MARGIN - QR_SIZE, 60)

    if revoked:
        _revoked_stamp(pdf)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _flow(pdf, blocks: list[Block]) -> None:
    """Set the blocks from BODY_TOP down; scale them all down until the last line stays
    above BODY_FLOOR."""
    scale = 1.0
    while True:
        laid = [block.lay_out(scale, USABLE) for block in blocks]
        # The first baseline is at BODY_TOP; each further line is one leading lower.
        sizes = [size for size, lines in laid for _ in lines]
        bottom = BODY_TOP - sum(size * LEADING for size in sizes[1:])
        if bottom >= BODY_FLOOR or scale <= 0.3:
            break
        scale -= 0.05
    y = BODY_TOP + sizes[0] * LEADING
    for size, lines in laid:
        for line in lines:
            y -= size * LEADING
            _centred(pdf, line, y=y, size=size, fit=USABLE)


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
    """Shrink the font (down to 5 pt) until the line fits."""
    while size > 5 and pdfmetrics.stringWidth(text, FONT, size) > fit:
        size -= 0.5
    return size


def _centred(pdf, text: str, *, y: float, size: float, fit: float, x: float = WIDTH / 2) -> None:
    pdf.setFont(FONT, _size_to_fit(text, size, fit))
    pdf.drawCentredString(x, y, text)


def _fitted(pdf, text: str, *, y: float, size: float, fit: float) -> None:
    pdf.setFont(FONT, _size_to_fit(text, size, fit))
    pdf.drawString(MARGIN, y, text)


def _in_circle(text: str, *, size: float, dy: float, radius: float) -> float:
    """The largest size (from `size` down) at which `text`, with its baseline `dy` above
    the centre, lies inside a circle of `radius`: its half-width within the chord at the
    text's edge farthest from the centre."""
    while size > 4:
        # Ascent and descent of a CJK face: about 0.88 and 0.12 of the size.
        reach = max(abs(dy + 0.88 * size), abs(dy - 0.12 * size))
        if reach < radius:
            chord = math.sqrt(radius**2 - reach**2)
            if pdfmetrics.stringWidth(text, FONT, size) / 2 <= chord:
                return size
        size -= 0.5
    return size


def _mark(pdf) -> None:
    """The 领跑者 mark: a red seal, its words in white inside the gold ring."""
    x, y = MARK_CENTRE
    pdf.setFillColor(RED)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(3)
    pdf.circle(x, y, MARK_RADIUS, stroke=1, fill=1)
    pdf.setFillColor(colors.white)
    inside = MARK_RADIUS - 6  # within the ring, with a little air
    words = (("企业标准", 10, 14), ("领跑者", 20, -7), ("ENTERPRISE STANDARD", 6, -24))
    for text, size, dy in words:
        fitted = _in_circle(text, size=size, dy=dy, radius=inside)
        pdf.setFont(FONT, fitted)
        pdf.drawCentredString(x, y + dy, text)


def _revoked_stamp(pdf) -> None:
    """已撤销 in large red letters in a frame, diagonally across the page, over the text but
    translucent enough that the text stays legible."""
    text, size = "已撤销", 150
    text_width = pdfmetrics.stringWidth(text, FONT, size)
    pdf.saveState()
    pdf.translate(WIDTH / 2, HEIGHT / 2)
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
