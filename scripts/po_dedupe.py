#!/usr/bin/env python
"""Drop repeated entries (same msgctxt and msgid) from the English catalogue, keeping the
first. Branches append their new strings at the end and merge the .po files as a union
(.gitattributes), so two branches adding one string leave it twice: run this after a merge.
Works on the text, entry by entry (blank-line separated), so the rest stays byte for byte.

    .venv/bin/python scripts/po_dedupe.py
"""

import re
from pathlib import Path

PO_PATH = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
KEY_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural) "|^"')


def _key(block: str) -> str:
    """msgctxt and msgid (with their continuation lines) of one entry."""
    key, inside = [], False
    for line in block.splitlines():
        if line.startswith(("msgctxt ", "msgid ")):
            inside = True
        elif line.startswith(("msgstr", "msgid_plural")):
            inside = False
        if inside and KEY_LINE.match(line):
            key.append(line)
    return "\n".join(key)


def main() -> int:
    text = PO_PATH.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    seen, kept, removed = set(), [], 0
    for block in blocks:
        key = _key(block)
        if key and key in seen:
            removed += 1
            continue
        seen.add(key)
        kept.append(block)
    if removed:
        PO_PATH.write_text("\n\n".join(kept), encoding="utf-8")
    print(f"removed {removed} repeated entries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
