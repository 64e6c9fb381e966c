"""Two hm_device_sync runs adding the same 100 devices at the same moment end with exactly 100 devices."""

import json

from tests.support import one_line, start_playbook, sync_playbook


ROUNDS = 3


def test_overlapping_syncs_converge_on_one_device_per_user(sim, tmp_path):
    # 1.0.0's simulator never de-duplicated e-mails either: two adds of one user make two devices.
    # Long enough for the two runs to overlap even when one starts a second later on a loaded machine.
    sim.config(latency_ms=100)
    playbook = sync_playbook(tmp_path / "sync.yml")
    overlapped = 0
    for round_ in range(ROUNDS):
        sim.reset()
        wanted = [{"email": "r%d-user%03d@example.com" % (round_, i), "name": "User %d" % i} for i in range(100)]
        runs = [start_playbook(playbook, sim, extra_vars={"devices": wanted, "out": str(tmp_path / ("%d.json" % n))})
                for n in range(2)]
        outputs = [run.communicate(timeout=600)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs[0][-3000:] + outputs[1][-3000:]
        devices = sim.all_devices()
        assert len(devices) == 100, "round %d: %d devices" % (round_, len(devices))
        assert sorted(d["email"] for d in devices) == sorted(w["email"] for w in wanted)
        results = [json.loads((tmp_path / ("%d.json" % n)).read_text()) for n in range(2)]
        removed = sum(len(r["duplicates_removed"]) for r in results)
        added = sum(r["summary"]["added"] for r in results)
        assert added - removed == 100, (added, removed)
        overlapped += added > 100
    sim.config(latency_ms=0)
    assert overlapped, "the two runs never added the same device: the test proved nothing"


def test_identical_copies_from_earlier_runs_are_reported_and_removed_only_when_asked(sim, tmp_path):
    for _copy in range(3):
        sim.api("POST", "/app/SBM/external_api/v2/device/", json={"name": "Ana", "email": "ana@example.com"})
    sim.api("POST", "/app/SBM/external_api/v2/device/", json={"name": "Bo", "email": "bo@example.com"})
    # Removing 2 of 3 copies is more than 20% of them: a count says it is meant.
    playbook = sync_playbook(tmp_path / "sync.yml", options=['remove_duplicates: "{{ remove }}"', "max_deletes: 2"])
    wanted = [{"email": "ana@example.com", "name": "Ana"}, {"email": "bo@example.com", "name": "Bo"}]
    for remove in (False, True):
        out = tmp_path / ("%s.json" % remove)
        run = start_playbook(playbook, sim, extra_vars={"devices": wanted, "out": str(out), "remove": remove})
        output = run.communicate(timeout=300)[0]
        assert run.returncode == 0, output[-3000:]
        result = json.loads(out.read_text())
        assert result["duplicates"] == [{"email": "ana@example.com", "name": "Ana", "device_ids": ["1", "2", "3"],
                                         "keep": "1"}]
        if not remove:
            assert "1 user(s) hold identical copies of a device" in one_line(output)
            assert len(sim.all_devices()) == 4 and result["changed"] is False
    assert sorted(d["internal_id"] for d in sim.all_devices()) == ["1", "4"]
    assert result["summary"]["deleted"] == 2


def test_max_deletes_counts_the_identical_copies_remove_duplicates_would_delete(sim, tmp_path):
    """The one delete guard runs after every delete of the run is planned, copies included."""
    for _copy in range(4):
        sim.api("POST", "/app/SBM/external_api/v2/device/", json={"name": "Ana", "email": "ana@example.com"})
    sim.reset_stats()
    playbook = sync_playbook(tmp_path / "sync.yml", options=["remove_duplicates: true", "max_deletes: 2"],
                             keywords=["ignore_errors: true"])
    out = tmp_path / "out.json"
    run = start_playbook(playbook, sim, extra_vars={"devices": [{"email": "ana@example.com", "name": "Ana"}],
                                                    "out": str(out)})
    output = run.communicate(timeout=300)[0]
    result = json.loads(out.read_text())
    assert result.get("failed") is True, output[-3000:]
    assert "max_deletes: the run would delete 3 of the 4 devices in identical copies" in result["msg"]
    assert "ana@example.com (id 2)" in result["msg"]
    assert len(sim.all_devices()) == 4 and sim.stats().get("writes", 0) == 0
