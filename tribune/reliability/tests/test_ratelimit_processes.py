"""Rate limits hold across processes: a `tribune serve` with 2 workers (each
with its own threads) shares its counters through the database only."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from conftest import free_port
from tribune.reliability.testing import ARTICLE, Server, request

LIMIT = 5
SENT = 16


def test_a_network_limit_is_shared_by_every_worker(prepared_tribune):
    # One rule a day long, so that no window boundary falls inside the test.
    server = Server(prepared_tribune, free_port(), workers=2,
                    env={"TRIBUNE_RATE_SUBMIT_COMMENTER": "",
                         "TRIBUNE_RATE_SUBMIT_NETWORK": f"{LIMIT}/86400"})
    server.start()

    def send(n: int):
        return request(f"{server.url}/api/v1/comments", method="POST",
                       data={"url": ARTICLE, "author": "Flood", "body": f"Flood {n}"})

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(send, range(SENT)))
    finally:
        server.stop()
    statuses = sorted(status for status, _body, _headers in answers)
    assert statuses == [202] * LIMIT + [429] * (SENT - LIMIT)
    refused = [(json.loads(body), headers) for status, body, headers in answers
               if status == 429]
    assert all(error["error"]["code"] == "rate_limited" for error, _h in refused)
    assert all(int(headers["Retry-After"]) > 0 for _e, headers in refused)
