"""The English catalogue keeps up with the Chinese source strings.

Every entry of locale/en/LC_MESSAGES/django.po must be translated, not fuzzy, and carry the
same placeholders as its msgid, so a new string added without a translation (after
`makemessages`, see docs/translations.md) or a translation that drops `%(name)s` fails here
instead of on a page.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Python %-formatting: %(name)s, %(size).1f, %d, %s and the escaped %% (blocktranslate writes
# a literal percent sign as %% when the string has variables). No space flag, so English
# prose such as "50% of" is not mistaken for a placeholder.
PERCENT = re.compile(r"%%|%\([^)]+\)[-#0+]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0+]*\d*(?:\.\d+)?[sdifr]")
# str.format fields: {}, {0}, {name}, {name:>10}.
BRACES = re.compile(r"\{[A-Za-z0-9_]*(?::[^{}]*)?\}")


def placeholders(text: str) -> Counter:
    return Counter(PERCENT.findall(text)) + Counter(BRACES.findall(text))


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO_PATH))


def _label(entry) -> str:
    return f"{entry.occurrences[0][0] if entry.occurrences else '?'}: {entry.msgid!r}"


def _forms(entry):
    """(source, translation) pairs: one for a plain entry, one per plural form otherwise."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    sources = [entry.msgid] + [entry.msgid_plural] * (len(entry.msgstr_plural) - 1)
    return [(sources[i], entry.msgstr_plural[i]) for i in sorted(entry.msgstr_plural)]


def test_catalogue_has_the_source_strings(catalogue):
    # Guards the other tests against passing on an empty or misplaced file.
    assert len([e for e in catalogue if not e.obsolete]) > 1000
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=2;")


def test_every_entry_is_translated_and_not_fuzzy(catalogue):
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy {_label(entry)}")
        elif any(not translation.strip() for _, translation in _forms(entry)):
            problems.append(f"untranslated {_label(entry)}")
    assert not problems, "\n".join(problems)


def test_translations_keep_the_placeholders_of_their_msgid(catalogue):
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        for source, translation in _forms(entry):
            if translation and placeholders(source) != placeholders(translation):
                expected = sorted(placeholders(source).elements())
                found = sorted(placeholders(translation).elements())
                problems.append(f"{_label(entry)} needs {expected}, {translation!r} has {found}")
    assert not problems, "\n".join(problems)


def test_translations_keep_leading_and_trailing_newlines(catalogue):
    # msgfmt --check rejects these; multi-line blocktranslate strings rely on them.
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        for source, translation in _forms(entry):
            if translation and (
                source.startswith("\n") != translation.startswith("\n")
                or source.endswith("\n") != translation.endswith("\n")
            ):
                problems.append(_label(entry))
    assert not problems, "\n".join(problems)


def test_placeholder_check_catches_a_dropped_or_renamed_placeholder():
    assert placeholders("共 %(n)s 条，%(size).1f MB，100%%") == placeholders(
        "%(n)s rows, %(size).1f MB, 100%%"
    )
    assert placeholders("第 %(n)d 版") != placeholders("Version %(n)s")
    assert placeholders("第 %(n)d 版") != placeholders("Version")
    assert placeholders("{name} 已保存") != placeholders("%(name)s saved")
    assert placeholders("覆盖率（%）") == placeholders("Coverage (%)") == Counter()
    assert placeholders("50% of them") == Counter()


def test_no_entry_is_repeated(catalogue):
    """A string twice (two branches appended it; .po files merge as a union) makes msgfmt
    fail and hides which translation wins: scripts/po_dedupe.py removes the repeats."""
    keys = Counter((entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete)
    assert [msgid for (_ctxt, msgid), count in keys.items() if count > 1] == []


def test_the_chinese_catalogue_of_third_party_strings_is_complete():
    """locale/zh_Hans gives Chinese to the English strings of Django and django-axes that
    their own catalogues lack (docs/translations.md "Third-party apps")."""
    path = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in polib.pofile(str(path)) if not entry.obsolete]
    assert len(entries) > 30
    problems = []
    for entry in entries:
        for source, translation in _forms(entry):
            if not translation.strip() or "fuzzy" in entry.flags:
                problems.append(f"untranslated {_label(entry)}")
            elif placeholders(source) != placeholders(translation):
                problems.append(f"placeholders of {_label(entry)}")
    assert not problems, "\n".join(problems)
