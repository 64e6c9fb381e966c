"""Integration: hm_group, hm_group_info and hm_group_hierarchy over real HTTP against the simulator."""

import os

from tests.support import REPO_ROOT, run_playbook

TARGETS = os.path.join(REPO_ROOT, "tests", "integration", "targets")


def assert_ok(result):
    assert result.returncode == 0, result.stdout[-6000:]


def test_group_lifecycle(sim):
    result = run_playbook(os.path.join(TARGETS, "groups.yml"), sim, args=["--diff"])
    assert_ok(result)
    state = sim.stats()["state"]
    assert state["groups"] == 3
