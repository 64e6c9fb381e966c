"""Integration: device modules over real HTTP against the simulator."""

import os

from tests.support import REPO_ROOT, run_playbook

TARGETS = os.path.join(REPO_ROOT, "tests", "integration", "targets")


def assert_ok(result):
    assert result.returncode == 0, result.stdout[-8000:]


def test_device_modules(sim, tmp_path):
    result = run_playbook(os.path.join(TARGETS, "devices.yml"), sim, {"token_cache_path": str(tmp_path / "t.json")},
                          args=["--diff"])
    assert_ok(result)
    stats = sim.stats()
    assert stats["state"]["devices"] == 1
    # The playbook resets the counters after its first task logged in: every later task reused that token.
    assert stats.get("token_requests", 0) == 0
