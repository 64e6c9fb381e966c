"""Registration hygiene through real ansible-playbook runs against the simulator: who gets a resend, who is deleted,
never twice, within the delete guard, and nothing at all from a service that ignores the status window."""

import json
import time

import pytest

from tests.simulator.variants import VARIANTS
from tests.support import one_line, one_task_play, run_playbook

DAY_MS = 86400 * 1000

PLAYBOOK = one_task_play("Hygiene", "hm_registration_hygiene") + """%(options)s      register: hygiene
      ignore_errors: true
    - name: hand over
      ansible.builtin.copy:
        content: "{{ hygiene | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
      check_mode: false
"""


def ago(days):
    return int(time.time() * 1000) - int(days * DAY_MS)


def fleet(sim):
    """A tenant whose devices cover every case; {short name: id}."""
    make = [
        ("fresh", {"history": [[0, ago(2)]], "number": "+15550000001"}),   # notified 2 days ago
        ("week", {"history": [[0, ago(10)]], "number": "+15550000002"}),    # notified 10 days ago
        ("month", {"history": [[0, ago(40)]]}),                             # notified 40 days ago
        ("quarter", {"history": [[0, ago(90)]]}),                           # notified 90 days ago
        ("active", {"history": [[0, ago(40)], [1, ago(20)]]}),              # registered 20 days ago
        # Notified 40 days ago, registered, removed the app, invited again 2 days ago: notified 2 days only.
        ("again", {"history": [[0, ago(40)], [1, ago(30)], [4, ago(10)], [0, ago(2)]]}),
        # Notified 40 days ago, registered 5 days ago, marked notified again yesterday: its stretch is 1 day.
        ("relapse", {"history": [[0, ago(40)], [1, ago(5)], [0, ago(1)]]}),
        ("processing", {"history": [[-1, ago(40)]]}),
        ("other", {"history": [[0, ago(40)]], "groups": ["Elsewhere"]}),    # outside the groups scope
    ]
    sim.api("POST", "/app/SBM/external_api/v1/groups/", json={"name": "Field"})
    sim.api("POST", "/app/SBM/external_api/v1/groups/", json={"name": "Field-North", "parent_id": group_id(sim, "Field")})
    sim.api("POST", "/app/SBM/external_api/v1/groups/", json={"name": "Elsewhere"})
    records = [dict(spec, email="%s@example.com" % name, name=name.title(),
                    groups=spec.get("groups", ["Field-North"])) for name, spec in make]
    ids = dict(zip([name for name, _spec in make], sim.add_devices(records)))
    sim.reset_stats()
    return ids


def group_id(sim, name):
    return next(g["id"] for g in sim.api("GET", "/app/SBM/external_api/v1/groups/")["objects"] if g["name"] == name)


def hygiene(sim, tmp_path, options, args=(), name="out"):
    playbook = tmp_path / ("%s.yml" % name)
    lines = "".join("        %s\n" % line for line in options)
    playbook.write_text(PLAYBOOK % {"options": lines})
    out = tmp_path / ("%s.json" % name)
    run = run_playbook(str(playbook), sim, extra_vars={"out": str(out)}, args=list(args))
    assert run.returncode == 0, run.stdout[-4000:]
    return json.loads(out.read_text()), run.stdout


def sent_to(sim):
    return [r["email"] for r in sim.resends()]


# Both readings of call 5 (the devices that changed into the status inside a window, or those in it at any time in
# it): the fleet's re-notified devices ("again", "relapse") have a short stretch under either.
@pytest.mark.parametrize("device_filters, status_reading", [(f, "entered") for f in VARIANTS["device_filters"]]
                         + [("tastypie", "in-status")])
