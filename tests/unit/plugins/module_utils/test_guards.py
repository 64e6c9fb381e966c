"""The one delete guard: every planned delete counted once, the same words for devices and groups."""


import re

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import guards
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


def test_more_deletes_than_max_deletes_allows_are_refused_naming_them():
    with pytest.raises(UserError) as err:
        guards.check_deletes(["a (id 1)", "b (id 2)", "c (id 3)"], 10, "2", "devices", "purge_groups (Sales)")
    assert str(err.value).startswith("max_deletes: the run would delete 3 of the 10 devices in purge_groups (Sales) "
                                     "(a (id 1), b (id 2), c (id 3)), more than max_deletes 2 allows (2)")
    guards.check_deletes(["a", "b"], 10, "2", "devices", "purge_groups (Sales)")
    guards.check_deletes(["a"] * 50, 10, "all", "devices", "purge_groups (Sales)")


def test_an_empty_desired_list_with_purge_is_refused_unless_all():
    with pytest.raises(UserError, match=r"^tree: empty with purge: true, which would delete all 1 groups in the tenant"):
        guards.check_deletes(["ALL/Old"], 4, "100%", "groups", "the tenant", desired_field="tree", desired_count=0)
    guards.check_deletes(["ALL/Old"], 4, "all", "groups", "the tenant", desired_field="tree", desired_count=0)
    # Without a desired list (identical copies only) an empty list is no reason to refuse.
    guards.check_deletes(["a"], 4, "100%", "devices", "identical copies", desired_count=0)


def test_a_percentage_means_what_it_says_and_bad_values_name_the_option():
    assert guards.max_deletes_allowed("0%", 1000) == 0
    assert guards.max_deletes_allowed("50%", 100) == 50
    assert guards.max_deletes_allowed("29%", 100) == 29  # exact: no float rounding down to 28
    assert guards.max_deletes_allowed("12.5%", 16) == 2
    assert guards.max_deletes_allowed("100%", 5) == 5
    with pytest.raises(UserError, match=r"^max_deletes: 'a few' is not a count"):
        guards.max_deletes_allowed("a few", 3)
    for bad in ("nan%", "inf%", "-1%", "101%"):
        with pytest.raises(UserError, match=r"^max_deletes: '%s' is not a count" % re.escape(bad)):
            guards.max_deletes_allowed(bad, 3)


def test_the_floor_is_its_own_option_and_never_allows_a_whole_small_scope():
    # 20% of 3 is 0.6: the floor of 1 lets one of them go, never all of them, and a scope of one keeps its one.
    assert guards.max_deletes_allowed("20%", 3) == 1
    assert guards.max_deletes_allowed("20%", 3, floor=5) == 2
    assert guards.max_deletes_allowed("20%", 1, floor=5) == 0
    assert guards.max_deletes_allowed("20%", 3, floor=0) == 0
    # Deletes the task names itself (state=absent, recreate) may take the last one under the floor.
    assert guards.max_deletes_allowed("20%", 1, named=True) == 1
    assert guards.max_deletes_allowed("20%", 3, floor=5, named=True) == 3
    # "0%" is none whatever the floor; a count is that count.
    assert guards.max_deletes_allowed("0%", 3, floor=5) == 0
    assert guards.max_deletes_allowed("3", 3, floor=0) == 3
    with pytest.raises(UserError, match=r"^max_deletes_floor: -1 is not a count"):
        guards.max_deletes_allowed("20%", 3, floor=-1)


class RecordingClient:
    def __init__(self):
        self.deleted_devices, self.deleted_groups = [], []

    def delete_device(self, device_id):
        self.deleted_devices.append(device_id)
        return True

    def delete_group(self, group_id):
        self.deleted_groups.append(group_id)
        return True


def planned(count):
    return [(str(i), "u%d@x.com (id %d)" % (i, i)) for i in range(count)]


def test_zero_percent_deletes_nothing():
    client = RecordingClient()
    gate = guards.DeleteGate(client, "devices", {"max_deletes": "0%", "max_deletes_floor": 5})
    with pytest.raises(UserError, match=r"^max_deletes: the run would delete 1 of the 500 devices in the tenant "):
        gate.admit(planned(1), 500, "the tenant")
    with pytest.raises(RuntimeError, match="not admitted"):
        gate.delete_admitted("0")
    assert client.deleted_devices == []


