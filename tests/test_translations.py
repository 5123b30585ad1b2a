"""Every user-facing string has its Chinese (zh-Hans) translation, and the catalogues shipped
are compiled from their sources.

The check extracts the strings afresh with Django's ``makemessages`` (over a copy of the
package, so the repository is never touched) and asks gettext's ``msgattrib`` for any entry
left untranslated or fuzzy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "huikuan"
GETTEXT_TOOLS = all(shutil.which(tool) for tool in ("xgettext", "msgattrib", "msgunfmt", "msgfmt"))
pytestmark = pytest.mark.skipif(not GETTEXT_TOOLS, reason="needs GNU gettext (apt install gettext)")


def _run(*args: str, cwd: Path | None = None) -> str:
    # Without settings, so makemessages writes into the copy's catalogues, not the repository's.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def _catalogues(root: Path) -> list[Path]:
    return sorted(root.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_string_in_the_code_is_translated_into_chinese(tmp_path):
    copy = tmp_path / "huikuan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("migrations", "__pycache__", "static"))
    django_admin = Path(os.sys.executable).with_name("django-admin")
    _run(str(django_admin), "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location", cwd=copy)
    untranslated = {}
    for po in _catalogues(copy):
        missing = _run("msgattrib", "--untranslated", "--no-wrap", str(po))
        fuzzy = _run("msgattrib", "--only-fuzzy", "--no-wrap", str(po))
        lines = (missing + fuzzy).splitlines()
        ids = [line for line in lines if line.startswith("msgid ") and line != 'msgid ""']
        if ids:
            untranslated[str(po.relative_to(copy))] = ids
    assert not untranslated, f"strings without a zh-Hans translation: {untranslated}"


@pytest.mark.parametrize("po", _catalogues(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_compiled_catalogue_matches_its_source(po, tmp_path):
    fresh = tmp_path / "fresh.mo"
    _run("msgfmt", "--check", "-o", str(fresh), str(po))
    shipped = po.with_suffix(".mo")
    assert shipped.exists(), f"{shipped} is missing: run msgfmt"
    assert _run("msgunfmt", str(shipped)) == _run("msgunfmt", str(fresh)), f"{shipped} is stale: run msgfmt"
