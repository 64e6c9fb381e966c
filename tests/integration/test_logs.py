"""Integration: hm_alert_info and hm_audit_info against the simulator."""

import os

from tests.support import REPO_ROOT, run_playbook


def test_alert_and_audit_info(sim):
    sim.seed(alerts=250, audits=120, devices=5, rng_seed=3)
    result = run_playbook(os.path.join(REPO_ROOT, "tests", "integration", "targets", "logs.yml"), sim)
    assert result.returncode == 0, result.stdout[-6000:]
