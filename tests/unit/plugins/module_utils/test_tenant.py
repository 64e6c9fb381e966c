"""The tenant layer: selections checked on every record, whatever the service does with the filters."""

import datetime
import time

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import devices
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import API_ROOT, HarmonyMobileClient
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Held, Tenant

from tests.unit.plugins.module_utils.test_harmony_client import FakeTransport

GROUPS = [{"id": 1, "name": "ALL", "parent": None}, {"id": 2, "name": "Sales", "parent": {"id": 1, "name": "ALL"}},
          {"id": 3, "name": "Support", "parent": {"id": 1, "name": "ALL"}},
          {"id": 4, "name": "Field", "parent": {"id": 2, "name": "Sales"}}]
MEMBERS = {"1": ["10"], "2": ["11", "12"], "3": ["12", "13"], "4": ["13"]}
RECORDS = [{"internal_id": "10", "name": "Ana", "email": "Ana.Lima@Example.com", "mdm": None, "risk": "0", "status": "1"},
           {"internal_id": "11", "name": "Bo", "email": "bo@example.com", "mdm": None, "risk": "3", "status": "0"},
           {"internal_id": "12", "name": "Cy", "email": "cy@example.com", "mdm": {"uuid": "M-1"}, "risk": "2",
            "status": "1", "os_type": "Android_4_x"},
           {"internal_id": "13", "name": "Di", "email": "di@example.com", "mdm": None, "risk": "3", "status": "4"}]


def page(objects):
    return 200, {"meta": {"offset": 0, "total_count": len(objects)}, "objects": objects}


def service(honoured=(), with_groups=True, window="honoured", groups_filter="honoured"):
    """A fake device list that applies only the filter names in ``honoured`` and ignores the rest."""

    def handler(method, path, params, body, headers):
        params = params or {}
        if path == API_ROOT + "/v1/groups/":
            return page(GROUPS)
        if path != API_ROOT + "/v1/device_status/":
            raise AssertionError(path)
        found = [dict(r) for r in RECORDS]
        if with_groups:
            for record in found:
                record["groups"] = [{"id": g["id"], "name": g["name"]} for g in GROUPS
                                    if record["internal_id"] in MEMBERS[str(g["id"])]]
        if "groups__in" in params and ("groups__in" in honoured or not with_groups) and groups_filter == "honoured":
            ids = params["groups__in"].split(",")
            found = [r for r in found if any(r["internal_id"] in MEMBERS.get(i, ()) for i in ids)]
        for name, field in (("risk_in", "risk"), ("status_in", "status")):
            if name in params and name in honoured:
                found = [r for r in found if r[field] in params[name].split(",")]
        if "mdm__uuid" in params and "mdm__uuid" in honoured:
            # Case-sensitive, as an exact database match would be.
            found = [r for r in found if (r["mdm"] or {}).get("uuid") == params["mdm__uuid"]]
        if "status" in params and window == "honoured":
            before_any = int(params.get("time_lte", params.get("time__lte", 2 ** 62))) < 10000
            found = [] if before_any else [r for r in found if r["status"] == params["status"]]
        elif "status" in params:
            found = [r for r in found if r["status"] == params["status"]]
        return page(found)

    return handler


def tenant_of(handler):
    warnings = []
    transport = FakeTransport(handler)
    return Tenant(HarmonyMobileClient(transport, "cid", "key"), warn=warnings.append), warnings, transport


@pytest.mark.parametrize("honoured", [(), ("risk_in", "status_in", "groups__in", "mdm__uuid")])
def test_risk_selects_exactly_the_matching_devices_whether_or_not_the_service_applies_the_filter(honoured):
    tenant, warnings, _transport = tenant_of(service(honoured))
    found, enforced = tenant.devices(tenant.selection(risk=["high"]))
    assert [d["id"] for d in found] == ["11", "13"] and enforced is None
    found = tenant.devices(tenant.selection(risk=["medium", "3"], status=["active"]))[0]
    assert [d["id"] for d in found] == ["12"]
    if honoured:
        assert warnings == []
    else:
        assert warnings == ["the service ignored risk_in (or did not fully apply it): it returned devices outside "
                            "risk; they were filtered out here",
                            "the service ignored status_in (or did not fully apply it): it returned devices outside "
                            "status; they were filtered out here"]


