"""Each fault kind during a group hierarchy build and a device sync: exact end state, no duplicates,
nothing lost, and a re-run that writes nothing."""

import time

import pytest

from tests.reliability.conftest import SIZES
from tests.reliability.support import desired_devices, tenant_problems, write_inputs
from tests.support import run_playbook, start_playbook

FAULTS = {
    "429 with Retry-After": {"faults": {"rate_429": 0.08, "retry_after": 1}},
    "500/502/503": {"faults": {"rate_500": 0.04, "rate_502": 0.04, "rate_503": 0.04}},
    "dropped connections": {"faults": {"rate_drop": 0.04, "rate_drop_after_write": 0.04}},
    "slow answers past the timeout": {"faults": {"rate_slow": 0.03, "slow_seconds": 1.6}, "timeout": 1},
    # Token shared by both tasks through the cache, living 0.1 s: it expires between and inside tasks.
    "token expiring mid-run": {"config": {"token_ttl": 0.1}, "env": {"HM_TOKEN_CACHE": "true"}},
}


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_fault_kind(kind, sim, tmp_path, report):
    spec = FAULTS[kind]
    devices = desired_devices(SIZES["devices"])
    extra = {"hm_timeout": spec["timeout"]} if "timeout" in spec else {}
    playbook, variables = write_inputs(tmp_path, devices, **extra)
    if "faults" in spec:
        sim.faults(seed=17, **spec["faults"])
    if "config" in spec:
        sim.config(**spec["config"])
    env = dict(spec.get("env", {}), HM_TOKEN_CACHE_PATH=str(tmp_path / "tokens.json"))
    result = run_playbook(playbook, sim, args=["-e", variables], env=env)
    stats = sim.stats()
    # With the token cache and no expiry the whole play would log in once.
    injected = stats.get("faults", 0) if "faults" in spec else stats.get("token_requests", 0) - 1
    assert result.returncode == 0, result.stdout[-5000:]
    sim.reset_stats()
    rerun = run_playbook(playbook, sim, args=["-e", variables], env=env)
    assert rerun.returncode == 0, rerun.stdout[-5000:]
    rerun_writes = sim.stats().get("writes", 0)
    sim.faults(rate_429=0, rate_500=0, rate_502=0, rate_503=0, rate_drop=0, rate_drop_after_write=0, rate_slow=0)
    problems = tenant_problems(sim, devices)
    report("faults", "%s (%d devices, 30 groups; %d %s)" % (
        kind, len(devices), injected, "faults" if "faults" in spec else "token renewals"),
        "survived: exact state, re-run wrote 0" if not problems and rerun_writes == 0 else "FAILED: %s" % problems)
    assert injected > 0
    assert problems == []
    assert rerun_writes == 0


def test_simulator_restarted_mid_run(sim, tmp_path, report):
    devices = desired_devices(SIZES["devices"])
    playbook, variables = write_inputs(tmp_path, devices)
    proc = start_playbook(playbook, sim, args=["-e", variables])
    deadline = time.time() + 120
    while sim.stats().get("writes_by_route", {}).get("POST /app/sbm/external_api/v2/device", 0) < len(devices) // 3:
        assert proc.poll() is None and time.time() < deadline, "sync ended before the restart point"
        time.sleep(0.02)
    sim.restart()
    output, _stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, output[-5000:]
    sim.reset_stats()
    rerun = run_playbook(playbook, sim, args=["-e", variables])
    rerun_writes = sim.stats().get("writes", 0)
    problems = tenant_problems(sim, devices)
    report("faults", "simulator restarted mid-sync (%d devices; state kept, tokens lost)" % len(devices),
           "survived: exact state, re-run wrote 0" if not problems and rerun_writes == 0 else "FAILED: %s" % problems)
    assert rerun.returncode == 0
    assert problems == []
    assert rerun_writes == 0
