"""Tribune as a user installs it: ``pip install .`` gives a package that runs.

A wheel once shipped without the widget's files (``tribune/embed/assets``), and
``tribune migrate`` failed at start-up; every test passed because the suite ran on
an editable install. ``./scripts/test`` now builds the wheel, installs it into a
virtual environment of its own and names it in ``TRIBUNE_TEST_WHEEL``; these tests
hold that wheel against the checkout and run the installed command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from pathlib import Path

import pytest

import tribune

CHECKOUT = Path(__file__).resolve().parents[3]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _package_files() -> set[str]:
    """The files of the ``tribune`` package in the checkout (those git tracks or
    would track), as paths in a wheel."""
    if (CHECKOUT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
             "tribune"],
            cwd=CHECKOUT, capture_output=True, check=True,
        ).stdout.decode().split("\0")
        return {name for name in listed if name and (CHECKOUT / name).is_file()}
    return {
        path.relative_to(CHECKOUT).as_posix()
        for path in (CHECKOUT / "tribune").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel ``./scripts/test`` built, or one built here from the checkout."""
    named = os.environ.get("TRIBUNE_TEST_WHEEL")
    if named:
        return Path(named)
    assert not IN_CI, "./scripts/test names the wheel it installed in TRIBUNE_TEST_WHEEL"
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out),
         str(CHECKOUT)],
        check=True, capture_output=True, timeout=300,
    )
    return next(out.glob("tribune-*.whl"))


def test_the_wheel_holds_every_file_of_the_package(wheel):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("tribune/")}
    expected = _package_files()
    assert "tribune/embed/assets/embed.js" in expected
    assert sorted(expected - shipped) == [], "files of the package missing from the wheel"
    assert sorted(shipped - expected) == [], "files in the wheel that the checkout does not have"


def test_the_suite_runs_against_the_installed_wheel():
    """Under ``./scripts/test`` the code under test is the installed package, not
    the checkout: a file left out of the wheel fails the tests that need it."""
    if not os.environ.get("TRIBUNE_TEST_WHEEL"):
        assert not IN_CI, "CI runs the suite through ./scripts/test"
        pytest.skip("run through ./scripts/test to test the installed wheel")
    installed = Path(tribune.__file__).resolve()
    site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert installed.is_relative_to(site_packages), installed
    assert not installed.is_relative_to(CHECKOUT / "tribune"), installed
    # Not an editable install: no finder or .pth that points back at the checkout.
    for entry in site_packages.iterdir():
        if entry.suffix == ".pth":
            assert str(CHECKOUT) not in entry.read_text(), entry


def test_installed_tribune_migrates_and_serves_the_widget(fresh_tribune):
    """The README's production steps with the installed command: migrate, then
    serve, then the widget's script and style as the package holds them."""
    fresh_tribune.run("migrate", "--verbosity", "0")
    assets = Path(tribune.__file__).resolve().parent / "embed" / "assets"
    with fresh_tribune.serving(workers=1) as server:
        for name, kind in (("embed.js", "javascript"), ("embed.css", "css")):
            with urllib.request.urlopen(f"{server.url}/{name}", timeout=10) as response:  # noqa: S310 - our own server
                assert response.status == 200
                assert kind in response.headers["Content-Type"]
                body = response.read()
            assert body == (assets / name).read_bytes()
