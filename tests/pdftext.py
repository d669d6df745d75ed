"""Read a PDF the portal draws with reportlab, as a reader would, without a PDF library (pypdf
is not among our requirements): its fonts (name, type, embedded or not) and its text lines
with their position, size and width.

Content streams are ASCII85- and Flate-decoded; each BT … ET block reportlab writes is one
line of text (drawString); each string shown in it is decoded through its font's ToUnicode
CMap (embedded TrueType subsets), or else read as UTF-16 (a CID font's UCS-2 encoding) or,
failing that, Latin-1. Widths come from the font's /Widths array, so a test can check that a
line stays inside a frame as any reader lays it out."""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", re.S)
_BLOCK = re.compile(rb"\bBT\b(.*?)\bET\b", re.S)
_OPERATION = re.compile(
    rb"/(?P<font>\S+)\s+(?P<size>[\d.]+)\s+Tf"
    rb"|(?P<tm>(?:[-\d.]+\s+){6})Tm"
    rb"|\((?P<string>(?:\\.|[^\\)])*)\)\s*Tj",
    re.S,
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_REFERENCE = rb"\s+(\d+)\s+0\s+R"


@dataclass
class Font:
    resource: str  # the name a content stream selects it by, e.g. F1+0
    name: str  # /BaseFont, e.g. AAAAAA+UMingCN-0 (six letters and + mark a subset)
    subtype: str  # TrueType, Type0, Type1 …
    embedded: bool  # a /FontFile, /FontFile2 or /FontFile3 stream is in the file
    to_unicode: dict[int, str] = field(default_factory=dict, repr=False)
    first_char: int = 0
    widths: list[float] = field(default_factory=list, repr=False)

    @property
    def subset(self) -> bool:
        return re.fullmatch(r"[A-Z]{6}\+.+", self.name) is not None


@dataclass
class Line:
    text: str
    x: float
    y: float
    size: float
    width: float | None  # in points; None when a font has no /Widths (CID fonts)


def _unescape(raw: bytes) -> bytes:
    def one(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, raw)


def _decode(dictionary: bytes, data: bytes) -> bytes:
    length = re.search(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)", dictionary)
    # Binary data may begin or end with a whitespace byte: cut it by its /Length.
    data = data[: int(length.group(1))] if length else data.strip()
    if b"ASCII85Decode" in dictionary:
        data = base64.a85decode(data.removesuffix(b"~>"))
    if b"FlateDecode" in dictionary:
        data = zlib.decompress(data)
    return data


def _objects(content: bytes) -> dict[int, bytes]:
    return {int(number): body for number, body in _OBJECT.findall(content)}


def _stream(body: bytes) -> bytes | None:
    match = _STREAM.search(body)
    if not match:
        return None
    try:
        return _decode(*match.groups())
    except (ValueError, zlib.error):
        return None


def _reference(body: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + _REFERENCE, body)
    return int(match.group(1)) if match else None


def _cmap(data: bytes) -> dict[int, str]:
    mapping = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, start in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section
        ):
            first = int(start, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def pdf_fonts(content: bytes) -> list[Font]:
    """Every font object in the file, with the resource name pages select it by."""
    objects = _objects(content)
    resources = {}
    for body in objects.values():
        # A page's /Font resource dictionary, by reference or inline: /F1+0 6 0 R …
        for number in re.findall(rb"/Font" + _REFERENCE, body):
            for name, target in re.findall(rb"/(\S+)" + _REFERENCE, objects[int(number)]):
                resources[int(target)] = name.decode()
        for inline in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, target in re.findall(rb"/(\S+)" + _REFERENCE, inline):
                resources[int(target)] = name.decode()
    fonts = []
    for number, body in objects.items():
        if not re.search(rb"/Type\s*/Font\b", body) or b"/Subtype" not in body:
            continue
        if number not in resources:
            continue  # a descendant font, read through its Type0 parent
        descriptor = _reference(body, b"FontDescriptor")
        descendant = re.search(rb"/DescendantFonts\s*\[\s*(\d+)\s+0\s+R", body)
        if descriptor is None and descendant:
            descriptor = _reference(objects[int(descendant.group(1))], b"FontDescriptor")
        embedded = descriptor is not None and re.search(
            rb"/FontFile[23]?" + _REFERENCE, objects[descriptor]
        )
        unicode_ref = _reference(body, b"ToUnicode")
        to_unicode = _cmap(_stream(objects[unicode_ref]) or b"") if unicode_ref else {}
        widths = re.search(rb"/Widths\s*\[(.*?)\]", body, re.S)
        first_char = re.search(rb"/FirstChar\s+(\d+)", body)
        fonts.append(
            Font(
                resource=resources[number],
                name=re.search(rb"/BaseFont\s*/(\S+)", body).group(1).decode(),
                subtype=re.search(rb"/Subtype\s*/(\w+)", body).group(1).decode(),
                embedded=bool(embedded),
                to_unicode=to_unicode,
                first_char=int(first_char.group(1)) if first_char else 0,
                widths=[float(w) for w in widths.group(1).split()] if widths else [],
            )
        )
    return fonts


def _show(raw: bytes, font: Font | None, size: float) -> tuple[str, float | None]:
    codes = _unescape(raw)
    if font and font.to_unicode:
        text = "".join(font.to_unicode.get(code, "\ufffd") for code in codes)
    else:
        try:
            text = codes.decode("utf-16-be") if len(codes) % 2 == 0 else ""
        except UnicodeDecodeError:
            text = ""
        if not text or not text.isprintable():
            text = codes.decode("latin-1")
    width = None
    if font and font.widths:
        width = sum(font.widths[code - font.first_char] for code in codes) / 1000 * size
    return text, width


def pdf_lines(content: bytes) -> list[Line]:
    fonts = {font.resource: font for font in pdf_fonts(content)}
    lines = []
    for body in _objects(content).values():
        if b"/Type /Font" in body or b"FontFile" in body:
            continue
        stream = _stream(body)
        if stream is None or b"BT" not in stream:
            continue
        for block in _BLOCK.findall(stream):
            font, size, x, y, parts, width = None, 0.0, 0.0, 0.0, [], 0.0
            for match in _OPERATION.finditer(block):
                if match.group("font"):
                    font = fonts.get(match.group("font").decode())
                    size = float(match.group("size"))
                elif match.group("tm"):
                    x, y = (float(v) for v in match.group("tm").split()[4:6])
                else:
                    text, shown = _show(match.group("string"), font, size)
                    parts.append(text)
                    width = None if shown is None or width is None else width + shown
            if parts:
                lines.append(Line("".join(parts), x, y, size, width))
    return lines


def pdf_text(content: bytes) -> str:
    return "\n".join(line.text for line in pdf_lines(content))