def test_each_ignored_filter_is_warned_about_once_per_task():
    tenant, warnings, _transport = tenant_of(service())
    for _attempt in range(3):
        tenant.devices(tenant.selection(risk=["high"]))
    assert len(warnings) == 1 and "risk_in" in warnings[0]


def test_only_spellings_that_cannot_under_return_are_sent():
    tenant, _warnings, transport = tenant_of(service())
    tenant.devices(tenant.selection(risk=["high"], status=["active", "inactive"], groups=["Sales", "Support"],
                                    groups_match="all", email="x@example.com"))
    sent = transport.api_calls()[-1]["params"]
    assert sent["risk_in"] == "3" and sent["status_in"] == "1,4" and sent["groups__in"] == "2,3,4"
    assert not any(name in sent for name in ("risk__in", "status__in", "groups__exact", "email", "user_email"))


def test_a_group_means_its_subtree_unless_subgroups_is_false():
    tenant, _warnings, _transport = tenant_of(service(("groups__in",)))
    assert [d["id"] for d in tenant.devices(tenant.selection(groups=["Sales"]))[0]] == ["11", "12", "13"]
    assert [d["id"] for d in tenant.devices(tenant.selection(groups=["Sales"], subgroups=False))[0]] == ["11", "12"]
    assert [d["id"] for d in tenant.devices(tenant.selection(groups=["ALL/Sales/Field"]))[0]] == ["13"]


def test_groups_match_all_needs_each_group_or_its_subtree():
    tenant, _warnings, _transport = tenant_of(service())
    found = tenant.devices(tenant.selection(groups=["Sales", "Support"], groups_match="all"))[0]
    assert [d["id"] for d in found] == ["12", "13"]
    found = tenant.devices(tenant.selection(groups=["Sales", "Support"], groups_match="all", subgroups=False))[0]
    assert [d["id"] for d in found] == ["12"]


def test_an_mdm_id_the_service_matched_case_sensitively_is_found_in_the_whole_list():
    tenant, _warnings, transport = tenant_of(service(("mdm__uuid",)))
    assert [d["id"] for d in tenant.devices(tenant.selection(mdm_uuid="m-1"))[0]] == ["12"]
    assert [c["params"].get("mdm__uuid") for c in transport.api_calls()] == ["m-1", None]


def test_email_is_checked_here_whatever_its_case():
    tenant, _warnings, _transport = tenant_of(service())
    assert [d["id"] for d in tenant.devices(tenant.selection(email="ana.lima@EXAMPLE.com"))[0]] == ["10"]
    assert [d["id"] for d in tenant.devices_of("ana.lima@example.COM")] == ["10"]
    assert tenant.devices_of("nobody@example.com") == []


def test_limit_counts_only_selected_devices():
    tenant, _warnings, _transport = tenant_of(service())
    assert [d["id"] for d in tenant.devices(tenant.selection(risk=["high"]), limit=1)[0]] == ["11"]


def test_one_device_by_id_is_checked_against_the_selection():
    tenant, _warnings, _transport = tenant_of(lambda m, path, p, b, h: (200, dict(RECORDS[1], groups=[{"id": 2, "name": "Sales"}])))
    assert tenant.device("11", tenant.selection(risk=["high"]))["id"] == "11"
    assert tenant.device("11", tenant.selection(risk=["low"])) is None


def test_a_status_window_is_enforced_when_the_service_returns_nothing_for_1970():
    tenant, warnings, transport = tenant_of(service(window="honoured"))
    window = tenant.status_window("inactive", "2026-11-01T00:00:00Z", "24h")
    found, enforced = tenant.devices(tenant.selection(), window)
    assert enforced is True and [d["id"] for d in found] == ["13"] and warnings == []
    probe, status_probe, real = (call["params"] for call in transport.api_calls()[-3:])
    assert int(probe["time_lte"]) < 10000 and probe["time__lte"] == probe["time_lte"]
    assert real["time_gte"] == real["time__gte"] and real["status"] == "4"
    # The status probe asks for the same window with a status the guide does not have.
    assert status_probe["status"] == "99" and status_probe["time_gte"] == real["time_gte"]


