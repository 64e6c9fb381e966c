"""Integration: the example playbooks and roles, exactly as a user runs them, against the simulator."""

import os

import pytest
import yaml

from tests.simulator.variants import VARIANTS
from tests.support import REPO_ROOT, one_line, run_playbook

PLAYBOOKS = os.path.join(REPO_ROOT, "playbooks")
DEVICE_INVENTORY = os.path.join(PLAYBOOKS, "inventory", "devices.yml")


def run(name, sim, tmp_path, **kwargs):
    env = {"HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")}
    result = run_playbook(os.path.join(PLAYBOOKS, name), sim, env=env, **kwargs)
    assert result.returncode == 0, result.stdout[-8000:]
    return result


def test_build_groups_then_enrol_devices_then_rerun(sim, tmp_path):
    run("build_groups.yml", sim, tmp_path)
    assert sim.stats()["state"]["groups"] == 31
    result = run("enrol_devices.yml", sim, tmp_path, inventory=DEVICE_INVENTORY)
    assert "devices added 50, deleted 0" in result.stdout
    devices = sim.all_devices()
    assert len(devices) == 50
    by_email = {d["email"]: d for d in devices}
    assert [g["name"] for g in by_email["ana.0@example.com"]["groups"]] == ["EMEA-Sales-UK"]
    assert by_email["ana.0@example.com"]["number"] == "+4915112000000"
    assert by_email["bo.1@example.com"]["name"] == "Bo phone"
    sim.reset_stats()
    result = run("enrol_devices.yml", sim, tmp_path, inventory=DEVICE_INVENTORY)
    assert "devices added 0, deleted 0, recreated 0, drifted 0, unchanged 50" in result.stdout
    stats = sim.stats()
    assert stats.get("writes", 0) == 0
    assert stats.get("token_requests", 0) == 0


@pytest.mark.parametrize("device_filters", VARIANTS["device_filters"])
def test_isolate_risky_devices_dry_run_then_real_then_rerun(sim, tmp_path, device_filters):
    run("enrol_devices.yml", sim, tmp_path, inventory=DEVICE_INVENTORY)
    sim.variants(device_filters=device_filters)
    for device in sim.all_devices():
        if device["email"] in ("ana.0@example.com", "chen.2@example.com", "eli.4@example.com"):
            sim.set_device(device["internal_id"], risk=3)
        elif device["email"] in ("bo.1@example.com", "dara.3@example.com"):
            sim.set_device(device["internal_id"], risk=2)  # mapped, but not high: never a target
    sim.reset_stats()
    result = run("isolate_risky_devices.yml", sim, tmp_path, extra_vars={"isolate_risky_devices_dry_run": True})
    expected = ("3 high-risk device(s); 2 target(s) would be isolated or blocked: ana.0@example.com, chen.2@example.com; "
                "already isolated or blocked: none; no mapping for (not contained; add them to the mapping): "
                "eli.4@example.com")
    assert expected in one_line(result.stdout), result.stdout[-2500:]
    # --check is the same dry run, and says so (it used to report "2 target(s) isolated or blocked").
    result = run("isolate_risky_devices.yml", sim, tmp_path, args=["--check"])
    assert expected in one_line(result.stdout), result.stdout[-2500:]
    assert sim.stats().get("writes", 0) == 0
    # A group scope covers its sub-groups: ana.0 and chen.2 are in EMEA-Sales-UK and -FR, below EMEA-Sales.
    for scope, expected in ((["EMEA-Sales"], "2 high-risk device(s); 2 target(s) would be isolated or blocked: "
                                             "ana.0@example.com, chen.2@example.com; already isolated or blocked: "
                                             "none; no mapping for (not contained; add them to the mapping): none"),
                            (["EMEA-Engineering"], "1 high-risk device(s); 0 target(s) would be isolated or blocked: "
                                                   "none; already isolated or blocked: none; no mapping for (not "
                                                   "contained; add them to the mapping): eli.4@example.com")):
        result = run("isolate_risky_devices.yml", sim, tmp_path, extra_vars={
            "isolate_risky_devices_dry_run": True, "isolate_risky_devices_groups": scope})
        assert expected in one_line(result.stdout), result.stdout[-1500:]
    run("isolate_risky_devices.yml", sim, tmp_path)
    states = {(t["platform"], t["target"]): t["state"] for t in sim.control("GET", "smartpt")}
    assert states == {("wazuh", "001"): "isolated", ("azuread", "chen.2@example.com"): "blocked"}
    sim.reset_stats()
    result = run("isolate_risky_devices.yml", sim, tmp_path)
    assert ("0 target(s) isolated or blocked: none; already isolated or blocked: ana.0@example.com, "
            "chen.2@example.com") in one_line(result.stdout), result.stdout[-2500:]
    assert sim.stats().get("writes", 0) == 0


@pytest.mark.parametrize("own_vars,refusal", [
    # The shared mapping file may name another customer's users.
    ({}, "tenant acme: tenant_device_mapping must be in this tenant's host vars"),
    # The environment holds a company key (ansible_env sets SMARTPT_*): it may be another customer's company.
    ({"tenant_device_mapping": {"ana.0@example.com": {"platform": "wazuh", "agent_id": "001"}}},
     "tenant acme: smartpt_company_key must be set for this tenant"),
])
def test_a_tenant_host_isolates_only_with_its_own_mapping_and_company_key(sim, tmp_path, own_vars, refusal):
    host = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
            "hm_gateway_url": sim.url, "hm_client_id": "sim-client-id", "hm_access_key": "sim-access-key-0123456789"}
    inventory = tmp_path / "tenants.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"acme": dict(host, **own_vars)}}}))
    added = sim.api("POST", "/app/SBM/external_api/v2/device/", json={
        "name": "Ana", "email": "ana.0@example.com", "number": "+15550000100"})
    sim.control("POST", "devices/%s" % added["device_id"], {"risk": 3})
    sim.reset_stats()
    result = run_playbook(os.path.join(PLAYBOOKS, "isolate_risky_devices.yml"), sim, inventory=str(inventory),
                          extra_vars={"isolate_risky_devices_hosts": "acme"})
    assert result.returncode != 0
    assert refusal in one_line(result.stdout)
    assert sim.stats().get("writes", 0) == 0 and sim.control("GET", "smartpt") == []


def test_a_device_whose_stored_email_differs_in_case_from_the_mapping_is_contained(sim, tmp_path):
    # The mapping file says ana.0@example.com; the tenant stores the user as typed in the portal.
    added = sim.api("POST", "/app/SBM/external_api/v2/device/", json={"name": "Ana", "email": "Ana.0@Example.com"})
    sim.set_device(added["device_id"], risk=3)
    result = run("isolate_risky_devices.yml", sim, tmp_path, extra_vars={"isolate_risky_devices_dry_run": True})
    assert ("1 high-risk device(s); 1 target(s) would be isolated or blocked: Ana.0@Example.com; already isolated "
            "or blocked: none; no mapping for (not contained; add them to the mapping): none"
            ) in one_line(result.stdout), result.stdout[-2500:]
    run("isolate_risky_devices.yml", sim, tmp_path)
    assert {(t["platform"], t["target"]): t["state"] for t in sim.control("GET", "smartpt")} == {
        ("wazuh", "001"): "isolated"}
