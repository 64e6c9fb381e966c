"""The simulator as a development tool: seeding is idempotent across restarts and it says how to use it."""

import json
import os
import stat
import subprocess

import yaml

from tests.support import REPO_ROOT, SIM_ACCESS_KEY, Simulator, one_line, run_playbook

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


def test_the_tenant_inventory_runs_the_mssp_weekly_report_without_copying_keys(tmp_path):
    """`make sim SIM_TENANTS=N` writes every tenant's connection as an inventory; the weekly report over all of
    them runs from it as written, each tenant read with its own generated credentials at its own URL."""
    dry_run = subprocess.run(["make", "-n", "sim", "SIM_TENANTS=2", "SIM_DB=/x/sim.db"], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=True).stdout
    assert "--tenants 2" in dry_run and "--tenant-inventory /x/sim.db.tenants.yml" in dry_run
    assert "--tenant-inventory" not in subprocess.run(["make", "-n", "sim", "SIM_DB=/x/sim.db"], cwd=REPO_ROOT,
                                                      capture_output=True, text=True, check=True).stdout
    inventory = str(tmp_path / "sim.db.tenants.yml")
    sim = Simulator(str(tmp_path), extra_args=["--seed-devices", "25", "--tenants", "2", "--generate-credentials",
                                               "--tenant-inventory", inventory, "--print-env"]).start()
    proc = sim.proc
    try:
        assert stat.S_IMODE(os.stat(inventory).st_mode) == 0o600
        with open(inventory) as handle:
            hosts = yaml.safe_load(handle)["tenants"]["hosts"]
        with open(str(tmp_path / "sim.db.credentials.json")) as handle:
            generated = json.load(handle)
        assert sorted(hosts) == ["t01", "t02"]
        for name, settings in hosts.items():
            assert settings == {"hm_gateway_url": sim.url + "/tenants/" + name,
                                "hm_client_id": generated[name]["client_id"],
                                "hm_access_key": generated[name]["access_key"]}
        # The controller's environment points at the default tenant: the tenants must not use it.
        reports = tmp_path / "reports"
        result = run_playbook(os.path.join(REPO_ROOT, "playbooks", "weekly_fleet_report.yml"), inventory=inventory,
                              extra_vars={"fleet_report_hosts": "tenants", "fleet_report_dest": str(reports)},
                              env={"HM_GATEWAY_URL": sim.url, "HM_CLIENT_ID": generated["default"]["client_id"],
                                   "HM_ACCESS_KEY": generated["default"]["access_key"]})
        assert result.returncode == 0, result.stdout[-4000:]
        counted = sim.stats()["tenants"]
        totals = {}
        for path in reports.glob("*-fleet-report.json"):
            report = json.loads(path.read_text())
            totals[report["tenant"]["name"]] = (report["total"], report["tenant"]["client_id"])
        assert totals == dict((name, (counted[name]["state"]["devices"], generated[name]["client_id"]))
                              for name in ("t01", "t02"))
        assert all(total == 25 for total, _client in totals.values())
        assert (reports / "index.html").exists()
        assert not counted["default"].get("token_requests") and sim.stats()["cross_tenant"] == 0
    finally:
        sim.stop()
    assert "ansible-playbook -i %s playbooks/weekly_fleet_report.yml -e fleet_report_hosts=tenants" % inventory in \
        one_line(proc.stderr.read())
