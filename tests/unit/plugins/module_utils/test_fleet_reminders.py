"""Whether reminders work (from the hygiene's record of resends and the status history) and what the next hygiene
run will remind or delete, on which date, with which settings."""

import datetime
import json

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import clients, codes, fleet_reminders
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import Selection
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Held
from tests.unit.plugins.module_utils.test_fleet_report import device

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # a Monday
DAY = datetime.timedelta(days=1)
TENANT = {"name": "acme", "gateway_url": "https://GW.example.com/", "client_id": "c1"}


def settings(**options):
    found = dict(state_file="/tmp/none.json", resend_after_days=7, resend_every_days=7)
    found.update(options)
    return fleet_reminders.check_settings(found, NOW)


def test_each_reminder_of_the_period_is_registered_waiting_not_registered_or_deleted_per_group():
    closed, open_, before = NOW - 10 * DAY, NOW - 2 * DAY, NOW - 20 * DAY
    devices = [device(1, 3, status="1"), device(2, 3, status="0"), device(3, 4, status="0"), device(4, 4, status="1"),
               device(6, 4, status="0")]
    resends = {"1": closed, "2": closed, "3": open_, "4": open_, "5": closed, "6": before}
    registered = {closed: {"1"}, open_: {"4"}}
    found = fleet_reminders.effectiveness(resends, devices, registered, (NOW - 14 * DAY, NOW), NOW, 7)
    assert found["period"] == {"from": "2026-11-23T06:00:00Z", "to": "2026-12-07T06:00:00Z"}
    # 6 was reminded before the period; 5 is no longer in the tenant.
    assert found["total"] == {"sent": 5, "registered": 2, "waiting": 1, "not_registered": 1, "deleted": 1,
                              "unknown": 0, "rate": 0.667}
    groups = dict((g["group"], g) for g in found["groups"])
    assert groups["EMEA-Sales"] == {"group": "EMEA-Sales", "sent": 2, "registered": 1, "waiting": 0,
                                    "not_registered": 1, "deleted": 0, "unknown": 0, "rate": 0.5}
    # AMER: one of its two reminders is still within its days, so no share yet (most are not decided).
    assert groups["AMER"]["registered"] == 1 and groups["AMER"]["waiting"] == 1 and groups["AMER"]["rate"] is None
    assert groups[fleet_reminders.NO_GROUP]["deleted"] == 1


def test_a_window_the_service_ignored_makes_the_outcome_unknown_and_the_rate_none_never_zero():
    resent = NOW - 9 * DAY
    found = fleet_reminders.effectiveness({"1": resent}, [device(1, 3, status="0")], {resent: None},
                                          (NOW - 14 * DAY, NOW), NOW, 7)
    assert found["total"]["unknown"] == 1 and found["total"]["rate"] is None and found["total"]["not_registered"] == 0


@pytest.mark.parametrize("value, expected", [
    (None, NOW),
    ("monday 06:00", NOW),
    ("Monday 05:59", NOW + 7 * DAY - datetime.timedelta(minutes=1)),
    ("wednesday 18:30", NOW + 2 * DAY + datetime.timedelta(hours=12, minutes=30)),
    ("2026-12-09T06:00:00Z", NOW + 2 * DAY),
])
def test_the_next_run_is_a_time_or_a_weekly_schedule(value, expected):
    assert fleet_reminders.next_run(value, NOW) == expected


