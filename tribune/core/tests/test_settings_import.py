"""Reading Tribune's settings makes nothing on disk: the SQLite folder is made
on first connection, STATIC_ROOT when Tribune starts (only the secret key, when
none is given, is still written on first read: every process must share it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _python(code: str, cwd: Path, **env: str) -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tribune.settings", **env}
    environment.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-P", "-c", code], cwd=cwd, env=environment, check=True,
                   timeout=120)


def test_importing_the_settings_creates_no_folder(tmp_path: Path):
    _python("import tribune.settings", tmp_path, TRIBUNE_SECRET_KEY="x" * 50)
    assert list(tmp_path.iterdir()) == []


def test_the_folders_appear_when_tribune_starts_and_connects(tmp_path: Path):
    _python("import django; django.setup(); from django.db import connection; "
            "connection.ensure_connection()", tmp_path, TRIBUNE_SECRET_KEY="x" * 50)
    assert (tmp_path / "var" / "static").is_dir()
    assert (tmp_path / "var" / "tribune.sqlite3").is_file()


def test_every_tribune_default_lives_in_the_settings():
    """The code reads ``settings.TRIBUNE_…``, never ``getattr(settings, NAME, default)``:
    a second default beside the one in tribune/settings.py would drift from it."""
    import re

    import tribune

    package = Path(tribune.__file__).resolve().parent
    pattern = re.compile(r"getattr\(\s*settings\s*,\s*[\"']TRIBUNE_\w+[\"']\s*,")
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py") if "tests" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
