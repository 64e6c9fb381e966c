"""Diffs a reviewer cannot misread: each object that appears, disappears or differs, with old and new values."""

from ansible_collections.secops.mobile_security.plugins.module_utils import device_plan, diffs, group_tree

CURRENT = [
    {"id": "1", "email": "bob@example.com", "name": "Bob", "number": None, "groups": ["Sales"]},
    {"id": "2", "email": "carol@example.com", "name": "Carol", "number": None, "groups": ["Field"]},
    {"id": "3", "email": "dan@example.com", "name": "Dan", "number": None, "groups": ["Sales"]},
]


def entry(email, name, groups):
    return {"email": email, "name": name, "number": None, "groups": groups}


def test_purge_drift_and_add_read_as_git_diff_readers_expect():
    desired = [entry("carol@example.com", "Carol", ["Presales"]), entry("dan@example.com", "Dan", ["Sales"]),
               entry("eve@example.com", "Eve", ["Field"])]
    ops = device_plan.plan(CURRENT, desired, purge=True, purge_groups=["Sales", "Field"])
    shown = [op for op in ops if op["action"] != "unchanged"]
    before, after = diffs.devices_diff(CURRENT, shown, 3, 3)
    # A deletion: present before, absent after.
    assert before["devices"]["bob@example.com"] == {"id": "1", "name": "Bob", "number": None, "groups": ["Sales"]}
    assert "bob@example.com" not in after["devices"]
    # Drift left as it is: the same on both sides, plus the old and the new value.
    assert before["devices"]["carol@example.com"]["groups"] == ["Field"]
    assert after["devices"]["carol@example.com"]["groups"] == ["Field"]
    assert after["devices"]["carol@example.com"]["drift"] == ["groups: Field -> Presales (needs recreate=true)"]
    # An added device shows its groups.
    assert after["devices"]["eve@example.com"] == {"name": "Eve", "number": None, "groups": ["Field"]}
    assert "eve@example.com" not in before["devices"] and "dan@example.com" not in before["devices"]


def test_a_recreate_shows_old_and_new_values():
    ops = device_plan.plan(CURRENT, [entry("carol@example.com", "Carol", ["Presales"])], recreate=True)
    before, after = diffs.devices_diff(CURRENT, ops, 3, 3)
    assert before["devices"]["carol@example.com"]["groups"] == ["Field"]
    assert after["devices"]["carol@example.com"]["groups"] == ["Presales"]


def test_a_second_device_of_a_user_is_named_by_its_id():
    current = CURRENT + [{"id": "9", "email": "dan@example.com", "name": "Dan tablet", "number": None,
                          "groups": ["Sales"]}]
    ops = device_plan.plan(current, [entry("dan@example.com", "Dan", ["Sales"])], purge=True, purge_groups=["Sales"])
    before, _after = diffs.devices_diff(current, [op for op in ops if op["action"] == "delete"], 4, 2)
    assert sorted(before["devices"]) == ["bob@example.com", "dan@example.com (id 9)"]


def test_group_diff_keys_groups_by_name_with_their_paths():
    current = [{"id": 1, "name": "ALL", "parent_id": None}, {"id": 2, "name": "Sales", "parent_id": 1},
               {"id": 3, "name": "Field", "parent_id": 2}, {"id": 4, "name": "Old", "parent_id": 1}]
    ops = group_tree.plan(current, group_tree.flatten([{"name": "Ops", "children": ["Field"]}, "Sales"]), purge=True)
    before, after = diffs.groups_diff(ops, 3, 3)
    assert before == {"count": 3, "groups": {"Field": {"path": "ALL/Sales/Field"}, "Old": {"path": "ALL/Old"}}}
    assert after == {"count": 3, "groups": {"Field": {"path": "ALL/Ops/Field"}, "Ops": {"path": "ALL/Ops"}}}


def test_a_purge_of_a_user_with_two_devices_shows_both():
    current = CURRENT + [{"id": "4", "email": "Bob@Example.com", "name": "Bob tablet", "number": None,
                          "groups": ["Sales"]}]
    ops = device_plan.plan(current, [entry("dan@example.com", "Dan", ["Sales"])], purge=True, purge_groups=["Sales"])
    deletes = [op for op in ops if op["action"] == "delete"]
    before, after = diffs.devices_diff(current, deletes, 4, 2)
    assert sorted(before["devices"]) == ["Bob@Example.com (id 4)", "bob@example.com (id 1)"]
    assert after["devices"] == {}


def test_a_purge_of_devices_without_an_e_mail_names_each_by_its_id():
    # A record the service holds without an e-mail (enrolled by MDM, say) is purged like any other; its diff
    # line must not take another's place, nor fail the task.
    current = CURRENT + [{"id": "7", "email": None, "name": "Kiosk", "number": None, "groups": ["Sales"]},
                         {"id": "8", "email": "", "name": "Kiosk 2", "number": None, "groups": ["Sales"]}]
    ops = device_plan.plan(current, [entry("dan@example.com", "Dan", ["Sales"])], purge=True, purge_groups=["Sales"])
    before, after = diffs.devices_diff(current, [op for op in ops if op["action"] == "delete"], 5, 2)
    assert sorted(before["devices"]) == ["(no e-mail) (id 7)", "(no e-mail) (id 8)", "bob@example.com"]
    assert before["devices"]["(no e-mail) (id 7)"]["name"] == "Kiosk"
    assert after["devices"] == {}


def test_one_user_written_with_spaces_around_is_still_one_user_in_the_diff():
    current = CURRENT + [{"id": "4", "email": " Bob@Example.com ", "name": "Bob tablet", "number": None,
                          "groups": ["Sales"]}]
    ops = device_plan.plan(current, [entry("dan@example.com", "Dan", ["Sales"])], purge=True, purge_groups=["Sales"])
    before, _after = diffs.devices_diff(current, [op for op in ops if op["action"] == "delete"], 4, 2)
    assert sorted(before["devices"]) == [" Bob@Example.com  (id 4)", "bob@example.com (id 1)"]
