"""Device sync planning, including a property test: plan + apply reaches the desired state, replan is empty."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.secops.mobile_security.plugins.module_utils import device_sync
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
    ops = device_sync.plan(desired, current, purge=True, purge_groups=["B"])
    actions = {(op["action"], op["email"]) for op in ops}
    assert actions == {("unchanged", "A@x.com"), ("drift", "b@x.com"), ("add", "e@x.com"), ("delete", "c@x.com")}
    assert device_sync.summarise(ops) == {"added": 1, "deleted": 1, "recreated": 0, "drifted": 1, "unchanged": 1}


def test_recreate_keeps_number_the_entry_does_not_give():
    current = [device(1, "a@x.com", "A", ["A"], "+1555")]
    ops = device_sync.plan([entry("a@x.com", "A", ["B"])], current, recreate=True)
    assert ops[0]["action"] == "recreate" and ops[0]["entry"]["number"] == "+1555"


def test_duplicate_emails_are_found_case_insensitively():
    dups = device_sync.duplicate_emails([entry("a@x.com", "A", None), entry("b@x.com", "B", None),
                                         entry("A@X.com", "C", None)])
    assert dups == {"a@x.com": [0, 2]}


class FakeClient:
    def __init__(self, devices):
        self.devices = devices
        self.in_doubt_writes = 1
        self.deleted = []

    def list_devices(self):
        return [{"internal_id": d["id"], "email": d["email"], "name": d["name"], "groups": []} for d in self.devices]

    def delete_device(self, device_id):
        self.deleted.append(device_id)


def test_verify_adds_removes_late_copies_this_run_created():
    client = FakeClient([device(5, "a@x.com", "A", []), device(9, "a@x.com", "A", []), device(7, "a@x.com", "A", []),
                         device(3, "b@x.com", "B", []), device(4, "b@x.com", "B", [])])
    removed = device_sync.verify_adds(client, [("a@x.com", "A", [], "9"), ("b@x.com", "B", ["3"], "4")], 0,
                                      sleep=lambda s: None)
    assert sorted(removed) == ["5", "7"] and sorted(client.deleted) == ["5", "7"]


def test_verify_adds_does_nothing_without_writes_in_doubt():
    client = FakeClient([device(5, "a@x.com", "A", []), device(9, "a@x.com", "A", [])])
    client.in_doubt_writes = 0
    assert device_sync.verify_adds(client, [("a@x.com", "A", [], "9")], 0, sleep=lambda s: None) == []


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
    ops = device_sync.plan(desired, current, purge=purge, purge_groups=GROUPS, recreate=recreate)
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
    replanned = device_sync.plan(desired, after, purge=purge, purge_groups=GROUPS, recreate=recreate)
    writes = [op for op in replanned if op["action"] in device_sync.WRITE_ACTIONS]
    assert writes == []