def test_a_status_window_the_service_ignores_is_reported_not_trusted():
    tenant, warnings, _transport = tenant_of(service(window="ignored"))
    found, enforced = tenant.devices(tenant.selection(), tenant.status_window("active", "7d", None))
    assert enforced is False and [d["id"] for d in found] == ["10", "12"]
    assert len(warnings) == 1 and "ignored the time window of status_during" in warnings[0]


def test_a_status_window_needs_a_bound_and_a_start_before_its_end():
    tenant, _warnings, _transport = tenant_of(service())
    with pytest.raises(ValueError, match="status_during: give from, to or both"):
        tenant.status_window("active", None, None)
    with pytest.raises(ValueError, match="status_during.from: 2026-11-02 is not before status_during.to 2026-11-01"):
        tenant.status_window("active", "2026-11-02", "2026-11-01")
    with pytest.raises(ValueError, match="status_during.status: 'asleep' is not one of"):
        tenant.status_window("asleep", "1d", None)


def test_bad_filter_values_are_refused_naming_the_option():
    tenant, _warnings, transport = tenant_of(service())
    with pytest.raises(ValueError, match="risk: 'severe' is not one of"):
        tenant.selection(risk=["severe"])
    with pytest.raises(ValueError, match="groups: group 'Nope' does not exist"):
        tenant.selection(groups=["Nope"])
    assert all(c["method"] == "GET" for c in transport.api_calls())


def test_records_without_groups_get_them_from_one_list_per_group_read_once():
    tenant, _warnings, transport = tenant_of(service(with_groups=False))
    found = tenant.all_devices()
    probe = [c["params"] for c in transport.api_calls() if c["params"].get("groups__in") == "5"]
    assert len(probe) == 1  # one request for a group id no group has: it must come back empty
    assert [(d["id"], d["groups"], d["group_ids"]) for d in found] == [
        ("10", ["ALL"], [1]), ("11", ["Sales"], [2]), ("12", ["Sales", "Support"], [2, 3]),
        ("13", ["Field", "Support"], [3, 4])]
    assert found[2]["os_type"] == "Android_4_x" and [d["mdm_uuid"] for d in found][:3] == [None, None, "M-1"]
    calls = len(transport.api_calls())
    assert [d["id"] for d in tenant.devices(tenant.selection(groups=["Field"]))[0]] == ["13"]
    assert len(transport.api_calls()) == calls + 1


def test_records_with_groups_cost_no_extra_request():
    tenant, _warnings, transport = tenant_of(service())
    assert len(tenant.all_devices()) == 4 and len(transport.api_calls()) == 1


def test_drift_compares_filled_in_groups():
    tenant, _warnings, _transport = tenant_of(service(with_groups=False))
    current = tenant.devices_of("cy@example.com")[0]
    assert devices.drift({"name": "Cy", "groups": ["Support", "Sales"]}, current) == []
    assert devices.drift({"name": "Cy", "groups": ["Sales"]}, current) == ["groups"]


def test_membership_is_refused_when_records_lack_groups_and_the_service_ignores_groups_in():
    from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
    tenant, _warnings, transport = tenant_of(service(with_groups=False, groups_filter="ignored"))
    with pytest.raises(ApiError, match="the service ignored groups__in: it returned devices for group id 5"):
        tenant.devices(tenant.selection(groups=["Field"], subgroups=False))
    assert all(c["method"] == "GET" for c in transport.api_calls())


def test_a_device_the_service_answers_for_another_id_is_never_taken():
    from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
    tenant, _warnings, _transport = tenant_of(
        lambda m, path, p, b, h: (200, dict(RECORDS[3], groups=[{"id": 3, "name": "Support"}])))
    with pytest.raises(ApiError, match="answered device 13 when asked for device 11"):
        tenant.device("11")