def test_five_of_five_is_refused_by_default_and_allowed_with_all():
    client = RecordingClient()
    gate = guards.DeleteGate(client, "devices", {"max_deletes": "20%", "max_deletes_floor": None})
    with pytest.raises(UserError) as err:
        gate.admit(planned(5), 5, "purge_groups (Field)", desired_field="devices", desired_count=3)
    assert "would delete 5 of the 5 devices in purge_groups (Field)" in str(err.value)
    assert "allows (1: 20% of 5 rounded down, at least max_deletes_floor 1 but never all 5)" in str(err.value)
    # The old floor of 5 is an option now, and still never lets a percentage empty the scope.
    with pytest.raises(UserError, match="allows \\(4"):
        guards.DeleteGate(client, "devices", {"max_deletes": "20%", "max_deletes_floor": 5}).admit(
            planned(5), 5, "purge_groups (Field)")
    gate = guards.DeleteGate(client, "devices", {"max_deletes": "all"})
    gate.admit(planned(5), 5, "purge_groups (Field)")
    assert [gate.delete_admitted(i) for i in ("0", "1", "2", "3", "4")] == [True] * 5
    assert client.deleted_devices == ["0", "1", "2", "3", "4"]


def test_the_gate_deletes_only_what_it_admitted_once_and_each_once():
    client = RecordingClient()
    gate = guards.DeleteGate(client, "groups", {"max_deletes": "all"})
    gate.admit([(7, "ALL/Old")], 4, "the tenant")
    with pytest.raises(RuntimeError, match="admitted once"):
        gate.admit([(8, "ALL/Other")], 4, "the tenant")
    with pytest.raises(RuntimeError, match="groups 8 was not admitted"):
        gate.delete_admitted(8)
    assert gate.delete_admitted(7) is True
    with pytest.raises(RuntimeError, match="deleted once per run"):
        gate.delete_admitted("7")
    assert client.deleted_groups == [7] and client.deleted_devices == []


def test_copies_are_their_own_count_and_never_a_device_older_than_the_run_or_the_one_kept():
    client = RecordingClient()
    gate = guards.DeleteGate(client, "devices", {"max_deletes": "0"})
    gate.admit([], 10, "the tenant")
    assert gate.delete_copy("12", known_ids=["3"], keep_id="11") is True
    for device_id, keep in (("3", "11"), ("11", "11")):
        with pytest.raises(RuntimeError, match="not a copy"):
            gate.delete_copy(device_id, known_ids=["3"], keep_id=keep)
    assert gate.duplicates_removed == ["12"] and client.deleted_devices == ["12"]


class UnderCountingClient:
    """A tenant whose group filter's ``total_count`` says 0 while the records say otherwise."""

    def __init__(self, records):
        self.records = records
        self.filters = []

    def device_count(self, *args, **kwargs):
        return 0

    def list_devices(self, filters=None, page_map=None, **kwargs):
        # The group filter is ignored, as a service may: every record comes back.
        self.filters.append(filters)
        return page_map(self.records) if page_map else self.records


def test_the_devices_of_the_groups_to_delete_are_counted_on_the_records_never_from_a_total():
    groups = [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}, {"id": 3, "name": "C"}]
    records = [{"internal_id": str(i), "email": "u%d@x.com" % i, "groups": [{"id": group, "name": "BC"[group - 2]}]}
               for i, group in enumerate((2, 2, 2, 2, 3))]
    client = UnderCountingClient(records)
    assert Tenant(client).device_counts(groups) == {"A": 0, "B": 4, "C": 1}
    # One read, asking for those groups' devices only (a tenant of 20,000 is not read to delete an empty group).
    assert client.filters == [{"groups__in": "1,2,3"}]
    with pytest.raises(UserError) as err:
        guards.refuse_groups_holding_devices(Tenant(UnderCountingClient(records)), groups, False, "purge")
    assert str(err.value).startswith("purge: these groups still hold devices: B (4), C (1); nothing was changed.")
    assert "force: true" in str(err.value)
    guards.refuse_groups_holding_devices(None, groups, True, "purge")  # force: nothing is read
