"""The simulator as a development tool: seeding is idempotent across restarts and it says how to use it."""

from tests.support import SIM_ACCESS_KEY, Simulator

SEEDS = ["--seed-devices", "30", "--seed-alerts", "40", "--seed-audits", "5", "--print-env"]


def test_restarting_with_the_same_command_does_not_seed_twice(tmp_path):
    sim = Simulator(str(tmp_path), extra_args=SEEDS)
    hints, urls = [], []
    for _start in range(2):
        sim.start()
        proc = sim.proc
        urls.append(sim.url)
        try:
            counts = sim.stats()["state"]
            emails = [d["email"] for d in sim.all_devices()]
        finally:
            sim.stop()
        hints.append(proc.stderr.read())
        assert (counts["devices"], counts["alerts"], counts["audits"]) == (30, 40, 5)
        assert len(set(emails)) == 30
    assert "export HM_GATEWAY_URL=%s" % urls[0] in hints[0] and "HM_ACCESS_KEY=%s" % SIM_ACCESS_KEY in hints[0]
    assert "not seeding" not in hints[0]
    assert "already holds 30 devices, 40 alerts, 5 audits; not seeding those again" in hints[1]
