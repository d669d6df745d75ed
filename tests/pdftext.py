"""The text of a PDF the portal draws with reportlab (pypdf is not among our requirements):
each content stream is ASCII85- and Flate-decoded, and every string shown in it is read as
UTF-16 (the STSong-Light CID font's UniGB-UCS2-H encoding) or, failing that, Latin-1."""

import base64
import re
import zlib

_STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", re.S)
_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    def one(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, raw)


def _decode(dictionary: bytes, data: bytes) -> bytes:
    data = data.strip()
    if b"ASCII85Decode" in dictionary:
        data = base64.a85decode(data.removesuffix(b"~>"))
    if b"FlateDecode" in dictionary:
        data = zlib.decompress(data)
    return data


def pdf_text(content: bytes) -> str:
    shown = []
    for dictionary, data in _STREAM.findall(content):
        try:
            stream = _decode(dictionary, data)
        except (ValueError, zlib.error):
            continue  # an image or font stream, not page content
        for raw in _STRING.findall(stream):
            text = _unescape(raw)
            try:
                shown.append(text.decode("utf-16-be") if len(text) % 2 == 0 else "")
            except UnicodeDecodeError:
                shown.append("")
            if not shown[-1] or not shown[-1].isprintable():
                shown[-1] = text.decode("latin-1")
    return "\n".join(shown)
