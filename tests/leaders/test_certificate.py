"""The certificate PDF as any reader sees it: an embedded subset of the installed CJK font
(no reader substitutes glyphs, so "·" is a dot and widths are the ones laid out), its text
read back through the font's ToUnicode map, and a layout that stays inside the frame, clear
of the mark and the QR code, whatever the length of the enterprise name; the mark's words stay
inside its circle. Poppler (pdffonts, pdftotext), where installed, reads the same file as a
second, independent reader; CI installs it and sets REQUIRE_POPPLER=1."""

import datetime
import itertools
import math
import os
import shutil
import subprocess

import pytest

from apps.leaders import certificate
from apps.leaders.services import titles as services
from tests.factories.leaders import LeaderFactory
from tests.pdftext import pdf_fonts, pdf_lines

pytestmark = pytest.mark.django_db

SHORT = "北京某某电器·科技有限公司"
MAX_NAME = 200  # Enterprise.name max_length


def _certificate(client, leader) -> bytes:
    response = client.get(f"/leaders/{leader.verification_code}/certificate.pdf")
    assert response.status_code == 200
    return response.content


def _leader(name=SHORT, **kwargs):
    return LeaderFactory(
        standard__enterprise__name=name,
        valid_until=datetime.date(2030, 1, 1),
        **kwargs,
    )


def test_every_font_is_an_embedded_subset_of_the_installed_cjk_font(client):
    fonts = pdf_fonts(_certificate(client, _leader()))
    assert fonts, "the certificate shows text in some font"
    for font in fonts:
        assert font.embedded, f"{font.name} is not embedded"
        assert font.subset, f"{font.name} is embedded whole, not as a subset"
        assert font.subtype == "TrueType"
        assert "UMing" in font.name  # settings.CERTIFICATE_FONT, fonts-arphic-uming


def test_text_reads_back_through_the_embedded_font(client):
    leader = _leader()
    text = [line.text for line in pdf_lines(_certificate(client, leader))]
    assert "企业标准“领跑者”证书" in text
    assert SHORT in text  # the middle dot too: it is in the subset
    assert f"统一社会信用代码：{leader.standard.enterprise.uscc}" in text
    assert f"验证码：{leader.verification_code}" in text
    assert {"企业标准", "领跑者", "ENTERPRISE STANDARD"} <= set(text)  # the mark


def _in_mark(line) -> bool:
    return math.dist((line.x, line.y), certificate.MARK_CENTRE) < certificate.MARK_RADIUS


def _inside_frame(lines, *, name: str):
    """The body: within the text margins, in reading order, no two lines on top of each
    other, above the QR code and the footer; the name whole, over one or more lines."""
    mark = [line for line in lines if _in_mark(line)]  # test_the_marks_words_stay_inside…
    body = [line for line in lines if line.y > certificate.BODY_FLOOR and line not in mark]
    for line in body:
        assert line.x >= certificate.MARGIN - 0.5, line
        assert line.x + line.width <= certificate.WIDTH - certificate.MARGIN + 0.5, line
    for upper, lower in itertools.pairwise(body):
        if lower.y < upper.y:  # the next line down
            assert upper.y - lower.y >= lower.size * 1.2, (upper, lower)
    name_lines = [line.text for line in body if line.text and line.text in name]
    assert "".join(name_lines) == name
    # The footer beside the QR code.
    qr_left = certificate.WIDTH - certificate.MARGIN - certificate.QR_SIZE
    for line in lines:
        if line.y <= certificate.BODY_FLOOR and line.y > 0:
            assert line.x + line.width < qr_left, line


@pytest.mark.parametrize("length", [1, 12, 40, 90, MAX_NAME])
def test_any_name_length_stays_inside_the_frame(client, length):
    name = ("北京市朝阳区长名称电器科技" * 20)[: length - 4] + "有限公司" if length > 4 else "京"
    leader = _leader(name=name)
    _inside_frame(pdf_lines(_certificate(client, leader)), name=name)


def test_longest_everything_on_a_revoked_title_stays_inside_the_frame(client, bureau_user):
    name = ("北京长名称电器·科技" * 30)[:MAX_NAME]
    leader = _leader(
        name=name,
        standard__name="房间空气调节器能效限定值及能效等级企业标准" * 14,
        standard__standard_no="Q/BJ-" + "0" * 90,
    )
    services.leader_revoke(leader=leader, reason="抽查结果与声明不符" * 55, actor=bureau_user)
    lines = pdf_lines(_certificate(client, leader))
    # The stamp is drawn rotated about the page centre: everything else is the page.
    _inside_frame([line for line in lines if line.text != "已撤销"], name=name)
    assert "已撤销" in [line.text for line in lines]


def test_the_marks_words_stay_inside_its_circle(client):
    lines = pdf_lines(_certificate(client, _leader()))
    (cx, cy), radius = certificate.MARK_CENTRE, certificate.MARK_RADIUS
    words = [line for line in lines if _in_mark(line)]
    assert {line.text for line in words} == {"企业标准", "领跑者", "ENTERPRISE STANDARD"}
    for line in words:
        top, bottom = line.y + 0.88 * line.size, line.y - 0.12 * line.size
        for corner in [(x, y) for x in (line.x, line.x + line.width) for y in (top, bottom)]:
            assert math.dist(corner, (cx, cy)) < radius - 3, (line.text, corner)
    # Lines level with the mark keep clear of it.
    for line in lines:
        if line not in words and cy - radius < line.y < cy + radius:
            assert line.x > cx + radius, line


def _poppler(tool: str) -> str:
    if shutil.which(tool) is None:
        if os.environ.get("REQUIRE_POPPLER"):
            pytest.fail(f"{tool} is required here: apt-get install poppler-utils")
        pytest.skip("poppler-utils is not installed")
    return tool


def test_poppler_sees_only_embedded_subset_fonts_and_the_text(client, tmp_path):
    pdffonts, pdftotext = _poppler("pdffonts"), _poppler("pdftotext")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(_certificate(client, _leader()))
    listing = subprocess.run([pdffonts, path], capture_output=True, text=True, check=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        # name type encoding emb sub uni object ID: the font type may hold a space.
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
    text = subprocess.run(
        [pdftotext, "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert SHORT in text
    assert "\ufffd" not in text
