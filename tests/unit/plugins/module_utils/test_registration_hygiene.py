"""Registration hygiene: the pure plan, the record of resends, and the writes' re-check of each device."""

import datetime
import json
import os
import threading

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import guards, registration_hygiene as hygiene
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Selection

NOW = datetime.datetime(2026, 12, 5, 9, 0, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def device(device_id, email=None, number=None, status=0):
    return {"id": device_id, "email": email or "u%s@example.com" % device_id, "name": "U%s" % device_id,
            "number": number, "groups": ["Field"], "group_ids": [2], "status_code": status,
            "status_name": {0: "user_notified", 1: "active"}[status]}


def options(**changes):
    base = {"resend_after_days": 7, "resend_every_days": 7, "delete_after_days": None, "max_deletes": "20%",
            "send_reg_email": True, "send_reg_sms": False, "state_file": "/tmp/x.json", "audit_resends": False}
    base.update(changes)
    return base


def test_the_plan_deletes_the_stale_resends_the_rest_and_waits_for_recent_resends():
    notified = [device("12", number="+1555"), device("3"), device("40"), device("7")]
    last = {"3": NOW - 2 * DAY, "7": NOW - 8 * DAY}
    items, waiting = hygiene.plan(notified, {"40"}, last, NOW, 7, send_email=True, send_sms=True)
    assert [(i["action"], i["device_id"]) for i in items] == [("resend", "7"), ("resend", "12"), ("delete", "40")]
    # SMS only where there is a number; the last resend is shown.
    assert (items[0]["send_reg_sms"], items[0]["last_resend"]) == (False, "2026-11-27T09:00:00Z")
    assert (items[1]["send_reg_sms"], items[1]["last_resend"]) == (True, None)
    assert waiting == [{"email": "u3@example.com", "device_id": "3", "last_resend": "2026-12-03T09:00:00Z",
                        "next_resend": "2026-12-10T09:00:00Z"}]
    # Exactly M days later the device is due again; a second earlier it is not.
    assert hygiene.plan([device("3")], set(), {"3": NOW - 7 * DAY}, NOW, 7)[0][0]["action"] == "resend"
    assert hygiene.plan([device("3")], set(), {"3": NOW - 7 * DAY + datetime.timedelta(seconds=1)}, NOW, 7)[0] == []


def test_sms_only_to_a_device_without_a_number_is_skipped_not_sent():
    items, _waiting = hygiene.plan([device("5")], set(), {}, NOW, 7, send_email=False, send_sms=True)
    assert items[0]["result"] == "skipped" and items[0]["reason"].startswith("send_reg_sms:")


@pytest.mark.parametrize("changes, message", [
    ({"resend_after_days": -3}, "resend_after_days: -3 must be a whole number of days, 1 or more"),
    ({"resend_every_days": 0}, "resend_every_days: 0 must be"),
    ({"delete_after_days": 0}, "delete_after_days: 0 must be"),
    ({"delete_after_days": 5}, "delete_after_days: 5 must be more than resend_after_days (7)"),
    ({"delete_after_days": 7}, "delete_after_days: 7 must be more than resend_after_days (7)"),
    ({"max_deletes": "-1"}, "max_deletes: '-1' is not a count"),
    ({"max_deletes": "150%"}, "max_deletes: '150%' is not a count"),
    ({"send_reg_email": False}, "send_reg_email: with send_reg_sms also false"),
    ({"state_file": None}, "state_file: required"),
])
def test_bad_options_are_refused_naming_the_option_and_value(changes, message):
    with pytest.raises(UserError) as err:
        hygiene.check_options(options(**changes))
    assert str(err.value).startswith(message)


def test_good_options_pass():
    hygiene.check_options(options(delete_after_days=8, max_deletes="all"))
    hygiene.check_options(options(state_file=None, audit_resends=True))


def test_resends_are_read_from_audit_entries_that_name_one():
    entries = [
        {"id": 1, "event_details": "Registration invitation resent to device 4", "time": "2026-12-01 08:00:00",
         "event_details_params": {"device_id": "4"}},
        {"id": 2, "event_details": "Registration invitation RESENT", "time": "2026-12-03 08:00:00",
         "event_details_params": {"device_id": 4}},
        {"id": 3, "event_details": "Changed setting 3", "time": "2026-12-04 08:00:00",
         "event_details_params": {"device_id": "5"}},
        {"id": 4, "event_details": "resend", "time": "No data", "event_details_params": {"device_id": "6"}},
        {"id": 5, "event_details": "resend", "time": "2026-12-04 08:00:00", "event_details_params": "device 7"},
        # The word, not the letters: a presentation setting is no resend.
        {"id": 6, "event_details": "Presentation mode changed", "time": "2026-12-04 09:00:00",
         "event_details_params": {"device_id": "8"}},
    ]
    assert hygiene.audit_resends(entries) == {"4": datetime.datetime(2026, 12, 3, 8, 0, tzinfo=datetime.timezone.utc)}


@pytest.mark.parametrize("text, resend", [
    ("Registration invitation resent to device 4", True), ("RESENT", True), ("resend_invitation", True),
    ("ResendRegistration", True), ("Resending the invitation", True), ("Invitation resends", True),
    ("Re-sent invitation", True), ("re send", True), ("Presentation mode changed", False),
    ("Represented by admin", False), ("sent invitation", False), ("Resender settings", False), ("", False),
])
def test_a_resend_is_recognised_by_its_word_however_it_is_written(text, resend):
    assert hygiene.names_a_resend(text) is resend


def test_the_state_file_keeps_resends_per_tenant_privately(tmp_path):
    path = str(tmp_path / "state" / "resends.json")
    one, other = hygiene.ResendState(path, "gw one"), hygiene.ResendState(path, "gw other")
    assert one.load() == {}
    one.record({"4": "a@example.com"}, NOW)
    other.record({"9": "b@example.com"}, NOW - DAY)
    one.record({"5": "c@example.com"}, NOW + 500 * DAY)  # "4" is now older than anyone needs: dropped
    assert one.load() == {"5": NOW + 500 * DAY} and other.load() == {"9": NOW - DAY}
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(UserError, match=r"^state_file: '.*bad.json' is not a resend record"):
        hygiene.ResendState(str(tmp_path / "bad.json"), "gw one").load()


class FakeClient:
    concurrency = 4

    def __init__(self, fail_resend=None):
        self.fail_resend = fail_resend or {}
        self.resent, self.deleted = [], []
        self.lock = threading.Lock()

    def ensure_token(self):
        pass

    def resend_invitation(self, device_id, send_reg_email, send_reg_sms):
        if device_id in self.fail_resend:
            raise self.fail_resend[device_id]
        with self.lock:
            self.resent.append(device_id)

    def delete_device(self, device_id):
        with self.lock:
            self.deleted.append(device_id)
        return True


class FakeTenant:
    def __init__(self, records):
        self.records = records

    def device(self, device_id):
        return self.records.get(device_id)


class FakeModule:
    check_mode = False

    def __init__(self, client, tenant, state_file):
        self.client, self.tenant = client, tenant
        self.params = options(state_file=state_file)
        self.result = {}
        self.module = self
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def set_diff(self, before, after):
        self.diff = (before, after)


def test_writes_recheck_each_delete_and_one_failure_never_stops_the_batch(tmp_path):
    """A device that registered since the plan is kept; a failed resend is reported and the others still go out;
    a resend whose outcome is unknown is recorded as sent, so it is never sent twice."""
    client = FakeClient(fail_resend={"2": ApiError("boom", status=400),
                                     "3": ApiError("timed out", status=None, ambiguous=True)})
    tenant = FakeTenant({"10": device("10", status=1), "11": device("11"), "12": None})
    run = hygiene.HygieneRun(FakeModule(client, tenant, str(tmp_path / "s.json")), "gw", now=NOW)
    items = [{"action": "resend", "email": "u%s@example.com" % i, "device_id": i, "send_reg_email": True,
              "send_reg_sms": False} for i in ("1", "2", "3", "4")]
    items += [{"action": "delete", "email": "u%s@example.com" % i, "device_id": i} for i in ("10", "11", "12")]
    # What run() does before any write: the delete gate admits every planned delete.
    run.delete_gate = guards.DeleteGate(client, "devices", {"max_deletes": "all"})
    run.delete_gate.admit([(i, i) for i in ("10", "11", "12")], 3, "the tenant")
    run.write(items, Selection(group_sets=[frozenset([2])]))
    results = dict((i["device_id"], (i["result"], i.get("reason") or i.get("error"))) for i in items)
    assert results["10"] == ("skipped", "registered meanwhile (status active)")
    assert results["12"] == ("skipped", "no longer exists")
    assert results["11"] == ("ok", None) and client.deleted == ["11"]
    assert results["2"][0] == "failed" and "boom" in results["2"][1]
    assert sorted(client.resent) == ["1", "4"]
    recorded = json.loads((tmp_path / "s.json").read_text())["tenants"]["gw"]
    assert sorted(recorded) == ["1", "3", "4"]


def test_the_diff_keys_devices_by_user_by_the_identity_rule_and_takes_a_record_without_an_email():
    in_scope = [device("1", email="Ana@Example.com"), device("2", email="ana@example.com "), device("3")]
    in_scope[2]["email"] = None
    done = [{"action": "resend", "email": d["email"], "device_id": d["id"], "send_reg_email": True,
             "send_reg_sms": False} for d in in_scope[:2]]
    done.append({"action": "delete", "email": None, "device_id": "3"})
    before, after = hygiene.diff(in_scope, done, 3, 2)
    assert sorted(before["devices"]) == ["(no e-mail) (id 3)", "Ana@Example.com (id 1)", "ana@example.com  (id 2)"]
    assert sorted(after["devices"]) == ["Ana@Example.com (id 1)", "ana@example.com  (id 2)"]
    assert (before["count"], after["count"]) == (3, 2)


class NoConnection:
    """A module whose connection must not be touched: bad input is refused before anything is read."""
    check_mode = False
    result = {}

    def __init__(self, **changes):
        self.params = options(**changes)
        self.module = self

    def warn(self, message):
        raise AssertionError(message)

    def set_diff(self, before, after):
        raise AssertionError("no diff for refused input")

    def __getattr__(self, name):
        raise AssertionError("%s used before the options were checked" % name)


def test_a_run_refuses_bad_options_before_it_touches_the_connection():
    with pytest.raises(UserError, match=r"^delete_after_days: 3 must be more than resend_after_days \(7\)"):
        hygiene.HygieneRun(NoConnection(delete_after_days=3), now=NOW).run()


def test_the_same_tenant_with_its_gateway_written_otherwise_keeps_its_resend_record(tmp_path):
    """The record is keyed by clients.tenant_key: a gateway written https://GW.example.com/ one week and
    https://gw.example.com the next is one tenant, whose resends are still known (no reminder too soon)."""
    path = str(tmp_path / "resends.json")

    class Named(FakeModule):
        def __init__(self, gateway):
            super().__init__(FakeClient(), FakeTenant({}), path)
            self.gateway = gateway

        def tenant_record(self):
            return {"name": "acme", "gateway_url": self.gateway, "client_id": "c1", "tenant_id": None}

    hygiene.HygieneRun(Named("https://GW.example.com/"), now=NOW).state.record({"4": "a@example.com"}, NOW)
    assert hygiene.HygieneRun(Named("https://gw.example.com"), now=NOW).state.load() == {"4": NOW}


def test_an_upgrade_from_1_1_0_keeps_the_resend_history_and_moves_it_under_the_one_tenant_key(tmp_path):
    """1.1.0 keyed the record by the gateway as typed: read as well, so nobody is reminded again inside
    resend_every_days; the next record moves its entries under clients.tenant_key."""
    path = tmp_path / "resends.json"
    typed, before = "https://GW.example.com/", NOW - 3 * DAY
    path.write_text(json.dumps({"version": 1, "tenants": {
        "%s c1" % typed: {"4": {"email": "a@example.com", "resent": "2026-12-02T09:00:00Z"}},
        "https://other.example.com c9": {"8": {"email": "z@example.com", "resent": "2026-12-02T09:00:00Z"}}}}))

    class Named(FakeModule):
        def __init__(self, gateway):
            super().__init__(FakeClient(), FakeTenant({}), str(path))
            self.gateway = gateway

        def tenant_record(self):
            return {"name": "acme", "gateway_url": self.gateway, "client_id": "c1", "tenant_id": None}

    state = hygiene.HygieneRun(Named(typed), now=NOW).state
    assert state.load() == {"4": before}
    state.record({"5": "b@example.com"}, NOW)
    tenants = json.loads(path.read_text())["tenants"]
    assert sorted(tenants) == ["https://gw.example.com c1", "https://other.example.com c9"]
    assert sorted(tenants["https://gw.example.com c1"]) == ["4", "5"]
    # Another spelling of the gateway afterwards: the same history.
    assert hygiene.HygieneRun(Named("https://gw.example.com"), now=NOW).state.load() == {"4": before, "5": NOW}
    # A newer resend under either key wins.
    assert hygiene.ResendState(str(path), "x", "https://gw.example.com c1").load()["4"] == before


class HeldTenant(FakeTenant):
    """A tenant whose call-5 answers are given: ``held`` maps days to a tenant.Held."""

    def __init__(self, held):
        super().__init__({})
        self.held = held

    def held_status(self, status, days, now, selection=None, listing=None):
        return self.held[days]


def held(ids, reading="entered", exact=True, enforced=True, reason=None):
    from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Held
    return Held(ids, reading, exact, enforced, {"1", "2", "3"}, 7, reason)


def test_the_waits_the_service_tells_exactly_are_used_and_the_reading_is_returned(tmp_path):
    run = hygiene.HygieneRun(FakeModule(FakeClient(), HeldTenant({7: held({"1", "2"})}), "s"), "gw", now=NOW)
    notified = [device(i) for i in ("1", "2", "3")]
    assert run.held(Selection(), notified, notified) == ({"1", "2"}, set())
    assert run.result["status_reading"] == "entered" and run.result["window_enforced"] is True


def test_a_wait_that_cannot_be_told_acts_on_nothing_and_says_the_reading_is_unknown_unless_forced(tmp_path):
    unknown = held(None, "unknown", False, True, "call 5's answers fit neither reading")
    module = FakeModule(FakeClient(), HeldTenant({7: unknown, 60: unknown}), "s")
    module.params.update(delete_after_days=60, force=False)
    run = hygiene.HygieneRun(module, "gw", now=NOW)
    notified = [device(i) for i in ("1", "2", "3")]
    with pytest.raises(UserError, match=r"^force: how long each device has been in user_notified cannot be told "
                                        r"\(status_reading: unknown; call 5's answers fit neither reading\)"):
        run.held(Selection(), notified, notified)
    assert run.result["status_reading"] == "unknown" and run.result["window_enforced"] is True
    module.params["force"] = True
    assert run.held(Selection(), notified, notified) == ({"1", "2", "3"}, {"1", "2", "3"})
    assert "could not be told" in module.warnings[0]


def test_no_device_notified_is_exactly_nothing_to_do_with_the_reading_unknown(tmp_path):
    none = held(set(), "unknown", True, True, "no device is in user_notified now")
    run = hygiene.HygieneRun(FakeModule(FakeClient(), HeldTenant({7: none}), "s"), "gw", now=NOW)
    assert run.held(Selection(), [], []) == (set(), set())
    assert run.result["status_reading"] == "unknown"
