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
