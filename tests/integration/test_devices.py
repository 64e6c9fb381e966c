"""Integration: device modules over real HTTP against the simulator."""

import json
import os

import pytest

from tests.simulator.variants import VARIANTS
from tests.support import REPO_ROOT, run_playbook, sim_play

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
    sim_play(playbook, """
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
""", defaults=["retries: 8"])
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
        max_deletes: 2
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


def add_devices(sim, named):
    """Devices added through the API, in order; returns their ids."""
    return [sim.api("POST", "/app/SBM/external_api/v2/device/", json={"name": name, "email": email})["device_id"]
            for name, email in named]


def test_absent_by_id_checks_the_name_and_email_given_and_says_what_did_not_happen(sim, tmp_path):
    """Issue 34: device_id 7 is Ana's "Ana work phone"; a task giving it with "Bob tablet" and bob@example.com
    deleted it. Now it fails naming both, in check mode too, and deletes nothing; a device that is not there is no
    change, and the result says that nothing was deleted and which names are closest."""
    fillers = [("Filler %d" % i, "filler%d@example.com" % i) for i in range(1, 7)]
    ids = add_devices(sim, fillers + [("Ana work phone", "ana@example.com"), ("Bob tablet", "bob@example.com")])
    ana_id = ids[6]
    playbook = tmp_path / "identity_checks.yml"
    sim_play(playbook, """
    - name: Device {{ ana_id }} is Ana's, the task says Bob's tablet
      secops.mobile_security.hm_device:
        device_id: "{{ ana_id }}"
        name: Bob tablet
        email: bob@example.com
        state: absent
      register: mismatch
      ignore_errors: true

    - name: The same in check mode
      secops.mobile_security.hm_device:
        device_id: "{{ ana_id }}"
        name: Bob tablet
        email: bob@example.com
        state: absent
      check_mode: true
      register: mismatch_planned
      ignore_errors: true

    - name: Her e-mail in other capitals and her name are hers
      secops.mobile_security.hm_device:
        device_id: "{{ ana_id }}"
        name: Ana work phone
        email: ANA@Example.com
        state: absent
      check_mode: true
      register: matches

    - name: A misspelt name of Bob's
      secops.mobile_security.hm_device:
        email: bob@example.com
        name: Bob tablt
        state: absent
      register: misspelt

    - name: An id that is not there
      secops.mobile_security.hm_device:
        device_id: "99999"
        state: absent
      register: no_id

    - name: An id typed with the letter O for a zero (the service answers HTTP 400 for it)
      secops.mobile_security.hm_device:
        device_id: "1O"
        state: absent
      register: letter_id

    - name: Reading device {{ ana_id }} as Bob's
      secops.mobile_security.hm_device_info:
        device_id: "{{ ana_id }}"
        email: bob@example.com
      register: info_mismatch
      ignore_errors: true

    - name: Reading it as Ana's, in other capitals
      secops.mobile_security.hm_device_info:
        device_id: "{{ ana_id }}"
        email: ANA@Example.com
      register: info_match

    - ansible.builtin.assert:
        that:
          - mismatch is failed and mismatch_planned is failed
          - "'device_id: device {{ ana_id }} does not match the name and email given beside it; nothing was deleted' in mismatch.msg"
          - "\\"name given 'Bob tablet', device {{ ana_id }} has 'Ana work phone'\\" in mismatch.msg"
          - "\\"email given 'bob@example.com', device {{ ana_id }} has 'ana@example.com'\\" in mismatch.msg"
          - mismatch_planned.msg == mismatch.msg
          - matches is changed and matches.deleted == [ana_id]
          - misspelt is not changed and misspelt.deleted == []
          - "misspelt.msg == \\"Nothing was deleted: no device of bob@example.com named 'Bob tablt' exists (closest names: 'Bob tablet')\\""
          - no_id is not changed
          - "no_id.msg == 'Nothing was deleted: no device with device_id 99999 exists (none is close; the tenant holds 8 devices)'"
          - letter_id is not changed and letter_id.deleted == []
          - "letter_id.msg.startswith('Nothing was deleted: no device with device_id 1O exists (closest ids: 1')"
          - info_mismatch is failed and info_mismatch.devices is not defined
          - "'device_id: device {{ ana_id }} does not match the email given beside it; nothing was returned' in info_mismatch.msg"
          - "\\"email given 'bob@example.com', device {{ ana_id }} has 'ana@example.com'\\" in info_mismatch.msg"
          - info_match.count == 1 and info_match.devices[0].id == ana_id
""")
    sim.reset_stats()
    result = run_playbook(str(playbook), sim, {"ana_id": ana_id})
    assert_ok(result)
    assert "DELETE" not in json.dumps(sim.stats().get("writes_by_route", {}))
    names = {d["internal_id"]: d["name"] for d in sim.all_devices()}
    assert names[ana_id] == "Ana work phone" and len(names) == 8


def test_a_percentage_means_what_it_says(sim, tmp_path):
    """A "0%" max_deletes deletes nothing (it allowed 5), and a purge never empties a small scope under a percentage (20% let
    5 of 5 go); only a count or all does."""
    playbook = tmp_path / "percent.yml"
    sim_play(playbook, """
    - secops.mobile_security.hm_group_hierarchy:
        tree: [Field, Office]
    - name: Five devices in Field, one in Office
      secops.mobile_security.hm_device_sync:
        devices: "{{ field + [{'email': 'o0@corp.example.com', 'name': 'O0', 'groups': ['Office']}] }}"

    - name: Purging all five of Field under the default 20%
      secops.mobile_security.hm_device_sync:
        devices: [{email: o0@corp.example.com, name: O0, groups: [Office]}]
        purge: true
        purge_groups: [Field]
      register: five_of_five
      ignore_errors: true

    - name: One delete under 0%
      secops.mobile_security.hm_device_sync:
        devices: "{{ field[:4] }}"
        purge: true
        purge_groups: [Field]
        max_deletes: "0%"
      register: zero_percent
      ignore_errors: true

    - name: One device of one e-mail under 0%
      secops.mobile_security.hm_device:
        email: o0@corp.example.com
        state: absent
        max_deletes: "0%"
      register: zero_percent_one
      ignore_errors: true

    - ansible.builtin.assert:
        that:
          - five_of_five is failed
          - "'would delete 5 of the 5 devices in purge_groups (Field)' in five_of_five.msg"
          - "'never all 5' in five_of_five.msg"
          - zero_percent is failed
          - "'max_deletes 0% allows (0' in zero_percent.msg"
          - zero_percent_one is failed

    - name: With all, the purge goes through
      secops.mobile_security.hm_device_sync:
        devices: [{email: o0@corp.example.com, name: O0, groups: [Office]}]
        purge: true
        purge_groups: [Field]
        max_deletes: all
      register: purged

    - ansible.builtin.assert:
        that: purged.summary.deleted == 5
""")
    field = [{"email": "f%d@corp.example.com" % i, "name": "F%d" % i, "groups": ["Field"]} for i in range(5)]
    result = run_playbook(str(playbook), sim, {"field": field})
    assert_ok(result)
    assert [d["email"] for d in sim.all_devices()] == ["o0@corp.example.com"]
