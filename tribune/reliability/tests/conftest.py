"""One `tribune` installation (working directory and database of its own, migrated,
with the site and a moderator) shared by the reliability tests: each of them
names its own comments, so they can share it and the suite stays fast."""

from __future__ import annotations

import pytest

from conftest import TribuneCLI, fresh_database
from tribune.reliability.testing import prepare


@pytest.fixture(scope="session")
def prepared_tribune(tmp_path_factory):
    """``TribuneCLI`` with ``.token``, an API token of the moderator ``mod``."""
    workdir = tmp_path_factory.mktemp("reliability")
    with fresh_database(workdir) as env:
        cli = TribuneCLI(workdir, env)
        cli.token = prepare(cli)
        yield cli
