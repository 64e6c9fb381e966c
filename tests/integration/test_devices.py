"""Integration: device modules over real HTTP against the simulator."""

import json
import os

import pytest

from tests.simulator.variants import VARIANTS
from tests.support import REPO_ROOT, run_playbook

TARGETS = os.path.join(REPO_ROOT, "tests", "integration", "targets")


def assert_ok(result):
    assert result.returncode == 0, result.stdout[-8000:]


@pytest.mark.parametrize("device_filters", VARIANTS["device_filters"])
def test_device_modules(sim, tmp_path, device_filters):
    sim.variants(device_filters=device_filters)
    result = run_playbook(os.path.join(TARGETS, "devices.yml"), sim, {"token_cache_path": str(tmp_path / "t.json")},
                          args=["--diff"])
    assert_ok(result)
    stats = sim.stats()
    assert stats["state"]["devices"] == 1
    # The playbook resets the counters after its first task logged in: every later task reused that token.
    assert stats.get("token_requests", 0) == 0


def test_device_sync_module(sim, tmp_path):
    csv_path = tmp_path / "sales.csv"
    csv_path.write_text("email,name,number,groups\n" + "".join(
        "u%d@corp.example.com,User u%d,,\n" % (i, i) for i in range(1, 5)) + "new@corp.example.com,New Hire,+15550001,\n")
    result = run_playbook(os.path.join(TARGETS, "sync.yml"), sim, {"csv_path": str(csv_path)})
    assert_ok(result)


def test_sync_500_devices_under_5_percent_faults_ends_with_exactly_500(sim, tmp_path):
    sim.faults(rate_429=0.01, rate_500=0.01, rate_502=0.01, rate_drop=0.01, rate_drop_after_write=0.01,
               retry_after=0, seed=5)
    devices = [{"email": "user%03d@bulk.example.com" % i, "name": "Bulk %d" % i, "groups": ["Bulk"]}
               for i in range(500)]
    playbook = tmp_path / "bulk.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/secops.mobile_security.harmony_mobile:
      gateway_url: "{{ sim_url }}"
      retries: 8
  tasks:
    - secops.mobile_security.hm_group_hierarchy:
        tree: [Bulk]
    - secops.mobile_security.hm_device_sync:
        devices: "{{ devices }}"
        concurrency: 8
      register: first
    - secops.mobile_security.hm_device_sync:
        devices: "{{ devices }}"
      register: second
    - ansible.builtin.assert:
        that:
          - first.summary.added == 500
          - first.summary.failed == 0
          - second is not changed
""")
    devices_file = tmp_path / "devices.json"
    devices_file.write_text(json.dumps({"devices": devices}))
    result = run_playbook(str(playbook), sim, args=["-e", "@" + str(devices_file)])
    assert_ok(result)
    stats = sim.stats()
    assert stats["faults"] > 10, stats
    assert stats["fault_drop_after_write"] > 0, stats
    assert stats["state"]["devices"] == 500
    sim.faults(rate_429=0, rate_500=0, rate_502=0, rate_drop=0, rate_drop_after_write=0)
    emails = [d["email"] for d in sim.all_devices()]
    assert len(emails) == len(set(emails)) == 500


def test_one_device_identity_rule(sim):
    assert sim.variants()["email_match"] == "case-sensitive"
    result = run_playbook(os.path.join(TARGETS, "identity.yml"), sim)
    assert result.returncode == 0, result.stdout[-6000:]
    assert sorted(d["name"] for d in sim.all_devices()) == ["Ana L.", "Ana tablet"]


def test_one_device_add_costs_the_list_read_a_post_and_one_round_after(sim, tmp_path):
    """One hm_device add on a 450-device tenant: 5 list pages, the POST, then the count and the new record
    side by side. No count before the add (the read already gave it) and nothing sent twice."""
    sim.seed(devices=450, rng_seed=3)
    playbook = tmp_path / "one.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_device:
        gateway_url: "{{ sim_url }}"
        email: one@add.example.com
        name: One add
      register: added
    - ansible.builtin.assert:
        that:
          - added is changed
          - added.device.email == 'one@add.example.com'
          - added.device.id | length > 0
""")
    sim.reset_stats()
    result = run_playbook(str(playbook), sim)
    assert_ok(result)
    stats = sim.stats()
    assert stats["state"]["devices"] == 451
    assert stats["writes"] == 1
    routes = stats["by_route"]
    # 5 pages of the list, 1 one-item page for the count after the add, 1 GET of the new record.
    assert sum(n for route, n in routes.items() if route.startswith("GET")) == 7, routes
    assert stats["requests"] == 8 + stats.get("token_requests", 0), stats


def test_deleting_a_users_devices_by_email_deletes_each_checked_device_by_id(sim, tmp_path):
    api = "/app/SBM/external_api"
    for name, email in (("Ana phone", "Ana@Example.com"), ("Ana tablet", "ana@example.com"), ("Bo", "bo@example.com")):
        sim.api("POST", api + "/v2/device/", json={"name": name, "email": email})
    playbook = tmp_path / "delete.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_device:
        gateway_url: "{{ sim_url }}"
        email: ana@EXAMPLE.com
        state: absent
      register: gone
    - ansible.builtin.assert:
        that: gone.deleted | length == 2
""")
    sim.reset_stats()
    result = run_playbook(str(playbook), sim)
    assert_ok(result)
    writes = sim.stats()["writes_by_route"]
    # Never call 10 (DELETE ?user_email=): a service ignoring that filter would delete the whole tenant.
    assert writes == {"DELETE /app/sbm/external_api/v1/device/{id}": 2}
    assert [d["email"] for d in sim.all_devices()] == ["bo@example.com"]
