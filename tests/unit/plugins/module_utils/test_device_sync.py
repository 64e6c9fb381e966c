"""Device sync planning, including a property test: plan + apply reaches the desired state, replan is empty."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.secops.mobile_security.plugins.module_utils import (
    bulk, device_copies, device_plan, device_state, device_sync, guards)
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import email_key
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError

GROUPS = ["A", "B", "C"]
EMAILS = ["u%d@example.com" % i for i in range(15)]


def device(device_id, email, name, groups, number=None):
    return {"id": str(device_id), "email": email, "name": name, "groups": sorted(groups), "number": number}


def entry(email, name, groups, number=None):
    return {"email": email, "name": name, "groups": groups, "number": number}


def test_plan_adds_keeps_reports_drift_and_purges_only_in_scope():
    current = [device(1, "a@x.com", "A", ["A"]), device(2, "b@x.com", "B", ["A"]),
               device(3, "c@x.com", "C", ["B"]), device(4, "d@x.com", "D", ["C"])]
    desired = [entry("A@x.com", "A", ["A"]), entry("b@x.com", "B", ["B"]), entry("e@x.com", "E", ["A"])]
    ops = device_plan.plan(current, desired, purge=True, purge_groups=["B"])
    actions = {(op["action"], op["email"]) for op in ops}
    assert actions == {("unchanged", "A@x.com"), ("drift", "b@x.com"), ("add", "e@x.com"), ("delete", "c@x.com")}
    reported = [op for op in ops if op["action"] != "unchanged"]
    assert bulk.summary(reported, device_plan.ITEM_ACTIONS, 1) == {
        "added": 1, "deleted": 1, "recreated": 0, "drifted": 1, "unchanged": 1, "failed": 0}


def test_recreate_keeps_number_the_entry_does_not_give():
    current = [device(1, "a@x.com", "A", ["A"], "+1555")]
    ops = device_plan.plan(current, [entry("a@x.com", "A", ["B"])], recreate=True)
    assert ops[0]["action"] == "recreate" and ops[0]["entry"]["number"] == "+1555"


def test_duplicate_emails_are_found_case_insensitively():
    dups = device_plan.duplicate_emails([entry("a@x.com", "A", None), entry("b@x.com", "B", None),
                                         entry("A@X.com", "C", None)])
    assert dups == {"a@x.com": [0, 2]}


class FakeClient:
    """One tenant that several runs share."""

    def __init__(self, devices, in_doubt=0):
        self.devices = list(devices)
        self.in_doubt_writes = in_doubt
        self.deleted = []
        self.list_reads = 0

    def device_count(self):
        return len(self.devices)

    def list_devices(self, page_map=None):
        self.list_reads += 1
        records = [{"internal_id": d["id"], "email": d["email"], "name": d["name"],
                    "groups": [{"id": 1, "name": g} for g in d["groups"]], "number": d.get("number"), "status": "0"}
                   for d in self.devices]
        return page_map(records) if page_map else records

    def delete_device(self, device_id):
        before = len(self.devices)
        self.devices = [d for d in self.devices if d["id"] != device_id]
        self.deleted.append(device_id)
        return len(self.devices) < before


def copies_gate(client):
    """The gate a run holds after admitting its planned deletes (none): copies go through ``delete_copy``."""
    gate = guards.DeleteGate(client, "devices", {"max_deletes": "0"})
    gate.admit([], len(client.devices), "the tenant")
    return gate


def test_copies_from_writes_in_doubt_keep_the_lowest_id():
    client = FakeClient([device(5, "a@x.com", "A", []), device(9, "a@x.com", "A", []), device(7, "a@x.com", "A", []),
                         device(3, "b@x.com", "B", []), device(4, "b@x.com", "B", [])], in_doubt=1)
    adds = [(entry("a@x.com", "A", None), []), (entry("b@x.com", "B", None), ["3"])]
    removed = device_copies.verify_adds(Tenant(client), copies_gate(client), adds, 0, sleep=lambda s: None)
    assert sorted(removed) == ["7", "9"]
    assert sorted(d["id"] for d in client.devices) == ["3", "4", "5"]  # b's 3 was there before this run


def test_two_runs_adding_the_same_devices_converge_on_one_copy_each():
    # Runs A and B read an empty tenant, then both added a@ and b@: A got 1 and 4, B got 2 and 3.
    client = FakeClient([device(1, "a@x.com", "A", ["G"]), device(2, "A@X.com", "A", ["G"]),
                         device(3, "b@x.com", "B", ["G"]), device(4, "b@x.com", "B", ["G"])])
    wanted = [entry("a@x.com", "A", ["G"]), entry("b@x.com", "B", ["G"])]
    removed_by_a = device_copies.verify_adds(Tenant(client), copies_gate(client), [(wanted[0], []), (wanted[1], [])], 0)
    removed_by_b = device_copies.verify_adds(Tenant(client), copies_gate(client), [(wanted[0], []), (wanted[1], [])], 0)
    assert sorted(removed_by_a) == ["2", "4"] and removed_by_b == []
    assert sorted(d["id"] for d in client.devices) == ["1", "3"]


def test_when_the_count_is_what_this_run_expects_no_list_is_read():
    client = FakeClient([device(1, "a@x.com", "A", ["G"]), device(2, "b@x.com", "B", ["G"])])
    wanted = [(entry("b@x.com", "B", ["G"]), [])]
    assert device_copies.verify_adds(Tenant(client), copies_gate(client), wanted, 0, expected_total=2) == []
    assert client.list_reads == 0
    # Another run added the same user meanwhile: the count is off, so the whole list is checked.
    client.devices.append(device(3, "b@x.com", "B", ["G"]))
    assert device_copies.verify_adds(Tenant(client), copies_gate(client), wanted, 0, expected_total=2) == ["3"]
    assert client.list_reads == 1
    # A write that got no answer may land late: never trust the count then.
    doubtful = FakeClient([device(1, "a@x.com", "A", ["G"])], in_doubt=1)
    device_copies.verify_adds(Tenant(doubtful), copies_gate(doubtful), [(entry("a@x.com", "A", ["G"]), [])], 0,
                              sleep=lambda s: None, expected_total=1)
    assert doubtful.list_reads == 1


def test_devices_that_differ_or_were_there_before_are_never_removed():
    client = FakeClient([device(1, "a@x.com", "A", ["G"]), device(2, "a@x.com", "A", ["H"]),
                         device(3, "a@x.com", "A2", ["G"]), device(4, "a@x.com", "A", ["G"])])
    removed = device_copies.verify_adds(Tenant(client), copies_gate(client),
                                        [(entry("a@x.com", "A", ["G"]), ["1"])], 0)
    assert removed == [] and len(client.devices) == 4


def test_identical_unregistered_copies_are_reported():
    current = [dict(device(1, "a@x.com", "A", ["G"]), status_code=0), dict(device(2, "A@x.com", "A", ["G"]), status_code=0),
               dict(device(3, "b@x.com", "B", ["G"]), status_code=1), dict(device(4, "b@x.com", "B", ["G"]), status_code=1),
               dict(device(5, "c@x.com", "C", ["G"]), status_code=0), dict(device(6, "c@x.com", "C", ["H"]), status_code=0)]
    assert [[d["id"] for d in copies] for copies in device_copies.identical_copies(current)] == [["1", "2"]]


devices_strategy = st.lists(
    st.tuples(st.sampled_from(EMAILS), st.sampled_from(["N1", "N2"]), st.lists(st.sampled_from(GROUPS), min_size=1,
                                                                               max_size=2, unique=True)),
    max_size=20)


@settings(max_examples=300, deadline=None)
@given(current_raw=devices_strategy, desired_raw=devices_strategy, purge=st.booleans(), recreate=st.booleans())
def test_plan_then_apply_reaches_desired_and_replans_empty(current_raw, desired_raw, purge, recreate):
    current = [device(i + 1, email, name, groups) for i, (email, name, groups) in enumerate(current_raw)]
    desired, seen = [], set()
    for email, name, groups in desired_raw:
        if email_key(email) not in seen:
            seen.add(email_key(email))
            desired.append(entry(email, name, groups))
    ops = device_plan.plan(current, desired, purge=purge, purge_groups=GROUPS, recreate=recreate)
    after = device_plan.apply_to_model(current, ops)
    by_email = {}
    for d in after:
        by_email.setdefault(email_key(d["email"]), []).append(d)
    for wanted in desired:
        found = by_email.get(email_key(wanted["email"]), [])
        assert found, wanted
        if recreate:
            assert any(d["name"] == wanted["name"] and d["groups"] == sorted(wanted["groups"]) for d in found)
    if purge:
        # every device left is wanted, and each wanted email has exactly one device
        assert set(by_email) == seen
        assert all(len(v) == 1 for v in by_email.values())
    replanned = device_plan.plan(after, desired, purge=purge, purge_groups=GROUPS, recreate=recreate)
    writes = [op for op in replanned if op["action"] in device_plan.WRITE_ACTIONS]
    assert writes == []


class FakeModule:
    """What DeviceState and TenantSync take from a module: its options, result, diff and connection."""

    def __init__(self, params, tenant, client, check_mode=False):
        self.params = params
        self.check_mode = check_mode
        self.module = self
        self.warnings = []
        self.result = {"changed": False}
        self.diff = None
        self.tenant = tenant
        self.client = client

    def warn(self, message):
        self.warnings.append(message)

    def set_diff(self, before, after):
        self.diff = (before, after)


class FailingWrites(FakeClient):
    """A tenant whose adds fail, or whose deletes fail."""

    def __init__(self, devices, fail_adds=False, fail_deletes=False):
        super().__init__(devices)
        self.fail_adds, self.fail_deletes = fail_adds, fail_deletes

    def list_groups(self):
        return [{"id": 1, "name": "Global", "parent": None}, {"id": 2, "name": "A", "parent": {"id": 1}},
                {"id": 3, "name": "B", "parent": {"id": 1}}]

    def add_device(self, *args, **kwargs):
        raise ApiError("HTTP 500 on the add", "POST", "/v2/device/", 500)

    def delete_device(self, device_id):
        if self.fail_deletes:
            raise ApiError("HTTP 500 on the delete", "DELETE", "/v1/device/%s/" % device_id, 500)
        return super().delete_device(device_id)


def device_options(**options):
    return dict({"email": "a@x.com", "name": "A", "number": None, "groups": None, "send_reg_email": None,
                 "send_reg_sms": None, "recreate": False, "additional_device": False, "planned_groups": [],
                 "run_plan": None, "device_id": None, "state": "present", "max_deletes": "20%"}, **options)


def test_a_recreate_whose_add_fails_still_reports_the_drift_and_the_change():
    # The delete went through, the add did not: the failed result must say the device changed.
    client = FailingWrites([device(1, "a@x.com", "A", ["A"])])
    module = FakeModule(device_options(groups=["B"], recreate=True), Tenant(client), client)
    with pytest.raises(ApiError, match="on the add"):
        device_state.DeviceState(module).present()
    assert module.result["changed"] is True and module.result["drift"] == ["groups"]
    assert client.deleted == ["1"] and module.diff is not None


def test_a_delete_that_fails_still_reports_what_it_meant_to_delete():
    client = FailingWrites([device(1, "a@x.com", "A", ["A"])], fail_deletes=True)
    module = FakeModule(device_options(state="absent"), Tenant(client), client)
    with pytest.raises(ApiError, match="on the delete"):
        device_state.DeviceState(module).absent()
    assert module.result["changed"] is True and module.result["deleted"] == ["1"]


def test_a_sync_refused_by_the_delete_guard_still_reports_the_copies_it_found():
    copies = [dict(device(i, "a@x.com", "A", ["A"]), status="0") for i in (1, 2, 3)]
    client = FailingWrites(copies)
    options = {"purge": False, "purge_groups": None, "purge_subgroups": True, "recreate": False,
               "remove_duplicates": True, "max_deletes": "0", "allow_partial": False, "planned_groups": [],
               "run_plan": None, "send_reg_email": None, "send_reg_sms": None}
    module = FakeModule(options, Tenant(client), client)
    with pytest.raises(UserError, match="max_deletes"):
        device_sync.TenantSync(module).run(["devices[0]"], [entry("a@x.com", "A", ["A"])])
    assert [found["email"] for found in module.result["duplicates"]] == ["a@x.com"]
    assert client.deleted == []


class NoConnection(FakeModule):
    """A module whose connection must not be used: the input is checked first."""

    @property
    def tenant(self):
        raise AssertionError("the connection was used before the input was checked")

    @tenant.setter
    def tenant(self, value):
        pass

    client = tenant


def test_bad_input_is_refused_before_any_connection_is_made():
    module = NoConnection(device_options(state="absent", email="not-an-email"), None, None)
    with pytest.raises(UserError, match="not-an-email"):
        device_state.DeviceState(module).absent()
    module = NoConnection(device_options(email="also bad"), None, None)
    with pytest.raises(UserError, match="also bad"):
        device_state.DeviceState(module).present()


def sync_options(**options):
    return dict({"purge": False, "purge_groups": None, "purge_subgroups": True, "recreate": False,
                 "remove_duplicates": False, "max_deletes": "20%", "allow_partial": False, "planned_groups": [],
                 "run_plan": None, "send_reg_email": None, "send_reg_sms": None}, **options)


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_recreate_of_a_reshuffled_groups_column_is_counted_by_the_delete_guard(check_mode):
    # Every recreate deletes a registered phone first: 50 of them with max_deletes 5 must write nothing.
    client = FailingWrites([device(i, "u%d@x.com" % i, "U%d" % i, ["A"]) for i in range(50)])
    module = FakeModule(sync_options(recreate=True, max_deletes="5"), Tenant(client), client, check_mode)
    with pytest.raises(UserError, match=r"max_deletes: the run would delete 50 .*u0@x\.com \(id 0, recreate\)"):
        device_sync.TenantSync(module).run(["devices[%d]" % i for i in range(50)],
                                           [entry("u%d@x.com" % i, "U%d" % i, ["B"]) for i in range(50)])
    assert client.deleted == []
    # A refused run returns the items it refused, none with a result (docs/conventions.md, "Bulk modules").
    refused = module.result["devices"]
    assert sorted((item["action"], item["device_id"]) for item in refused) == sorted(
        ("recreate", str(i)) for i in range(50))
    assert not any("result" in item or "entry" in item for item in refused)


def test_a_recreate_within_the_guard_still_goes_through():
    client = FailingWrites([device(i, "u%d@x.com" % i, "U%d" % i, ["A"]) for i in range(50)])
    module = FakeModule(sync_options(recreate=True, max_deletes="5"), Tenant(client), client, check_mode=True)
    device_sync.TenantSync(module).run(["devices[0]"], [entry("u0@x.com", "U0", ["B"])])
    assert module.result["summary"]["recreated"] == 1


def test_absent_by_email_counts_every_device_of_that_user():
    client = FailingWrites([device(i, "shared@x.com", "Phone %d" % i, ["A"]) for i in range(7)])
    module = FakeModule(device_options(state="absent", email="Shared@X.com", name=None), Tenant(client), client)
    with pytest.raises(UserError, match="would delete 7 of the 7 devices"):
        device_state.DeviceState(module).absent()
    assert client.deleted == [] and module.result["changed"] is False
    module = FakeModule(device_options(state="absent", email="shared@x.com", name=None, max_deletes="all"), Tenant(client), client)
    device_state.DeviceState(module).absent()
    assert sorted(client.deleted) == [str(i) for i in range(7)]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_single_recreate_is_a_delete_for_the_guard(check_mode):
    client = FailingWrites([device(1, "a@x.com", "A", ["A"])])
    module = FakeModule(device_options(groups=["B"], recreate=True, max_deletes="0"), Tenant(client), client,
                        check_mode)
    with pytest.raises(UserError, match=r"a@x\.com \(id 1, recreate\)"):
        device_state.DeviceState(module).present()
    assert client.deleted == [] and module.result["changed"] is False


class ReadableById(FailingWrites):
    """A tenant that also answers one device by id (call 2), as the service does."""

    def get_device(self, device_id):
        return next((r for r in self.list_devices() if r["internal_id"] == str(device_id)), None)


class RefusingOtherIds(ReadableById):
    """The service answers HTTP 400 for a device id that is not a whole number."""

    def get_device(self, device_id):
        if not str(device_id).isdigit():
            raise ApiError("GET /v1/device_status/%s/ failed (HTTP 400): Invalid value %r for device_id" % (
                device_id, device_id), "GET", status=400)
        return super().get_device(device_id)


def two_users(client_class=None):
    return (client_class or ReadableById)([device(7, "ana@example.com", "Ana work phone", ["A"]),
                                           device(8, "bob@example.com", "Bob tablet", ["A"]),
                                           device(9, "bob@example.com", "Bob phone", ["A"])])


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_delete_by_id_with_another_users_name_and_email_fails_naming_both_and_deletes_nothing(check_mode):
    client = two_users()
    module = FakeModule(device_options(state="absent", device_id="7", email="bob@example.com", name="Bob tablet"),
                        Tenant(client), client, check_mode)
    with pytest.raises(UserError) as err:
        device_state.DeviceState(module).absent()
    message = str(err.value)
    assert message.startswith("device_id: device 7 does not match the name and email given beside it; nothing was "
                              "deleted")
    assert "name given 'Bob tablet', device 7 has 'Ana work phone'" in message
    assert "email given 'bob@example.com', device 7 has 'ana@example.com'" in message
    assert client.deleted == [] and module.result["changed"] is False


def test_a_delete_by_id_whose_name_and_email_match_deletes_it_and_the_email_case_does_not_count():
    client = two_users()
    module = FakeModule(device_options(state="absent", device_id="7", email="Ana@Example.COM", name="Ana work phone"),
                        Tenant(client), client)
    device_state.DeviceState(module).absent()
    assert client.deleted == ["7"] and module.result["deleted"] == ["7"] and module.result["changed"] is True
    # A name differing only in case is another name: refused.
    module = FakeModule(device_options(state="absent", device_id="8", email=None, name="bob tablet"),
                        Tenant(client), client)
    with pytest.raises(UserError, match="name given 'bob tablet', device 8 has 'Bob tablet'"):
        device_state.DeviceState(module).absent()
    assert client.deleted == ["7"]


@pytest.mark.parametrize("options, says", [
    ({"device_id": "77", "email": None, "name": None},
     "Nothing was deleted: no device with device_id 77 exists (closest ids: 7)"),
    ({"email": "bob@example.com", "name": "Bob tablt"},
     "Nothing was deleted: no device of bob@example.com named 'Bob tablt' exists (closest names: 'Bob tablet', "
     "'Bob phone')"),
    ({"email": "bob@exmaple.com", "name": None},
     "Nothing was deleted: no device of bob@exmaple.com exists (closest e-mails: bob@example.com, ana@example.com)"),
    ({"email": "zed@nowhere.org", "name": None},
     "Nothing was deleted: no device of zed@nowhere.org exists (none is close; the tenant holds 3 devices)"),
    ({"device_id": "99999", "email": None, "name": None},
     "Nothing was deleted: no device with device_id 99999 exists (none is close; the tenant holds 3 devices)"),
])
def test_absent_on_a_device_that_is_not_there_changes_nothing_and_says_so(options, says):
    client = two_users()
    module = FakeModule(device_options(state="absent", **options), Tenant(client), client)
    device_state.DeviceState(module).absent()
    assert module.result["changed"] is False and module.result["deleted"] == [] and client.deleted == []
    assert module.result["msg"] == says


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_with_a_device_id_that_is_not_a_number_deletes_nothing_and_names_the_closest_ids(check_mode):
    """1O (letter O) typed for 10: the service refuses such an id with HTTP 400; the task says nothing was
    deleted and names the id meant first, instead of failing with the service's error."""
    client = two_users(RefusingOtherIds)
    client.devices.append(device(10, "cy@example.com", "Cy phone", ["A"]))
    module = FakeModule(device_options(state="absent", device_id="1O", email=None, name=None), Tenant(client), client, check_mode)
    device_state.DeviceState(module).absent()
    assert module.result["changed"] is False and module.result["deleted"] == [] and client.deleted == []
    assert module.result["msg"] == "Nothing was deleted: no device with device_id 1O exists (closest ids: 10)"
