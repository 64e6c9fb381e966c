"""Groups' state classes with a fake tenant: the delete guard counts a group delete, bad input is refused
before any connection is made, and a hierarchy whose write fails half-way reports what it did."""

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import groups, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant

from tests.unit.plugins.module_utils.test_device_sync import FakeModule, NoConnection

TREE = [{"id": 1, "name": "ALL", "parent": None}, {"id": 2, "name": "Sales", "parent": {"id": 1}},
        {"id": 3, "name": "Field", "parent": {"id": 2}}]


class GroupClient:
    def __init__(self, device_groups=()):
        self.deleted, self.device_groups = [], list(device_groups)

    def list_groups(self):
        return [g for g in TREE if g["id"] not in self.deleted]

    def list_devices(self, filters=None, page_map=None, **kwargs):
        records = [{"internal_id": str(i), "email": "u%d@x.com" % i, "groups": [{"id": g, "name": "?"}]}
                   for i, g in enumerate(self.device_groups)]
        return page_map(records) if page_map else records

    def delete_group(self, group_id):
        self.deleted.append(group_id)
        return True


def group_options(**options):
    return dict({"name": "Field", "parent": None, "new_name": None, "state": "absent", "force": False,
                 "max_deletes": "20%", "max_moves": "empty_groups", "run_plan": None, "planned_groups": []}, **options)


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_group_delete_goes_through_the_delete_guard(check_mode):
    client = GroupClient()
    module = FakeModule(group_options(max_deletes="0"), Tenant(client), client, check_mode)
    with pytest.raises(UserError, match=r"max_deletes: the run would delete 1 of the 2 groups .*ALL/Sales/Field"):
        groups.GroupState(module).run()
    assert client.deleted == [] and module.result["changed"] is False


def test_a_group_that_holds_devices_is_counted_on_the_records():
    client = GroupClient(device_groups=[3, 3])
    module = FakeModule(group_options(), Tenant(client), client)
    with pytest.raises(UserError, match=r"these groups still hold devices: Field \(2\)"):
        groups.GroupState(module).run()
    assert client.deleted == []
    groups.GroupState(FakeModule(group_options(force=True), Tenant(client), client)).run()
    assert client.deleted == [3]


def test_bad_input_is_refused_before_any_connection_is_made():
    with pytest.raises(UserError, match="new_name: 'Other' cannot be used with state=absent"):
        groups.GroupState(NoConnection(group_options(new_name="Other"), None, None)).run()
    with pytest.raises(UserError, match="root group 'ALL'"):
        groups.GroupState(NoConnection(group_options(name="ALL", state="present"), None, None)).run()


def hierarchy_options(tree, **options):
    return dict({"tree": tree, "purge": False, "max_deletes": "20%", "max_moves": "empty_groups", "force": False,
                 "run_plan": None, "planned_groups": []}, **options)


class MovingClient(GroupClient):
    def __init__(self, device_groups=()):
        super().__init__(device_groups)
        self.edits = []

    def list_devices(self, filters=None, page_map=None, **kwargs):
        """Each device in the groups of its entry (an id, or a list of ids)."""
        records = [{"internal_id": str(i), "email": "u%d@x.com" % i,
                    "groups": [{"id": g, "name": "?"} for g in (ids if isinstance(ids, list) else [ids])]}
                   for i, ids in enumerate(self.device_groups)]
        return page_map(records) if page_map else records

    def edit_group(self, group_id, **changes):
        self.edits.append((group_id, changes))


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_move_of_a_group_holding_devices_is_refused_by_default_naming_it_its_paths_and_devices(check_mode):
    # Two devices in Field (one also in Sales: counted once), one elsewhere.
    client = MovingClient(device_groups=[[2, 3], 3, 1])
    module = FakeModule(hierarchy_options(["Field"]), Tenant(client), client, check_mode)
    with pytest.raises(UserError, match=r"max_moves: the run would move Field from ALL/Sales/Field to ALL/Field "
                                        r"\(2 devices change scope\), which already exists elsewhere"):
        groups.GroupHierarchySync(module).run()
    assert client.edits == [] and module.result["operations"][0]["devices"] == 2


