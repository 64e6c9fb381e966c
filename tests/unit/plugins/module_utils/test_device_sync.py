"""Device sync planning, including a property test: plan + apply reaches the desired state, replan is empty."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk, device_sync
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import email_key

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
    ops = device_sync.plan(current, desired, purge=True, purge_groups=["B"])
    actions = {(op["action"], op["email"]) for op in ops}
    assert actions == {("unchanged", "A@x.com"), ("drift", "b@x.com"), ("add", "e@x.com"), ("delete", "c@x.com")}
    reported = [op for op in ops if op["action"] != "unchanged"]
    assert bulk.summary(reported, device_sync.ITEM_ACTIONS, 1) == {
        "added": 1, "deleted": 1, "recreated": 0, "drifted": 1, "unchanged": 1, "failed": 0}


def test_recreate_keeps_number_the_entry_does_not_give():
    current = [device(1, "a@x.com", "A", ["A"], "+1555")]
    ops = device_sync.plan(current, [entry("a@x.com", "A", ["B"])], recreate=True)
    assert ops[0]["action"] == "recreate" and ops[0]["entry"]["number"] == "+1555"


def test_duplicate_emails_are_found_case_insensitively():
    dups = device_sync.duplicate_emails([entry("a@x.com", "A", None), entry("b@x.com", "B", None),
                                         entry("A@X.com", "C", None)])
    assert dups == {"a@x.com": [0, 2]}


class FakeClient:
    """One tenant that several runs share."""

    def __init__(self, devices, in_doubt=0):
        self.devices = list(devices)
        self.in_doubt_writes = in_doubt
        self.deleted = []
        self.list_reads = 0

    def device_count(self, read_all=True):
        assert read_all is False  # verify_adds only ever wants the server's own count
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


def test_copies_from_writes_in_doubt_keep_the_lowest_id():
    client = FakeClient([device(5, "a@x.com", "A", []), device(9, "a@x.com", "A", []), device(7, "a@x.com", "A", []),
                         device(3, "b@x.com", "B", []), device(4, "b@x.com", "B", [])], in_doubt=1)
    adds = [(entry("a@x.com", "A", None), []), (entry("b@x.com", "B", None), ["3"])]
    removed = device_sync.verify_adds(Tenant(client), adds, 0, sleep=lambda s: None)
    assert sorted(removed) == ["7", "9"]
    assert sorted(d["id"] for d in client.devices) == ["3", "4", "5"]  # b's 3 was there before this run


def test_two_runs_adding_the_same_devices_converge_on_one_copy_each():
    # Runs A and B read an empty tenant, then both added a@ and b@: A got 1 and 4, B got 2 and 3.
    client = FakeClient([device(1, "a@x.com", "A", ["G"]), device(2, "A@X.com", "A", ["G"]),
                         device(3, "b@x.com", "B", ["G"]), device(4, "b@x.com", "B", ["G"])])
    wanted = [entry("a@x.com", "A", ["G"]), entry("b@x.com", "B", ["G"])]
    removed_by_a = device_sync.verify_adds(Tenant(client), [(wanted[0], []), (wanted[1], [])], 0)
    removed_by_b = device_sync.verify_adds(Tenant(client), [(wanted[0], []), (wanted[1], [])], 0)
    assert sorted(removed_by_a) == ["2", "4"] and removed_by_b == []
    assert sorted(d["id"] for d in client.devices) == ["1", "3"]


def test_when_the_count_is_what_this_run_expects_no_list_is_read():
    client = FakeClient([device(1, "a@x.com", "A", ["G"]), device(2, "b@x.com", "B", ["G"])])
    wanted = [(entry("b@x.com", "B", ["G"]), [])]
    assert device_sync.verify_adds(Tenant(client), wanted, 0, expected_total=2) == [] and client.list_reads == 0
    # Another run added the same user meanwhile: the count is off, so the whole list is checked.
    client.devices.append(device(3, "b@x.com", "B", ["G"]))
    assert device_sync.verify_adds(Tenant(client), wanted, 0, expected_total=2) == ["3"] and client.list_reads == 1
    # A write that got no answer may land late: never trust the count then.
    doubtful = FakeClient([device(1, "a@x.com", "A", ["G"])], in_doubt=1)
    device_sync.verify_adds(Tenant(doubtful), [(entry("a@x.com", "A", ["G"]), [])], 0, sleep=lambda s: None,
                            expected_total=1)
    assert doubtful.list_reads == 1


def test_devices_that_differ_or_were_there_before_are_never_removed():
    client = FakeClient([device(1, "a@x.com", "A", ["G"]), device(2, "a@x.com", "A", ["H"]),
                         device(3, "a@x.com", "A2", ["G"]), device(4, "a@x.com", "A", ["G"])])
    removed = device_sync.verify_adds(Tenant(client), [(entry("a@x.com", "A", ["G"]), ["1"])], 0)
    assert removed == [] and len(client.devices) == 4


def test_identical_unregistered_copies_are_reported():
    current = [dict(device(1, "a@x.com", "A", ["G"]), status_code=0), dict(device(2, "A@x.com", "A", ["G"]), status_code=0),
               dict(device(3, "b@x.com", "B", ["G"]), status_code=1), dict(device(4, "b@x.com", "B", ["G"]), status_code=1),
               dict(device(5, "c@x.com", "C", ["G"]), status_code=0), dict(device(6, "c@x.com", "C", ["H"]), status_code=0)]
    assert [[d["id"] for d in copies] for copies in device_sync.identical_copies(current)] == [["1", "2"]]


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
    ops = device_sync.plan(current, desired, purge=purge, purge_groups=GROUPS, recreate=recreate)
    after = device_sync.apply_to_model(current, ops)
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
    replanned = device_sync.plan(after, desired, purge=purge, purge_groups=GROUPS, recreate=recreate)
    writes = [op for op in replanned if op["action"] in device_sync.WRITE_ACTIONS]
    assert writes == []