def test_pages_without_groups_normalised_side_by_side_read_the_membership_once():
    """Pages are normalised in the threads that fetch them; the first that needs membership reads it for all."""
    records = [{"internal_id": str(100 + i), "name": "D%d" % i, "email": "d%d@example.com" % i, "risk": "0",
                "status": "0"} for i in range(40)]
    members = {"2": {r["internal_id"] for r in records[::2]}}

    def handler(method, path, params, body, headers):
        params = params or {}
        if path == API_ROOT + "/v1/groups/":
            return page(GROUPS)
        time.sleep(0.005)  # pages in flight together, as on a real gateway
        found = [r for r in records if "groups__in" not in params or r["internal_id"] in members.get(params["groups__in"], ())]
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 5))
        return 200, {"meta": {"offset": offset, "limit": limit, "total_count": len(found)},
                     "objects": found[offset:offset + limit]}

    transport = FakeTransport(handler)
    client = HarmonyMobileClient(transport, "cid", "key", concurrency=4, page_size=5)
    found = Tenant(client).all_devices()
    assert [d["id"] for d in found] == [r["internal_id"] for r in records]
    assert [d["groups"] for d in found[:3]] == [["Sales"], [], ["Sales"]]
    membership_reads = [c["params"]["groups__in"] for c in transport.api_calls() if "groups__in" in c["params"]]
    assert sorted(set(membership_reads)) == ["1", "2", "3", "4", "5"]
    # The probe (5) reads once; each group's list once, in as many pages as it has.
    assert membership_reads.count("5") == 1 and membership_reads.count("1") == 1


def test_a_membership_refusal_is_read_once_however_many_pages_need_it():
    from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
    records = [{"internal_id": str(100 + i), "name": "D%d" % i, "email": "d%d@example.com" % i, "risk": "0",
                "status": "0"} for i in range(40)]

    def ignores_groups_in(method, path, params, body, headers):
        params = params or {}
        if path == API_ROOT + "/v1/groups/":
            return page(GROUPS)
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 5))
        return 200, {"meta": {"offset": offset, "limit": limit, "total_count": len(records)},
                     "objects": records[offset:offset + limit]}

    transport = FakeTransport(ignores_groups_in)
    tenant = Tenant(HarmonyMobileClient(transport, "cid", "key", concurrency=4, page_size=5))
    with pytest.raises(ApiError, match="the service ignored groups__in"):
        tenant.all_devices()
    probes = [c for c in transport.api_calls() if c["params"].get("groups__in") == "5"]
    assert len(probes) == 1  # not once per page that waited for the membership


NOW = 1_796_000_000_000  # epoch ms
DAY_MS = 86_400_000
# Each device's status history: (status, from, to or None for now).
HISTORY = {
    "20": [("0", NOW - 10 * DAY_MS, None)],                                   # notified 10 days ago, still waiting
    "21": [("0", NOW - 3 * DAY_MS, None)],                                    # notified 3 days ago
    "22": [("0", NOW - 10 * DAY_MS, NOW - 5 * DAY_MS), ("1", NOW - 5 * DAY_MS, NOW - 2 * DAY_MS),
           ("0", NOW - 2 * DAY_MS, None)],                                    # registered, then notified again
    "23": [("1", NOW - 30 * DAY_MS, None)],                                   # active all along
    "24": [("0", NOW - 90 * DAY_MS, None)],                                   # notified 90 days ago
}