def test_an_allowed_move_is_named_with_its_devices_in_operations_diff_and_a_warning():
    client = MovingClient(device_groups=[3])
    module = FakeModule(hierarchy_options(["Field"], max_moves="1"), Tenant(client), client, check_mode=True)
    groups.GroupHierarchySync(module).run()
    move = module.result["operations"][0]
    assert (move["from_path"], move["path"], move["devices"], move["result"]) == (
        "ALL/Sales/Field", "ALL/Field", 1, "planned")
    assert module.diff[0]["groups"]["Field"] == {"path": "ALL/Sales/Field", "devices": 1}
    assert module.diff[1]["groups"]["Field"] == {"path": "ALL/Field", "devices": 1}
    assert module.warnings == ["would move group Field from ALL/Sales/Field to ALL/Field (1 device changes scope)"]
    assert client.edits == []


def test_a_count_bounds_every_move_and_empty_groups_move_under_the_default():
    client = MovingClient()
    with pytest.raises(UserError, match=r"would move 1 groups .*\(0 devices change scope\)\), more than max_moves 0"):
        groups.GroupHierarchySync(FakeModule(hierarchy_options(["Field"], max_moves="0"), Tenant(client),
                                             client)).run()
    module = FakeModule(hierarchy_options(["Field"]), Tenant(client), client)
    groups.GroupHierarchySync(module).run()
    assert client.edits == [(3, {"parent_id": 1})] and module.warnings == []
    assert module.result["summary"]["moved"] == 1


def test_max_moves_is_checked_before_any_connection():
    with pytest.raises(UserError, match=r"max_moves: 'some' is not a count \(1\), empty_groups"):
        groups.GroupHierarchySync(NoConnection(hierarchy_options(["A"], max_moves="some"), None, None)).run()


def test_absent_on_a_missing_group_says_so_naming_the_closest_names():
    client = GroupClient()
    module = FakeModule(group_options(name="Salse"), Tenant(client), client)
    groups.GroupState(module).run()
    assert module.result["changed"] is False and client.deleted == []
    assert module.result["msg"] == ("group 'Salse' does not exist; nothing was deleted. Closest existing group names: "
                                    "Sales")


def test_absent_on_a_name_with_the_letter_o_for_a_zero_names_the_group_meant_first(monkeypatch):
    """"Seed-O" meant "Seed-0"; the message named "Seed-4, Seed-3, Seed-2" and left it out."""
    client = GroupClient()
    seeds = [{"id": 50 + i, "name": "Seed-%d" % i, "parent": {"id": 1}} for i in range(5)]
    monkeypatch.setattr(client, "list_groups", lambda: TREE + seeds)
    module = FakeModule(group_options(name="Seed-O"), Tenant(client), client)
    groups.GroupState(module).run()
    assert module.result["changed"] is False and client.deleted == []
    assert module.result["msg"] == ("group 'Seed-O' does not exist; nothing was deleted. Closest existing group names: "
                                    "Seed-0, Seed-1, Seed-2")


def test_absent_in_check_mode_on_a_group_an_earlier_task_plans_to_create_is_a_planned_delete():
    client = GroupClient()
    plan = run_plan.with_changes(group_options(), True, created={"Salse": "ALL/Salse"})[run_plan.FACT]
    module = FakeModule(group_options(name="Salse", run_plan=plan), Tenant(client), client, check_mode=True)
    groups.GroupState(module).run()
    assert module.result["changed"] is True and client.deleted == []
    assert module.result["msg"] == "would delete group 'Salse', which an earlier task of this run plans to create"
    assert module.diff == ({"name": "Salse", "path": "ALL/Salse"}, None)
    assert run_plan.tenant_plan(dict(group_options(), run_plan=module.result["ansible_facts"][run_plan.FACT]),
                                True)["Salse"]["action"] == "delete"