def test_resends_only_past_n_days_once_within_m_days_and_deletes_past_k(sim, tmp_path, device_filters, status_reading):
    ids = fleet(sim)
    sim.variants(device_filters=device_filters, status_reading=status_reading)
    state = tmp_path / "resends.json"
    options = ["resend_after_days: 7", "resend_every_days: 7", "delete_after_days: 60", "max_deletes: all",
               "groups: [Field]", "send_reg_sms: true", "state_file: %s" % state]

    # Check mode plans, sends nothing, deletes nothing, and the diff names each device.
    planned, shown = hygiene(sim, tmp_path, options, args=["--check", "--diff"], name="plan")
    assert planned["changed"] is True and planned["predicted"] is True
    assert [(i["action"], i["email"], i["result"]) for i in planned["devices"]] == [
        ("resend", "week@example.com", "planned"), ("resend", "month@example.com", "planned"),
        ("delete", "quarter@example.com", "planned")]
    assert planned["summary"] == {"resent": 2, "deleted": 1, "unchanged": 0, "failed": 0}
    assert sorted(planned["diff"]["before"]["devices"]) == ["month@example.com", "quarter@example.com",
                                                            "week@example.com"]
    assert sorted(planned["diff"]["after"]["devices"]) == ["month@example.com", "week@example.com"]
    assert planned["diff"]["after"]["devices"]["week@example.com"]["invitation"] == "resent by e-mail and SMS"
    assert planned["diff"]["after"]["devices"]["month@example.com"]["invitation"] == "resent by e-mail"
    assert "-        \"quarter@example.com\": {" in shown
    assert sim.resends() == [] and sim.deletions() == [] and not state.exists()
    assert sim.stats().get("writes", 0) == 0

    done, _shown = hygiene(sim, tmp_path, options, name="run")
    assert done["changed"] is True and done["window_enforced"] is True
    assert done["status_reading"] == status_reading.replace("-", "_")
    assert [(i["action"], i["device_id"], i["result"]) for i in done["devices"]] == [
        ("resend", ids["week"], "ok"), ("resend", ids["month"], "ok"), ("delete", ids["quarter"], "ok")]
    assert sorted(sent_to(sim)) == ["month@example.com", "week@example.com"]
    week = next(r for r in sim.resends() if r["email"] == "week@example.com")
    assert week["send_reg_email"] == 1 and week["send_reg_sms"] == 1
    assert [d["email"] for d in sim.deletions()] == ["quarter@example.com"]
    assert sorted(json.loads(state.read_text())["tenants"].popitem()[1]) == sorted([ids["week"], ids["month"]])

    # Within resend_every_days: nothing is sent again, and the result says when the next one is due.
    again, _shown = hygiene(sim, tmp_path, options, name="again")
    assert again["changed"] is False and again["devices"] == []
    assert again["summary"] == {"resent": 0, "deleted": 0, "unchanged": 2, "failed": 0}
    assert sorted(w["email"] for w in again["waiting"]) == ["month@example.com", "week@example.com"]
    assert len(sim.resends()) == 2 and len(sim.deletions()) == 1


def test_the_delete_guard_refuses_the_whole_run_in_check_mode_too(sim, tmp_path):
    fleet(sim)
    options = ["resend_after_days: 7", "delete_after_days: 30", "max_deletes: 1", "groups: [Field]",
               "state_file: %s" % (tmp_path / "resends.json")]
    for args in (["--check"], []):
        refused, _shown = hygiene(sim, tmp_path, options, args=args, name="guard")
        assert refused["failed"] is True
        message = one_line(refused["msg"])
        assert "max_deletes: the run would delete 2 of the 8 devices in groups (Field)" in message
        assert "month@example.com" in message and "quarter@example.com" in message
        assert "nothing was changed" in message
    assert sim.resends() == [] and sim.deletions() == [] and sim.stats().get("writes", 0) == 0
    assert not (tmp_path / "resends.json").exists()

    # Within the guard the same run deletes both and resends to the one past 7 days only.
    allowed, _shown = hygiene(sim, tmp_path, options[:2] + ["max_deletes: 2"] + options[3:], name="allowed")
    assert allowed["summary"] == {"resent": 1, "deleted": 2, "unchanged": 0, "failed": 0}
    assert sent_to(sim) == ["week@example.com"]
    assert sorted(d["email"] for d in sim.deletions()) == ["month@example.com", "quarter@example.com"]


