"""Schemathesis against ``/api/v1/openapi.json``, every operation, in process
through the WSGI application: no input makes the API answer 5xx, and every
answer matches the schema it publishes (status codes, content types, bodies).

Bounded: a few dozen examples per operation, so it runs in seconds.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tribune.core.testing import make_comment, make_published

URL = "https://news.example.org/2026/11/article"
# What the promise is about: never a 5xx, and every answer as documented. Not
# "positive_data_acceptance": the schema types `url` as a string, and a string
# that is not an article URL is rightly a documented 400.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(db, site, moderator):
    from django.core import signals
    from django.db import close_old_connections

    from tribune.wsgi import application

    # As Django's test client does: the end of a request must not close the
    # connection that holds the test's transaction (PostgreSQL).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    # Something to read and decide: a published thread and pending comments.
    make_published(moderator, url=URL, title="An article", body="Published.")
    for n in range(3):
        make_comment(url=URL, body=f"Pending {n}.")
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    loaded.moderator_token = moderator.token
    yield loaded
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_schema(case, api_schema):
    headers = {"Authorization": f"Bearer {api_schema.moderator_token}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
