"""The cluster tests import the harness beside them (``cluster.py``), which is a
script folder, not a package; pytest's importlib mode (pyproject.toml) leaves
sys.path alone, so the folder is put on it here. The hosts run the ``tribune``
of the environment the tests run in (``./scripts/test``: the installed wheel in
``.venv-test``), not the demo's ``.venv``."""

import os
import sys
from pathlib import Path

os.environ.setdefault("TRIBUNE_VENV", sys.prefix)
sys.path.insert(0, str(Path(__file__).resolve().parent))
