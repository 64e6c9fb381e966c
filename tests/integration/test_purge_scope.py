"""Purge scope is explicit: a purge group covers its sub-groups unless purge_subgroups is false, and the plan
shows per group how many devices it holds and how many the purge deletes."""

import json

import pytest

from tests.integration.test_inventory import make_tree
from tests.support import run_playbook, sync_playbook

DEVICES = "/app/SBM/external_api/v2/device/"


# The guide's records; and records without groups from a service whose group filter also answers the devices
# of every group below (membership then comes from those answers: a purge of Corp alone must not reach them).
@pytest.mark.parametrize("variants", [{}, {"device_groups": "absent", "group_filter": "subtree"}])
def test_purge_groups_cover_sub_groups_unless_told_otherwise(sim, tmp_path, variants):
    sim.variants(**variants)
    make_tree(sim, {"Corp": {"Corp-IT": {"Corp-IT-Helpdesk": {}}}, "Other": {}})
    for email, group in (("keep@example.com", "Corp"), ("gone@example.com", "Corp-IT-Helpdesk"),
                         ("outside@example.com", "Other")):
        sim.api("POST", DEVICES, json={"name": email, "email": email, "groups": [group]})
    playbook = sync_playbook(tmp_path / "sync.yml",
                             options=["purge: true", "purge_groups: [Corp]", "max_deletes: all",
                                      'purge_subgroups: "{{ subgroups }}"'],
                             keywords=['check_mode: "{{ plan_only }}"'])

    def sync(plan_only, subgroups):
        out = tmp_path / "out.json"
        extra_vars = {"devices": [{"email": "keep@example.com", "name": "keep@example.com", "groups": ["Corp"]}],
                      "out": str(out), "plan_only": plan_only, "subgroups": subgroups}
        result = run_playbook(playbook, sim, extra_vars=extra_vars, args=["--diff"])
        assert result.returncode == 0, result.stdout[-4000:]
        return json.loads(out.read_text()), result.stdout

    # Only the named group: the Helpdesk device is out of scope, and the plan says so.
    named_only, _output = sync(True, False)
    assert named_only["purge_scope"] == [{"group": "Corp", "groups": ["Corp"], "devices": 1, "deleted": 0}]
    assert named_only["summary"]["deleted"] == 0 and named_only["changed"] is False

    # The default: the whole subtree. Check mode shows the count per group and the user the purge removes.
    planned, shown = sync(True, True)
    assert planned["purge_scope"] == [{"group": "Corp", "groups": ["Corp", "Corp-IT", "Corp-IT-Helpdesk"],
                                       "devices": 2, "deleted": 1}]
    # A deletion reads as git diff readers expect: present before, absent after.
    assert list(planned["diff"]["before"]["devices"]) == ["gone@example.com"]
    assert planned["diff"]["after"]["devices"] == {}
    assert '-        "gone@example.com": {' in shown and '"removed": [' not in shown
    assert [d["email"] for d in planned["devices"]] == ["gone@example.com"]
    assert planned["devices"][0]["result"] == "planned"
    assert len(sim.all_devices()) == 3

    applied, _output = sync(False, True)
    assert applied["summary"]["deleted"] == 1 and applied["devices"][0]["result"] == "ok"
    assert sorted(d["email"] for d in sim.all_devices()) == ["keep@example.com", "outside@example.com"]


def test_a_recreate_of_a_reshuffled_groups_column_is_refused_by_the_delete_guard(sim, tmp_path):
    # A groups column shifted by one row, with recreate: true: every phone would have to register again.
    make_tree(sim, {"Sales": {}, "Field": {}})
    for i in range(50):
        sim.api("POST", DEVICES, json={"name": "User %d" % i, "email": "u%d@example.com" % i, "groups": ["Sales"]})
    before = sorted((d["internal_id"] for d in sim.all_devices()), key=int)
    playbook = sync_playbook(tmp_path / "sync.yml", options=["recreate: true", "max_deletes: 5"])
    reshuffled = [{"email": "u%d@example.com" % i, "name": "User %d" % i, "groups": ["Field"]} for i in range(50)]
    for args in (["--check"], []):
        result = run_playbook(playbook, sim, extra_vars={"devices": reshuffled, "out": str(tmp_path / "o.json")},
                              args=args)
        assert result.returncode != 0, result.stdout[-3000:]
        assert "max_deletes: the run would delete 50 " in result.stdout
        assert "u0@example.com (id %s, recreate)" % before[0] in result.stdout
        assert "nothing was changed" in result.stdout
        assert sorted((d["internal_id"] for d in sim.all_devices()), key=int) == before