@pytest.mark.parametrize("value, message", [
    ("2026-12-01T06:00:00Z", "hygiene.next_run: 2026-12-01T06:00:00Z is before the report"),
    ("7d", "hygiene.next_run: '7d' is neither a time"),
    ("funday 06:00", "hygiene.next_run: 'funday 06:00' is neither a time"),
    ("monday 25:00", "hygiene.next_run: 'monday 25:00' is not a time of day"),
])
def test_a_next_run_that_is_not_one_is_refused_naming_it(value, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        fleet_reminders.next_run(value, NOW)


@pytest.mark.parametrize("options, message", [
    ({"state_file": None}, "hygiene.state_file: required"),
    ({"delete_after_days": 5}, "hygiene.delete_after_days: 5 must be more than resend_after_days"),
    ({"resend_every_days": 0}, "hygiene.resend_every_days: 0 must be a whole number of days"),
])
def test_hygiene_settings_are_checked_as_the_hygiene_checks_them(options, message):
    with pytest.raises(UserError, match=message):
        settings(**options)


def test_settings_left_out_are_the_hygienes_defaults_and_0_days_is_never_delete():
    found = settings(delete_after_days=0)
    assert found["delete_after_days"] is None and found["max_deletes"] == "20%" and found["send_reg_email"] is True


def test_the_preview_is_the_hygienes_own_plan_at_the_next_run():
    notified = [device(i, 3, status="0") for i in range(1, 6)]
    hygiene = settings(delete_after_days=30, next_run="wednesday 06:00", max_deletes="5")
    run_at = NOW + 2 * DAY
    # 1 will be old enough and was never reminded; 2 was reminded 3 days before the run; 3 will be past 30 days;
    # 4 was reminded 8 days before the run; 5 will not have waited 7 days.
    held = {"resend": {"1", "2", "3", "4"}, "delete": {"3"}}
    last = {"2": run_at - 3 * DAY, "4": run_at - 8 * DAY}
    found, lists = fleet_reminders.preview(notified, held, last, hygiene, 40)
    assert found["date"] == "2026-12-09T06:00:00Z" and found["known"]
    assert (found["remind"], found["delete"], found["waiting"], found["refused"]) == (2, 1, 1, False)
    assert [d["id"] for d in lists["remind"]] == ["1", "4"] and [d["id"] for d in lists["delete"]] == ["3"]
    assert lists["remind"][1]["last_resend"] == "2026-12-01T06:00:00Z"
    assert found["settings"] == {"resend_after_days": 7, "resend_every_days": 7, "delete_after_days": 30,
                                 "groups": [], "max_deletes": "5", "max_deletes_floor": 1, "send_reg_email": True,
                                 "send_reg_sms": False}


def test_the_preview_says_when_the_run_would_refuse_its_deletes():
    notified = [device(i, 3, status="0") for i in range(1, 4)]
    found, _lists = fleet_reminders.preview(notified, {"resend": {"1", "2", "3"}, "delete": {"1", "2", "3"}}, {},
                                            settings(delete_after_days=30, max_deletes="2"), 40)
    assert found["delete"] == 3 and found["refused"] and found["max_deletes_allowed"] == 2


def test_without_the_status_history_the_preview_is_unknown():
    found, lists = fleet_reminders.preview([device(1, 3, status="0")], {"resend": None}, {}, settings(), 1)
    assert not found["known"] and found["remind"] is None and "could not tell how long" in found["why"] and lists == {}


class FakeTenant:
    """held_status and windowed reads answered from a table, every call recorded."""

    def __init__(self, held, connected, applied=True, reading="unknown"):
        self.held, self.connected, self.applied, self.calls = held, connected, applied, []
        self.reading = reading

    def status_reading(self, status, now, listing, selection=None):
        self.calls.append(("reading", status))
        return self.reading, set(), self.applied

    def selection(self, groups=None):
        return Selection(group_sets=None) if not groups else Selection(group_sets=[{3}])

    def held_status(self, status, days, now, selection=None, listing=None):
        self.calls.append(("held", status, round(days, 3)))
        ids = set(self.held.get(round(days), ()))
        return Held(ids if self.applied else None, "in_status", self.applied, self.applied, ids, days)

    def window_devices(self, selection, window, now, listing, asked=("bounds", "status")):
        self.calls.append(("window", window.status, window.start, window.end))
        return [{"id": i} for i in self.connected.get((window.status, window.start), ())], self.applied


def write_state(path, resends, key=None):
    key = key or clients.tenant_key(TENANT)
    path.write_text(json.dumps({"version": 1, "tenants": {key: {
        i: {"email": "u%s@example.com" % i, "resent": t.strftime("%Y-%m-%dT%H:%M:%SZ")} for i, t in resends.items()}}}))


def test_read_asks_the_status_history_for_each_resend_time_and_for_the_runs_thresholds(tmp_path):
    state = tmp_path / "state.json"
    resent = NOW - 9 * DAY
    write_state(state, {"1": resent, "2": resent})
    devices = [device(1, 3, status="1"), device(2, 3, status="0"), device(3, 4, status="0")]
    tenant = FakeTenant({5: {"2", "3"}, 28: {"3"}}, {(codes.INACTIVE, resent): {"1"}})
    hygiene = dict(settings(state_file=str(state), delete_after_days=30, next_run="wednesday 06:00"))
    section, lists = fleet_reminders.read(tenant, TENANT, devices, hygiene, NOW, NOW - 14 * DAY)
    # Registered within resend_every_days: a connected status in the 7 days after the resend.
    assert ("window", codes.ACTIVE, resent, resent + 7 * DAY) in tenant.calls
    assert ("window", codes.INACTIVE, resent, resent + 7 * DAY) in tenant.calls
    assert section["effectiveness"]["total"]["registered"] == 1
    assert section["effectiveness"]["total"]["not_registered"] == 1
    # The run is two days away: waited 5 days now is 7 then.
    assert ("held", codes.USER_NOTIFIED, 5.0) in tenant.calls and ("held", codes.USER_NOTIFIED, 28.0) in tenant.calls
    # 2 was reminded 11 days before the run, more than resend_every_days: reminded again; 3 deleted instead.
    assert (section["next_run"]["remind"], section["next_run"]["delete"], section["next_run"]["waiting"]) == (1, 1, 0)
    assert [d["id"] for d in lists["remind"]] == ["2"] and [d["id"] for d in lists["delete"]] == ["3"]


def test_no_reminded_device_connected_now_needs_no_read_and_none_registered(tmp_path):
    state = tmp_path / "state.json"
    resent = NOW - 9 * DAY
    write_state(state, {"2": resent})
    tenant = FakeTenant({}, {})
    section, _lists = fleet_reminders.read(tenant, TENANT, [device(1, 3, status="1"), device(2, 3, status="0")],
                                           settings(state_file=str(state)), NOW, NOW - 14 * DAY)
    assert not [c for c in tenant.calls if c[0] == "window"]
    assert section["effectiveness"]["total"]["not_registered"] == 1


def test_read_takes_a_1_1_0_record_under_the_gateway_as_typed_too(tmp_path):
    """The report reads the hygiene's record as the hygiene does (ResendState): a reminder recorded by 1.1.0
    under the gateway as typed counts in the period."""
    state = tmp_path / "state.json"
    resent = NOW - 3 * DAY
    typed = dict(TENANT, gateway_url="https://GW.example.com/")
    write_state(state, {"2": resent}, key="https://GW.example.com/ %s" % TENANT["client_id"])
    section, _lists = fleet_reminders.read(FakeTenant({5: set()}, {}), typed, [device(2, 3, status="0")],
                                           settings(state_file=str(state)), NOW, NOW - 7 * DAY)
    assert section["effectiveness"]["total"]["sent"] == 1


def test_a_service_that_ignores_windows_leaves_registrations_and_the_preview_unknown(tmp_path):
    state = tmp_path / "state.json"
    resent = NOW - 5 * DAY
    write_state(state, {"2": resent})
    tenant = FakeTenant({}, {}, applied=False)
    # Connected now: whether it registered within resend_every_days needs the windows the service ignores.
    section, _lists = fleet_reminders.read(tenant, TENANT, [device(2, 3, status="1"), device(3, 3, status="0")],
                                           settings(state_file=str(state)), NOW, None)
    assert section["effectiveness"]["total"]["unknown"] == 1 and not section["next_run"]["known"]
    assert section["effectiveness"]["period"]["from"] == "2026-11-30T06:00:00Z"


def test_the_page_view_says_the_share_registered_and_the_next_runs_settings_in_words():
    counts = {"sent": 5, "registered": 2, "not_registered": 1, "waiting": 1, "deleted": 1, "unknown": 0}
    assert fleet_reminders.rate_text(counts, 7) == (
        "2 of 5 registered so far; 1 still within 7 days; 1 no longer in the tenant (67% of the 3 whose 7 days "
        "are up)")
    assert fleet_reminders.rate_text(dict(counts, unknown=1), 7).startswith("unknown")
    assert fleet_reminders.rate_text(dict(counts, sent=0, registered=0, not_registered=0, waiting=0, deleted=0),
                                     7) == "no reminders"
    assert fleet_reminders.share_text(counts) == "67%" and fleet_reminders.share_text(dict(counts, unknown=1)) \
        == "unknown"


def test_the_reminders_headline_counts_every_reminder_sent_and_gives_a_share_only_once_most_are_decided():
    # 18 sent, 2 registered, 16 still within their days: not "2 of 2 (100%)".
    early = {"sent": 18, "registered": 2, "not_registered": 0, "waiting": 16, "deleted": 0, "unknown": 0}
    assert fleet_reminders.rate_text(early, 7) == (
        "2 of 18 registered so far; 16 still within 7 days (a share is given once more than 50% of them are past "
        "their days)")
    assert fleet_reminders.share_text(early) == "too early"
    # 10 of 18 decided (more than half): the share of those whose days are up.
    later = dict(early, registered=6, not_registered=4, waiting=8)
    assert fleet_reminders.rate_text(later, 7) == (
        "6 of 18 registered so far; 8 still within 7 days (60% of the 10 whose 7 days are up)")
    # Exactly half decided is not most.
    assert fleet_reminders.rate_text(dict(early, registered=5, not_registered=4, waiting=9), 3).endswith(
        "9 still within 3 days (a share is given once more than 50% of them are past their days)")
    notified = [device(1, 3, status="0")]
    preview, lists = fleet_reminders.preview(notified, {"resend": {"1"}}, {}, settings(groups=["EMEA"]), 1)
    effect = fleet_reminders.effectiveness({}, [], {}, (NOW - 7 * DAY, NOW), NOW, 7)
    view = fleet_reminders.page_view({"hygiene": {"effectiveness": effect, "next_run": preview},
                                      "hygiene_devices": lists})
    assert view["rate"] == "no reminders" and view["groups"]["rows"] == []
    assert view["next"]["said"] == ("resend after 7 days; at most every 7 days; no deletes; max_deletes 20%; "
                                    "groups EMEA; by e-mail")
    assert view["next"]["remind_rows"] == [["Dev 1", "u1@example.com", "EMEA-Sales", "never"]]
    assert fleet_reminders.page_view({}) is None


@pytest.mark.parametrize("reading, status_in, spelling, warned", [
    ("entered", "honoured", "ignored", False), ("in_status", "honoured", "ignored", False),
    # Tastypie: status_in ignored, status__in applied: read as the report's windows are, no warning.
    ("entered", "ignored", "codes", False), ("in_status", "ignored", "codes", False),
    # A service that applies neither: the records are checked here, and it says so once.
    ("in_status", "ignored", "ignored", True)])
def test_registered_within_the_days_after_a_reminder_means_the_same_under_either_reading_of_call_5(
        tmp_path, reading, status_in, spelling, warned):
    """Connected now and a connected status in the resend_every_days after the reminder, read from a service
    that answers call 5 as a change into the status in the window (entered) or as the status at any time in it
    (in_status): registered in time counts, registered later or waiting again does not."""
    from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import HarmonyMobileClient
    from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant
    from tests.unit.plugins.module_utils.test_harmony_client import FakeTransport
    from tests.unit.plugins.module_utils.test_tenant import DAY_MS, NOW as NOW_MS, history_service

    now = datetime.datetime.fromtimestamp(NOW_MS / 1000, UTC)
    resent = NOW_MS - 10 * DAY_MS
    history = {
        # Registered two days after the reminder, active since.
        "40": [("0", resent - 20 * DAY_MS, resent + 2 * DAY_MS), ("1", resent + 2 * DAY_MS, None)],
        # Registered nine days after it: past its seven days.
        "41": [("0", resent - 20 * DAY_MS, resent + 9 * DAY_MS), ("1", resent + 9 * DAY_MS, None)],
        # Registered in time, inactive since: connected now all the same.
        "42": [("0", resent - 20 * DAY_MS, resent + 2 * DAY_MS), ("1", resent + 2 * DAY_MS, resent + 4 * DAY_MS),
               ("4", resent + 4 * DAY_MS, None)],
        # Registered in time, then notified again and waiting now: did not stay registered.
        "43": [("0", resent - 20 * DAY_MS, resent + 2 * DAY_MS), ("1", resent + 2 * DAY_MS, resent + 5 * DAY_MS),
               ("0", resent + 5 * DAY_MS, None)],
        # Registered in time, inactive after its seven days: in the short read of late registrations under
        # entered, and registered in time all the same.
        "44": [("0", resent - 20 * DAY_MS, resent + 2 * DAY_MS), ("1", resent + 2 * DAY_MS, resent + 8 * DAY_MS),
               ("4", resent + 8 * DAY_MS, None)],
        # Registered in time, notified again after its seven days and registered again: in the short read under
        # in_status, and registered in time all the same.
        "45": [("0", resent - 20 * DAY_MS, resent + DAY_MS), ("1", resent + DAY_MS, resent + 8 * DAY_MS),
               ("0", resent + 8 * DAY_MS, resent + 9 * DAY_MS), ("1", resent + 9 * DAY_MS, None)],
    }
    warnings = []
    service = history_service(reading=reading, history=history, status_in=status_in, spelling=spelling)
    tenant = Tenant(HarmonyMobileClient(FakeTransport(service), "cid", "key"), warn=warnings.append)
    state = tmp_path / "state.json"
    moment = datetime.datetime.fromtimestamp(resent / 1000, UTC)
    write_state(state, {i: moment for i in history})
    hygiene = fleet_reminders.check_settings(dict(state_file=str(state), resend_after_days=7, resend_every_days=7),
                                             now)
    section, _lists = fleet_reminders.read(tenant, TENANT, tenant.all_devices(), hygiene, now, now - 14 * DAY)
    total = section["effectiveness"]["total"]
    assert (total["sent"], total["registered"], total["not_registered"], total["unknown"]) == (6, 4, 2, 0)
    registered = fleet_reminders._registered_after(  # pylint: disable=protected-access
        tenant, moment, moment + 7 * DAY, now, tenant.all_devices())
    assert registered == {"40", "42", "44", "45"}
    ignored = [w for w in warnings if "ignored status_in" in w]
    assert len(ignored) == (1 if warned else 0), warnings


def paged(handler, cap=5):
    """``handler``'s answers cut into pages of at most ``cap`` devices (a server may cap ``limit``)."""
    def answer(method, path, params, body, headers):
        params = dict(params or {})
        offset = int(params.pop("offset", 0) or 0)
        params.pop("limit", None)
        status, found = handler(method, path, params, body, headers)
        if status != 200 or not isinstance(found, dict) or "objects" not in found:
            return status, found
        objects = found["objects"]
        return 200, {"meta": {"offset": offset, "limit": cap, "total_count": len(objects)},
                     "objects": objects[offset:offset + cap]}
    return answer


@pytest.mark.parametrize("reading", ["entered", "in_status"])
def test_the_reminder_reads_ask_few_pages_under_either_reading_and_reuse_the_reports_waits(tmp_path, reading):
    """The requests of the reminder reads, counted on a service that pages five devices at a time: with 60
    devices active all along, whether the reminded users registered costs a few pages under either reading (not
    every device active since the reminder, as under in_status a connected window returns), and the next run's
    preview reads nothing the report's own waits (held_status, held_longer) already read. The numbers stay those
    of the status history."""
    from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import HarmonyMobileClient
    from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant
    from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report, fleet_report_files
    from tests.unit.plugins.module_utils.test_harmony_client import FakeTransport
    from tests.unit.plugins.module_utils.test_tenant import DAY_MS, NOW as NOW_MS, history_service

    now = datetime.datetime.fromtimestamp(NOW_MS / 1000, UTC)
    resent = NOW_MS - 5 * DAY_MS
    history = {str(100 + n): [("1", NOW_MS - 200 * DAY_MS, None)] for n in range(60)}
    history.update({
        # Reminded: two registered the day after, one is waiting still.
        "40": [("0", resent - 20 * DAY_MS, resent + DAY_MS), ("1", resent + DAY_MS, None)],
        "41": [("0", resent - 30 * DAY_MS, resent + DAY_MS), ("4", resent + DAY_MS, None)],
        "42": [("0", resent - 12 * DAY_MS, None)],
        # Waiting, not reminded: 3, 20 and 70 days.
        "50": [("0", NOW_MS - 3 * DAY_MS, None)], "51": [("0", NOW_MS - 20 * DAY_MS, None)],
        "52": [("0", NOW_MS - 70 * DAY_MS, None)],
    })
    transport = FakeTransport(paged(history_service(reading=reading, history=history)))
    tenant = Tenant(HarmonyMobileClient(transport, "cid", "key"))
    state = tmp_path / "state.json"
    moment = datetime.datetime.fromtimestamp(resent / 1000, UTC)
    write_state(state, {i: moment for i in ("40", "41", "42")})
    hygiene = fleet_reminders.check_settings(dict(state_file=str(state), resend_after_days=7, resend_every_days=3,
                                                  delete_after_days=60, next_run=times_iso(now + 2 * DAY)), now)
    devices = tenant.all_devices()
    # What the report reads before (fleet_report_files.produce): its waits, the preview's cutoffs among them.
    _held, waits = fleet_report_files.read_waits(
        tenant, [7] + fleet_report.wait_steps(7) + fleet_reminders.held_days(hygiene, now), now, devices)
    assert waits[7] == {"42", "51", "52"} and waits[60] == {"52"}
    before = len(transport.api_calls())
    section, lists = fleet_reminders.read(tenant, TENANT, devices, hygiene, now, now - 7 * DAY, waits)
    asked = len(transport.api_calls()) - before
    total = section["effectiveness"]["total"]
    assert (total["sent"], total["registered"], total["waiting"], total["not_registered"], total["unknown"]) == \
        (3, 2, 0, 1, 0)
    # At the run (two days on): 42 (14 days), 51 and 52 waited over 7 days; 52 over 60. 42 was reminded 7 days
    # before, more than resend_every_days.
    assert [d["id"] for d in lists["remind"]] == ["42", "51"] and [d["id"] for d in lists["delete"]] == ["52"]
    # A connected window after the reminder would return, under in_status, all 62 connected devices (13 pages per
    # status); the late registrants (none here) are a page per status. The preview reads nothing.
    assert asked <= 2, [c["params"] for c in transport.api_calls()[before:]]


def times_iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