def history_service(bounds="honoured", failing_status=None, reading="in_status", status="honoured", history=None,
                    spelling="ignored", status_in="honoured"):
    """A device list answering call 5 from ``history`` (default HISTORY) under ``reading``: ``in_status``, the
    devices that had ``status`` at some time in [time_gte, time_lte); ``entered``, those with a change into it
    in the window. ``status="ignored"``: any status counts. Also answers status_in (unless ``status_in`` is
    ``ignored``, as a Tastypie service does) and one device by id."""
    history = HISTORY if history is None else history

    def record(device_id):
        return {"internal_id": device_id, "email": "u%s@example.com" % device_id, "risk": "0",
                "status": history[device_id][-1][0], "groups": [{"id": 1, "name": "ALL"}]}

    def handler(method, path, params, body, headers):
        params = params or {}
        if path == API_ROOT + "/v1/groups/":
            return page(GROUPS[:1])
        if path.startswith(API_ROOT + "/v1/device_status/") and path != API_ROOT + "/v1/device_status/":
            device_id = path.rstrip("/").rsplit("/", 1)[1]
            return (200, record(device_id)) if device_id in history else (404, {"error": "not found"})
        if failing_status is not None and params.get("status") == failing_status:
            return 503, {"error": "maintenance"}
        start = int(params.get("time_gte", 0))
        end = int(params.get("time_lte", 2 ** 62))
        found = []
        for device_id, spells in sorted(history.items()):
            if "status_in" in params and status_in == "honoured" and \
                    spells[-1][0] not in params["status_in"].split(","):
                continue
            # Tastypie's status__in: ignored, read as codes, or as names (then a code matches nothing).
            if "status__in" in params and spelling != "ignored" and (
                    spelling == "names" or spells[-1][0] not in params["status__in"].split(",")):
                continue
            if "status" in params:
                if bounds == "ignored":
                    had = spells[-1][0] == params["status"]
                else:
                    had = any((status == "ignored" or s == params["status"]) and (
                        start <= begin < end if reading == "entered" else begin < end and (until or NOW) > start)
                        for s, begin, until in spells)
                if not had:
                    continue
            found.append(record(device_id))
        return page(found)

    return handler


def at_now():
    return datetime.datetime.fromtimestamp(NOW / 1000, datetime.timezone.utc)


@pytest.mark.parametrize("reading", ["in_status", "entered"])
def test_held_status_is_exact_under_either_reading_of_call_5(reading):
    tenant, warnings, transport = tenant_of(history_service(reading=reading))
    held = tenant.held_status(0, 7, at_now())
    assert held.reading == reading and held.exact is True and held.window_enforced is True and warnings == []
    assert held.ids == {"20", "24"} and held.in_status == {"20", "21", "22", "24"}
    # The reading is told once per task; a second question reads only its own windows.
    before = len(transport.api_calls())
    assert tenant.held_status(0, 60, at_now()).ids == {"24"}
    assert len(transport.api_calls()) - before <= (3 if reading == "entered" else 8)


LONG_HISTORY = {
    "30": [("0", NOW - 10 * DAY_MS, None)],                                   # 10 days
    "31": [("0", NOW - 20 * DAY_MS, None)],                                   # 20 days
    "32": [("0", NOW - 45 * DAY_MS, None)],                                   # 45 days
    "33": [("0", NOW - 120 * DAY_MS, None)],                                  # 120 days
    "34": [("0", NOW - 80 * DAY_MS, NOW - 40 * DAY_MS), ("1", NOW - 40 * DAY_MS, NOW - 25 * DAY_MS),
           ("0", NOW - 25 * DAY_MS, None)],                                   # 25 days, an earlier invitation
    "35": [("1", NOW - 50 * DAY_MS, None)],                                   # active
}


@pytest.mark.parametrize("reading", ["in_status", "entered"])
def test_longer_waits_are_exact_under_either_reading_and_read_only_the_stretch_before_the_first_cutoff(reading):
    tenant, warnings, transport = tenant_of(history_service(reading=reading, history=LONG_HISTORY))
    held = tenant.held_status(0, 7, at_now())
    assert held.exact and held.ids == {"30", "31", "32", "33", "34"}
    before = len(transport.api_calls())
    found = tenant.held_longer(0, held, [14, 30, 60, 90], at_now())
    assert found == {14: {"31", "32", "33", "34"}, 30: {"32", "33"}, 60: {"33"}, 90: {"33"}} and warnings == []
    windows = [c["params"] for c in transport.api_calls()[before:] if "status" in (c["params"] or {})]
    # Never a window since the first cutoff (held vouches for it); under entered one between each two cutoffs;
    # under in_status one before each cutoff and the other statuses over the stretch, then, because device 34
    # had another status (active) in it, that status since each cutoff at which 34 was waiting (14 and 60 days;
    # at 30 it was active, and 90 is the stretch).
    assert all(int(p["time_lte"]) <= NOW - 7 * DAY_MS for p in windows)
    # (under entered an ignored status costs nothing: no probe of a status that does not exist)
    assert len(windows) == (4 if reading == "entered" else 4 + 3 + 2)
    # Nothing held past 7 days: none past longer, asked of nobody; not exact: nothing said.
    nobody = Held(set(), reading, True, True, set(), 7)
    assert tenant.held_longer(0, nobody, [14, 30], at_now()) == {14: set(), 30: set()}
    assert tenant.held_longer(0, Held(None, reading, False, False, set(), 7), [14], at_now()) == {}


