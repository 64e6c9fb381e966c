"""hm_device_sync under the gateway's rate limit: within the wait budget it succeeds, past it the error says
how long it waited and what to raise; nothing is duplicated either way. Each limit shape a gateway may use
is paced without a burst of 429s per window."""

import json
import re

import pytest

from tests.support import one_line, run_playbook, sync_playbook


def devices(prefix, count):
    return [{"email": "%s%03d@rate.example.com" % (prefix, i), "name": "%s %d" % (prefix, i)} for i in range(count)]


def run(sim, tmp_path, entries, budget):
    playbook = sync_playbook(tmp_path / "sync.yml", options=['rate_limit_wait: "{{ budget }}"'])
    out = tmp_path / "out.json"
    if out.exists():
        out.unlink()
    result = run_playbook(playbook, sim, extra_vars={"devices": entries, "budget": budget, "out": str(out)})
    return result, (json.loads(out.read_text()) if out.exists() else None)


def assert_one_device_per_user(sim):
    emails = [d["email"].lower() for d in sim.all_devices()]
    assert len(emails) == len(set(emails)), "duplicated users"
    return set(emails)


def test_sync_within_and_past_the_wait_budget(sim, tmp_path):
    sim.config(rate_limit=20)
    first = devices("a", 60)
    result, synced = run(sim, tmp_path, first, 120)
    assert result.returncode == 0, result.stdout[-4000:]
    assert synced["summary"]["added"] == 60 and synced["summary"]["failed"] == 0
    assert sim.stats().get("rate_limited", 0) > 0, "the limit never engaged: the test proves nothing"
    sim.config(rate_limit=0)
    assert assert_one_device_per_user(sim) == set(d["email"] for d in first)

    # A budget smaller than one Retry-After: the first 429 ends the run, and says so.
    sim.config(rate_limit=20)
    second = devices("b", 60)
    result, _synced = run(sim, tmp_path, second, 0.5)
    assert result.returncode != 0
    text = one_line(result.stdout)
    assert "rate limited (HTTP 429)" in text and "rate_limit_wait" in text and "wait budget of 0.5 s" in text, text[-3000:]
    sim.config(rate_limit=0)
    partial = assert_one_device_per_user(sim)
    assert set(d["email"] for d in first) <= partial
    # The message says how many were written, and that a re-run continues.
    written = re.search(r"device writes failed \(first: .*\); the other (\d+) were written and a re-run continues",
                        text)
    assert written, text[-3000:]
    assert int(written.group(1)) == len(partial) - len(first)

    # Run again with room to wait: converges to exactly one device per user.
    sim.config(rate_limit=20)
    result, synced = run(sim, tmp_path, first + second, 120)
    assert result.returncode == 0, result.stdout[-4000:]
    sim.config(rate_limit=0)
    assert assert_one_device_per_user(sim) == set(d["email"] for d in first + second)
    assert synced["summary"]["added"] == 120 - len(partial)


SHAPES = [("token-bucket", True), ("sliding", True), ("fixed-window", True), ("fixed-window", False)]


@pytest.mark.parametrize("shape,retry_after", SHAPES, ids=["token-bucket", "sliding", "fixed-window",
                                                           "fixed-window without Retry-After"])
def test_each_limit_shape_is_paced_without_a_burst_of_429s_per_window(sim, tmp_path, shape, retry_after):
    sim.config(rate_limit=15, rate_limit_window=1, rate_limit_shape=shape, rate_limit_retry_after=retry_after)
    sim.reset_stats()
    entries = devices("s%s%d" % (shape[:2], retry_after), 90)
    # Default settings: 16 requests in flight at most, the default wait budget.
    result, synced = run(sim, tmp_path, entries, 300)
    stats = sim.stats()
    sim.config(rate_limit=0)
    assert result.returncode == 0, result.stdout[-4000:]
    assert synced["summary"]["added"] == 90 and synced["summary"]["failed"] == 0
    assert set(d["email"] for d in entries) <= assert_one_device_per_user(sim)
    limited = stats.get("rate_limited", 0)
    assert limited > 0, "the limit never engaged: the test proves nothing"
    # About 95 requests at 15 a second: 6 windows or more. A burst of 429s in each would be 6 x the requests in
    # flight; learning the budget takes the first burst and at most a lone 429 or two after it.
    assert limited <= 16 + 4, stats