def test_a_service_that_ignores_the_status_window_changes_nothing_unless_forced(sim, tmp_path):
    fleet(sim)
    sim.variants(status_window="ignored")
    options = ["resend_after_days: 7", "delete_after_days: 60", "max_deletes: all", "groups: [Field]",
               "state_file: %s" % (tmp_path / "resends.json")]
    for args in (["--check"], []):
        refused, _shown = hygiene(sim, tmp_path, options, args=args, name="refused")
        assert refused["failed"] is True and refused["window_enforced"] is False
        message = one_line(refused["msg"])
        assert message.startswith("force: the service ignored the status window") and "set force: true" in message.lower()
    assert sim.resends() == [] and sim.deletions() == [] and sim.stats().get("writes", 0) == 0

    # Forced, every device in user_notified now counts as past both thresholds (and the guard still applies).
    forced, shown = hygiene(sim, tmp_path, options + ["force: true"], args=["--check"], name="forced")
    assert forced["window_enforced"] is False and forced["changed"] is True
    assert sorted(i["email"] for i in forced["devices"] if i["action"] == "delete") == [
        "again@example.com", "fresh@example.com", "month@example.com", "quarter@example.com", "relapse@example.com",
        "week@example.com"]
    assert "status window" in one_line(shown)


def test_the_audit_trail_as_the_record_of_resends(sim, tmp_path):
    """With a tenant whose audit trail records resends, no state file is needed: a second run sends nothing."""
    fleet(sim)
    sim.variants(resend_audit="recorded")
    options = ["resend_after_days: 7", "groups: [Field]", "audit_resends: true"]
    first, _shown = hygiene(sim, tmp_path, options, name="first")
    assert first["summary"]["resent"] == 3
    second, _shown = hygiene(sim, tmp_path, options, name="second")
    assert second["changed"] is False and second["summary"]["unchanged"] == 3
    assert sorted(sent_to(sim)) == ["month@example.com", "quarter@example.com", "week@example.com"]


@pytest.mark.parametrize("option, value, expected", [
    ("resend_after_days", -1, "resend_after_days: -1 must be a whole number of days, 1 or more"),
    ("resend_every_days", 0, "resend_every_days: 0 must be a whole number of days, 1 or more"),
    ("delete_after_days", 7, "delete_after_days: 7 must be more than resend_after_days (7)"),
    ("max_deletes", "lots", "max_deletes: 'lots' is not a count (25), a percentage of the scope (20%) or 'all'"),
    ("state_file", None, "state_file: required to resend at most once per resend_every_days"),
])
def test_bad_input_is_refused_naming_the_option_with_nothing_written(sim, tmp_path, option, value, expected):
    fleet(sim)
    options = {"resend_after_days": 7, "state_file": str(tmp_path / "s.json"), option: value}
    lines = ["%s: %s" % (k, json.dumps(v)) for k, v in options.items() if v is not None]
    sim.reset_stats()
    refused, _shown = hygiene(sim, tmp_path, lines, name="bad")
    assert refused["failed"] is True and one_line(refused["msg"]).startswith(expected), refused["msg"]
    assert sim.stats().get("requests", 0) == 0 and sim.resends() == [] and sim.deletions() == []


def test_the_same_tenant_with_its_gateway_written_otherwise_keeps_its_resend_history(sim, tmp_path):
    """Issue 34: the resend record was keyed by the gateway as written, so https://GW.example.com/ one week and
    https://gw.example.com the next lost the history and reminded users again inside resend_every_days. It is
    keyed by clients.tenant_key now, the one identity of a tenant."""
    fleet(sim)
    state = tmp_path / "resends.json"
    options = ["resend_after_days: 7", "resend_every_days: 7", "groups: [Field]", "state_file: %s" % state]
    plain = "gateway_url: http://localhost:%d" % sim.port
    shouted = "gateway_url: HTTP://LOCALHOST:%d/" % sim.port
    first, _shown = hygiene(sim, tmp_path, options + [plain], name="first")
    reminded = ["month@example.com", "quarter@example.com", "week@example.com"]
    assert sorted(i["email"] for i in first["devices"]) == reminded
    again, _shown = hygiene(sim, tmp_path, options + [shouted], name="again")
    assert again["changed"] is False and again["devices"] == [], again["devices"]
    assert sorted(w["email"] for w in again["waiting"]) == reminded
    assert len(sim.resends()) == 3
    assert list(json.loads(state.read_text())["tenants"]) == ["http://localhost:%d %s" % (
        sim.port, first["tenant"]["client_id"])]