def test_longer_waits_under_in_status_cost_one_window_per_cutoff_when_no_device_had_another_status():
    history = {k: v for k, v in LONG_HISTORY.items() if k != "34"}
    tenant, _warnings, transport = tenant_of(history_service(reading="in_status", history=history))
    held = tenant.held_status(0, 7, at_now())
    before = len(transport.api_calls())
    assert tenant.held_longer(0, held, [14, 30, 60, 90], at_now())[60] == {"33"}
    assert len(transport.api_calls()) - before == 4 + 3


def test_longer_waits_are_unknown_when_the_service_ignores_the_bounds():
    tenant, _warnings, _transport = tenant_of(history_service(reading="entered", history=LONG_HISTORY))
    held = tenant.held_status(0, 7, at_now())
    ignoring = tenant_of(history_service(reading="entered", history=LONG_HISTORY, bounds="ignored"))[0]
    assert ignoring.held_longer(0, held, [14], at_now()) == {}


def test_under_in_status_every_window_is_narrowed_to_the_devices_in_the_status_now():
    tenant, _warnings, transport = tenant_of(history_service(reading="in_status"))
    tenant.held_status(0, 7, at_now())
    windows = [c["params"] for c in transport.api_calls() if "time_gte" in (c["params"] or {})
               and c["params"]["status"] != "99" and int(c["params"]["time_gte"]) > 0]
    assert {w["status"] for w in windows} == {"-1", "0", "1", "4"}
    # The "other status since" windows ask only for devices notified now, so they never return every active one.
    assert all(w.get("status_in") == "0" for w in windows)


def test_held_status_under_entered_with_the_status_ignored_is_still_exact():
    tenant, warnings, _transport = tenant_of(history_service(reading="entered", status="ignored"))
    held = tenant.held_status(0, 7, at_now())
    assert held.reading == "entered" and held.exact and held.ids == {"20", "24"}
    assert held.window_enforced is False and any("ignored the status" in w for w in warnings)


def test_held_status_under_in_status_with_the_status_ignored_is_unknown_not_a_number():
    tenant, _warnings, _transport = tenant_of(history_service(reading="in_status", status="ignored"))
    held = tenant.held_status(0, 7, at_now())
    assert held.exact is False and held.ids is None and "status" in held.reason


def test_held_status_on_a_service_that_ignores_the_bounds_says_unknown_and_warns_once_per_cause():
    tenant, warnings, _transport = tenant_of(history_service(bounds="ignored"))
    held = tenant.held_status(0, 7, at_now())
    assert held.window_enforced is False and held.exact is False and held.ids is None
    assert held.reading == "unknown"
    assert warnings and len(warnings) == len(set(warnings))
    assert all("ignored the time window of status_during" in w for w in warnings)


def test_no_device_in_the_status_is_exactly_none_waiting_with_the_reading_unknown():
    history = {"23": HISTORY["23"]}
    tenant, _warnings, transport = tenant_of(history_service(reading="entered", history=history))
    held = tenant.held_status(0, 7, at_now())
    assert held.ids == set() and held.exact and held.reading == "unknown" and "no device" in held.reason


@pytest.mark.parametrize("reading", ["in_status", "entered"])
def test_devices_that_all_changed_into_the_status_just_now_are_exactly_none_waiting(reading):
    history = {"30": [("1", NOW - 9 * DAY_MS, NOW - 60_000), ("0", NOW - 60_000, None)]}
    tenant, _warnings, _transport = tenant_of(history_service(reading=reading, history=history))
    held = tenant.held_status(0, 7, at_now())
    assert held.reading == "unknown" and held.exact and held.ids == set() and "within the last 10" in held.reason


