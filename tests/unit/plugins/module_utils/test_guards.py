"""The one delete guard: every planned delete counted once, the same words for devices and groups."""


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


def test_a_percentage_never_blocks_five_deletes_and_bad_values_name_the_option():
    assert guards.max_deletes_allowed("20%", 3) == 5
    assert guards.max_deletes_allowed("50%", 100) == 50
    with pytest.raises(UserError, match=r"^max_deletes: 'a few' is not a count"):
        guards.max_deletes_allowed("a few", 3)


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
