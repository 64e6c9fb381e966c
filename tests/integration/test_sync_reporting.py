"""hm_device_sync reports what happened, not what it planned: failed writes are not counted as changes."""

import json

from tests.support import run_playbook, sync_playbook


def test_failed_writes_are_not_reported_as_changes(sim, tmp_path):
    sim.seed(devices=4, rng_seed=2)
    playbook = sync_playbook(tmp_path / "sync.yml", options=["allow_partial: true", "retries: 0"],
                             keywords=['check_mode: "{{ plan_only }}"'])
    wanted = [{"email": d["email"], "name": d["name"]} for d in sim.all_devices()]
    wanted += [{"email": "new%d@example.com" % i, "name": "New %d" % i} for i in range(3)]

    def sync(plan_only):
        out = tmp_path / "out.json"
        extra_vars = {"devices": wanted, "out": str(out), "plan_only": plan_only}
        result = run_playbook(playbook, sim, extra_vars=extra_vars, args=["--diff"])
        assert result.returncode == 0, result.stdout[-4000:]
        return json.loads(out.read_text())

    planned = sync(True)
    assert planned["predicted"] is True and planned["changed"] is True
    assert planned["summary"]["added"] == 3 and planned["total_after"] == 7

    sim.faults(rate_502=1.0, paths="/app/SBM/external_api/v2/device")
    synced = sync(False)
    sim.faults(rate_502=0.0)
    assert synced["predicted"] is False
    assert synced["changed"] is False
    assert synced["summary"]["added"] == 0 and synced["summary"]["failed"] == 3
    assert synced["total_before"] == 4 and synced["total_after"] == 4
    assert synced["diff"]["after"]["devices"] == {} and synced["diff"]["after"]["count"] == 4
    assert len(sim.all_devices()) == 4