def test_answers_that_fit_neither_reading_are_unknown():
    # A service that returns nothing for any window although devices are in the status: neither reading.
    def handler(method, path, params, body, headers):
        params = params or {}
        if "status" in params:
            return page([])
        return history_service()(method, path, params, body, headers)

    tenant, _warnings, _transport = tenant_of(handler)
    held = tenant.held_status(0, 7, at_now())
    assert held.reading == "entered"  # a device in the status before and after, left out of a window around now
    # A device left out around now that a second read shows in another status changed meanwhile: that fits
    # neither reading, and nothing is said.

    def changed_meanwhile(method, path, params, body, headers):
        status, answer = history_service(reading="in_status")(method, path, params, body, headers)
        if path.endswith("/20/"):
            return status, dict(answer, status="1")
        if "time_gte" in (params or {}) and isinstance(answer, dict):
            return page([r for r in answer["objects"] if r["internal_id"] != "20"])
        return status, answer

    tenant, _warnings, _transport = tenant_of(changed_meanwhile)
    held = tenant.held_status(0, 7, at_now())
    assert held.reading == "unknown" and held.exact is False and held.ids is None and "neither" in held.reason


def test_a_large_status_is_sampled_by_one_of_its_groups():
    history = {str(100 + i): [("0", NOW - (i % 40) * DAY_MS - 1000, None)] for i in range(300)}

    def handler(method, path, params, body, headers):
        answer = history_service(reading="in_status", history=history)(method, path, params, body, headers)
        if path == API_ROOT + "/v1/groups/":
            return page(GROUPS)
        if isinstance(answer[1], dict) and "objects" in answer[1]:
            for record in answer[1]["objects"]:
                record["groups"] = [{"id": 2 + int(record["internal_id"]) % 3, "name": "g"}]
            if "groups__in" in (params or {}):
                wanted = params["groups__in"].split(",")
                answer[1]["objects"] = [r for r in answer[1]["objects"] if str(r["groups"][0]["id"]) in wanted]
                answer[1]["meta"]["total_count"] = len(answer[1]["objects"])
        elif isinstance(answer[1], dict):
            answer[1]["groups"] = [{"id": 2 + int(answer[1]["internal_id"]) % 3, "name": "g"}]
        return answer

    tenant, _warnings, transport = tenant_of(handler)
    listing = tenant.all_devices()
    reading, _fresh, enforced = tenant.status_reading(0, at_now(), listing)
    assert reading == "in_status" and enforced
    around = [c["params"] for c in transport.api_calls() if int((c["params"] or {}).get("time_lte", 0)) > NOW]
    assert around and all(p.get("groups__in") in ("2", "3", "4") for p in around)


def test_held_status_fails_when_one_of_its_reads_fails():
    tenant, _warnings, _transport = tenant_of(history_service(failing_status="4"))
    with pytest.raises(ApiError):
        tenant.held_status(0, 7, at_now())


@pytest.mark.parametrize("spelling", ["codes", "names", "ignored"])
def test_the_tastypie_status_spelling_is_sent_only_once_an_answer_shows_it_returns_every_device(spelling):
    tenant, _warnings, transport = tenant_of(history_service(reading="in_status", spelling=spelling))
    held = tenant.held_status(0, 7, at_now())
    # Whatever the service makes of it, the waits are exact: a spelling that returns too few is never trusted.
    assert held.reading == "in_status" and held.exact and held.ids == {"20", "24"}
    since = [c["params"] for c in transport.api_calls()
             if (c["params"] or {}).get("status") in ("-1", "1", "4") and int(c["params"].get("time_gte", 0)) > 0]
    assert since and all(("status__in" in p) == (spelling != "names") for p in since)


def test_two_empty_answers_never_vouch_for_the_status_spelling():
    # Under "entered" with no device changed lately, the window around now is empty with or without the spelling:
    # that shows nothing, so the read that counts (changes into the status since the cutoff) goes without it.
    tenant, _warnings, transport = tenant_of(history_service(reading="entered", spelling="names"))
    held = tenant.held_status(0, 7, at_now())
    assert held.reading == "entered" and held.exact and held.ids == {"20", "24"}
    since = [c["params"] for c in transport.api_calls()
             if (c["params"] or {}).get("status") == "0" and int(c["params"].get("time_gte", 0)) == NOW - 7 * DAY_MS]
    assert since and all("status__in" not in p for p in since)


