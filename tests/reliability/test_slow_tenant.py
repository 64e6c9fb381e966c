"""A slow tenant and a long run (issue 22's "done when"): a per-window budget used to the last request,
tokens that expire during the run, and a wait budget that bounds a stall, never a run that makes progress."""

import json
import math
import time

from tests.reliability.conftest import PROFILE
from tests.reliability.support import desired_devices
from tests.support import run_playbook, sync_playbook

# The full profile runs the case as written (about 85 s); make test's short profile the same case five
# times faster in every time (2 s windows, 6 s tokens, a 4 s wait budget), so it still crosses windows, token
# expiry and a wait budget that many pauses add up past.
SCALE = {"full": 1.0, "short": 5.0}[PROFILE]
WINDOW = 10.0 / SCALE
PER_WINDOW = 20
TOKEN_TTL = 30.0 / SCALE
WAIT_BUDGET = 20.0 / SCALE


def test_150_devices_through_20_requests_per_10_s_window_with_30_s_tokens(sim, tmp_path, report):
    devices = [dict(d, groups=["ALL"]) for d in desired_devices(150, tag="slow")]
    playbook = sync_playbook(tmp_path / "sync.yml", options=["rate_limit_wait: %g" % WAIT_BUDGET])
    out = tmp_path / "out.json"
    sim.config(token_ttl=TOKEN_TTL)
    sim.config(rate_limit=PER_WINDOW, rate_limit_window=WINDOW, rate_limit_shape="fixed-window")
    sim.reset_stats()
    started = time.monotonic()
    result = run_playbook(playbook, sim, extra_vars={"devices": devices, "out": str(out)})
    seconds = time.monotonic() - started
    stats = sim.stats()
    sim.config(rate_limit=0)
    sim.config(token_ttl=3600)
    assert result.returncode == 0, result.stdout[-5000:]
    synced = json.loads(out.read_text())
    found = [d["email"] for d in sim.all_devices()]
    admitted = stats.get("requests", 0) - stats.get("rate_limited", 0)
    # The windows the run spanned allowed this many requests (Ansible's start-up counted in: the task's share
    # is higher still).
    allowed = PER_WINDOW * math.ceil(seconds / WINDOW)
    logins = stats.get("token_requests", 0)
    report("slow tenant", "150-device sync, %d requests per %g s window, %g s tokens, rate_limit_wait %g" % (
        PER_WINDOW, WINDOW, TOKEN_TTL, WAIT_BUDGET), "%.0f s, %d of %d allowed requests used (%.2f), %d answers 429, %d logins, "
        "%d answers 401" % (seconds, admitted, allowed, admitted / allowed, stats.get("rate_limited", 0), logins,
                            stats.get("unauthorized", 0)))
    assert synced["summary"]["added"] == 150 and synced["summary"]["failed"] == 0
    assert sorted(found) == sorted(d["email"] for d in devices)  # all 150, each once
    assert admitted / allowed >= 0.8, (admitted, allowed, seconds)
    # One login per token lifetime (refreshed a little before it ends), not one per worker or per 401.
    assert logins <= math.ceil(seconds / (TOKEN_TTL * 0.8)) + 1, (logins, seconds)
