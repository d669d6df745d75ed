"""Turn an uploaded `.csv` or `.xlsx` file into a stream of rows of text, one row at a time.

CSV encodings are detected, never asked: UTF-8 (with or without BOM), else GB18030 (a
superset of GBK, what Excel on Chinese Windows saves). Anything else is refused with a
message instead of being decoded into mojibake.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

SAMPLE_SIZE = 256 * 1024
EXTENSIONS = (".csv", ".xlsx")
# Control characters (other than tab and line breaks) and private-use code points do not
# occur in real spreadsheets; seeing them means the guessed encoding is wrong.
_IMPLAUSIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff\ufffd]")
csv.field_size_limit(10 * 1024 * 1024)


class FileProblem(Exception):
    """The file as a whole cannot be read; `row` is where the problem was noticed."""

    def __init__(self, message: str, row: int = 1):
        super().__init__(message)
        self.message = message
        self.row = row


class CountingReader(io.RawIOBase):
    """A binary file wrapper that counts the bytes read, for progress reports."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.bytes_read += size
        return size


def detect_encoding(sample: bytes, complete: bool) -> str:
    """The codec of a CSV file from its first bytes; `complete` if `sample` is the whole file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(_("文件是 UTF-16 编码，不支持；请另存为“CSV UTF-8”或 GBK 编码的 CSV"))
    if sample.startswith(b"PK\x03\x04"):
        raise FileProblem(_("文件内容是 Excel 工作簿，不是 CSV；请使用 .xlsx 扩展名"))
    if b"\x00" in sample:
        raise FileProblem(_("文件含有二进制内容，不是 CSV 文本文件"))
    for codec in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        if _IMPLAUSIBLE.search(text):
            break
        return codec
    raise FileProblem(
        _("无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK 文本（可能是二进制文件或其他编码）")
    )


def _decoded_lines(handle: BinaryIO, codec: str) -> Iterator[str]:
    """Decode line by line (a newline byte never occurs inside a UTF-8 or GB18030
    character), so a decoding problem is reported at the row where it is.

    A file whose first part is plain ASCII was taken for UTF-8; if its first non-ASCII line
    is GB18030 rather than UTF-8, the whole file is GB18030 (ASCII reads the same in both)."""
    lines = iter(handle)
    first = next(lines, b"")
    if codec == "utf-8-sig":
        first, codec = first.removeprefix(codecs.BOM_UTF8), "utf-8"
    ascii_so_far = codec == "utf-8"
    for line in itertools.chain([first], lines):
        if ascii_so_far:
            if line.isascii():
                yield line.decode("ascii")
                continue
            ascii_so_far = False
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                codec = "gb18030"
                text = line.decode(codec)
                if _IMPLAUSIBLE.search(text):
                    raise
                yield text
                continue
        yield line.decode(codec)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


class RowSource:
    """Iterates `(row_number, [cell text, ...])`; the header is row 1.

    `progress()` tells how far through the file the reading is, from 0 to 1.
    """

    def __init__(self, fileobj: BinaryIO, filename: str, size: int | None = None):
        self.filename = filename
        self.extension = PurePath(filename).suffix.lower()
        self.size = size
        self._file = fileobj
        self._counter: CountingReader | None = None
        self._xlsx_rows: int | None = None
        self._xlsx_done = 0
        if self.extension not in EXTENSIONS:
            raise FileProblem(
                _("不支持的文件类型“%(ext)s”：请上传 .csv 或 .xlsx 文件")
                % {"ext": self.extension or filename}
            )

    def progress(self) -> float:
        if self._counter is not None and self.size:
            return min(1.0, self._counter.bytes_read / self.size)
        if self._xlsx_rows:
            return min(1.0, self._xlsx_done / self._xlsx_rows)
        return 0.0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        if self.extension == ".xlsx":
            yield from self._xlsx()
        else:
            yield from self._csv()

    def _csv(self) -> Iterator[tuple[int, list[str]]]:
        self._counter = CountingReader(self._file)
        buffered = io.BufferedReader(self._counter, buffer_size=SAMPLE_SIZE)
        sample = buffered.peek(SAMPLE_SIZE)[:SAMPLE_SIZE]
        if not sample.strip():
            return
        complete = len(sample) < SAMPLE_SIZE or (self.size is not None and len(sample) >= self.size)
        codec = detect_encoding(sample, complete)
        reader = csv.reader(_decoded_lines(buffered, codec))
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if "\x00" in "".join(cells):
                    raise FileProblem(_("文件含有二进制内容，不是 CSV 文本文件"), row=number)
                yield number, cells
        except UnicodeDecodeError:
            raise FileProblem(
                _("此处起的内容无法按 %(codec)s 解码：文件编码前后不一致或文件已损坏")
                % {"codec": "UTF-8" if codec.startswith("utf") else "GB18030/GBK"},
                row=number + 1,
            ) from None
        except csv.Error as error:
            raise FileProblem(
                _("CSV 格式错误：%(error)s") % {"error": error}, row=number + 1
            ) from None

    def _xlsx(self) -> Iterator[tuple[int, list[str]]]:
        try:
            workbook = load_workbook(self._file, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise FileProblem(_("不是有效的 Excel（.xlsx）文件，或文件已损坏")) from None
        try:
            sheet = workbook.worksheets[0]
            self._xlsx_rows = sheet.max_row
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                self._xlsx_done = number
                yield number, [_cell_text(value) for value in values]
        except (zipfile.BadZipFile, KeyError, ValueError):
            raise FileProblem(_("不是有效的 Excel（.xlsx）文件，或文件已损坏")) from None
        finally:
            workbook.close()
