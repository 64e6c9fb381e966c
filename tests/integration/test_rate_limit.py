"""hm_device_sync under the gateway's rate limit: within the wait budget it succeeds, past it the error says
how long it waited and what to raise; nothing is duplicated either way."""

import json

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

    # Run again with room to wait: converges to exactly one device per user.
    sim.config(rate_limit=20)
    result, synced = run(sim, tmp_path, first + second, 120)
    assert result.returncode == 0, result.stdout[-4000:]
    sim.config(rate_limit=0)
    assert assert_one_device_per_user(sim) == set(d["email"] for d in first + second)
    assert synced["summary"]["added"] == 120 - len(partial)
