"""Several moderators deciding one comment at the same moment, from separate
processes: exactly one decision wins, the others get a clear 409 conflict and
write nothing. On PostgreSQL (DATABASE_URL) the processes race on the row lock;
on SQLite the same test shows the writes serialised the same way."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from tribune.core.testing import make_comment
from tribune.moderation.models import Decision

ROUNDS = 3
# Each process takes one action on every comment, all at the same instant.
ACTIONS = [
    {"action": "approve"},
    {"action": "reject", "clause": 1},
    {"action": "edit", "body": "Edited by a moderator.", "clause": 2},
    {"action": "approve"},
]

SETUP = """
import json, secrets
from tribune.actions.submit import comment_submit
ids = [comment_submit(url="https://news.example.org/2026/11/race", author="Reader",
                      body=f"Comment to race on, number {{n}}.",
                      commenter_token=secrets.token_urlsafe(16)).pk for n in range({rounds})]
print(json.dumps(ids))
"""

DECIDE = """
import json, time
from django.contrib.auth import get_user_model
from django.db import connection
from tribune.core.errors import TribuneError
from tribune.moderation.decisions import comment_decide
moderator = get_user_model().objects.get(username="mod")
connection.ensure_connection()
results = []
for n, comment_id in enumerate({ids}):
    time.sleep(max(0.0, {start} + n * 0.5 - time.time()))
    try:
        comment = comment_decide(comment_id=comment_id, moderator=moderator,
                                 expected_status="pending", **{action})
        results.append({{"id": comment_id, "won": True, "status": comment.status}})
    except TribuneError as error:
        results.append({{"id": comment_id, "won": False, "http": error.status,
                         "code": error.code, "message": error.message}})
print(json.dumps(results))
"""

COUNT = """
import json
from tribune.moderation.models import Decision
from tribune.comments.models import Comment
print(json.dumps({{str(i): [Decision.objects.filter(comment_id=i).count(),
                            Comment.objects.get(pk=i).status] for i in {ids}}}))
"""


def test_concurrent_decisions_from_several_processes_one_wins(prepared_tribune):
    cli = prepared_tribune
    ids = json.loads(cli.run("shell", "-c", SETUP.format(rounds=ROUNDS)).stdout.splitlines()[-1])
    start = time.time() + 5  # every process is connected and waiting by then
    processes = [
        cli.popen("shell", "-c", DECIDE.format(ids=ids, start=start, action=action),
                  stdout=-1, stderr=-1)
        for action in ACTIONS
    ]
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))

    counts = json.loads(cli.run("shell", "-c", COUNT.format(ids=ids)).stdout.splitlines()[-1])
    for round_, comment_id in enumerate(ids):
        results = [outcome[round_] for outcome in outcomes]
        winners = [r for r in results if r["won"]]
        losers = [r for r in results if not r["won"]]
        assert len(winners) == 1, results
        assert len(losers) == len(ACTIONS) - 1
        for loser in losers:
            assert (loser["http"], loser["code"]) == (409, "status_changed"), loser
            assert "Someone else decided this comment first" in loser["message"]
        decisions, status = counts[str(comment_id)]
        assert decisions == 1  # the losers wrote nothing
        assert status == winners[0]["status"]


@pytest.mark.django_db
def test_the_decision_api_refuses_a_stale_decision_with_409(site, api):
    comment = make_comment(body="Decide me.")

    def decide(**payload):
        return api.post(f"/api/v1/moderation/comments/{comment.pk}/decision",
                        data=json.dumps(payload), content_type="application/json")

    assert decide(action="approve", expected_status="pending").status_code == 200
    stale = decide(action="reject", clause=1, expected_status="pending")
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "status_changed"
    assert "it is now published" in error["message"]
    assert Decision.objects.filter(comment=comment).count() == 1
    bad = decide(action="reject", clause=1, expected_status="maybe")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "expected_status"
    # Without the precondition a later decision still replaces the earlier one.
    assert decide(action="reject", clause=1).status_code == 200
    schema = Client().get("/api/v1/openapi.json").json()
    assert "expected_status" in schema["components"]["schemas"]["DecisionIn"]["properties"]
