"""Every string the code marks for translation has an English entry. Runs Django's
makemessages (GNU gettext's xgettext) on a copy of the code and reads what it found; skipped
where gettext is not installed, except in CI (`REQUIRE_GETTEXT=1`, .ci/run installs it)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_every_marked_string_has_an_english_translation(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext (xgettext) is required here: apt-get install gettext")
        pytest.skip("GNU gettext is not installed")
    for name in ["apps", "config", "templates", "manage.py"]:
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    po = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po", po)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=tmp_path,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=True,
        capture_output=True,
    )
    missing = [
        f"{entry.occurrences[0][0] if entry.occurrences else '?'}: {entry.msgid}"
        for entry in polib.pofile(str(po))
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert missing == []