def test_a_tastypie_service_under_entered_gets_the_spelling_it_applies_when_the_reading_showed_nothing():
    # Nothing changed lately: the reading's windows are empty either way. A windowless read of a sample shows
    # status__in applied, so the windows are narrowed to the devices in the status now, and status_in (which the
    # service ignores) is not warned about.
    tenant, warnings, transport = tenant_of(history_service(reading="entered", spelling="codes", status_in="ignored"))
    held = tenant.held_status(0, 7, at_now(), listing=tenant.all_devices())
    assert held.reading == "entered" and held.exact and held.ids == {"20", "24"} and warnings == []
    since = [c["params"] for c in transport.api_calls()
             if (c["params"] or {}).get("status") == "0" and int(c["params"].get("time_gte", 0)) == NOW - 7 * DAY_MS]
    assert since and all(p.get("status__in") == "0" for p in since)


@pytest.mark.parametrize("around, still, before, want", [
    ({"1", "2", "3"}, set(), {"2"}, ("in_status", set())),        # all around now, one also before: in_status
    ({"1"}, {"2"}, None, ("entered", set())),                      # left out yet still in the status: entered
    ({"1", "2", "3"}, set(), set(), ("unknown", {"1", "2", "3"})),  # all just changed: short waits, no reading
    ({"1"}, set(), None, ("unknown", set())),                      # left out and gone from the status: neither
    ({"1", "2", "3"}, set(), None, ("unknown", set())),            # no earlier window asked: cannot tell
])
def test_what_call_5_answers_show_of_its_reading(around, still, before, want):
    assert devices.reading_of({"1", "2", "3"}, around, still, before) == want
    assert devices.reading_of(set(), around, still, before) == ("unknown", set())


@pytest.mark.parametrize("reading", ["entered", "in_status"])
def test_status_during_tells_the_reading_from_a_sample_not_the_whole_status(reading):
    """hm_device_info's status_during reads call 5's reading from a page or two of the devices in the window's
    status, not all of them: 3,000 active devices, pages of 100."""
    history = {str(1000 + i): [("1", NOW - 30 * DAY_MS, None)] for i in range(3000)}

    def handler(method, path, params, body, headers):
        answer = history_service(reading=reading, history=history)(method, path, params, body, headers)
        if path == API_ROOT + "/v1/groups/":
            return page(GROUPS)
        if isinstance(answer[1], dict) and "objects" in answer[1]:
            found = answer[1]["objects"]
            for record in found:
                record["groups"] = [{"id": 2 + int(record["internal_id"]) % 3, "name": "g"}]
            if "groups__in" in (params or {}):
                found = [r for r in found if str(r["groups"][0]["id"]) in params["groups__in"].split(",")]
            offset, limit = int((params or {}).get("offset", 0)), int((params or {}).get("limit", 100))
            return 200, {"meta": {"offset": offset, "limit": limit, "total_count": len(found)},
                         "objects": found[offset:offset + limit]}
        if isinstance(answer[1], dict):
            answer[1]["groups"] = [{"id": 2 + int(answer[1]["internal_id"]) % 3, "name": "g"}]
        return answer

    transport = FakeTransport(handler)
    tenant = Tenant(HarmonyMobileClient(transport, "cid", "key", page_size=100))
    start = at_now() - datetime.timedelta(days=1)
    assert tenant.window_reading(devices.StatusWindow(1, start, None), now=at_now()) == reading
    lists = [c["params"] or {} for c in transport.api_calls() if c["path"] == API_ROOT + "/v1/device_status/"]
    # The sample: three pages of the status (201 devices), not thirty; it is narrowed to one of its groups.
    assert len([p for p in lists if "time_gte" not in p and "time_lte" not in p]) == 3
    # In all: the sample, the window's two probes and the windows around now (under in_status, every device of
    # that group, 1,000 of them, comes back: ten pages); 34 and 44 when the whole status was read.
    assert len(lists) <= (7 if reading == "entered" else 17)
