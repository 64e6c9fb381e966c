"""Call 5 read both ways, for real over HTTP (docs/api-notes.md, "Call 5: two readings").

The guide's call 5 ("devices that had a specific status during time interval") may return the devices that changed
into the status inside the window (the simulator's ``status_reading: entered``) or those in it at any time in the
window (``in-status``). On the issue's tenant - 600 devices, 105 invitations waiting 9 to 90 days - the fleet
report, the hygiene and ``status_during`` must tell the reading from the service's answers and give the tenant's
own numbers under both, with the service applying the window, ignoring its status or ignoring its bounds; and say
"unknown", never a number, where the answers cannot tell.
"""

import csv
import io
import json
import os
import time

import pytest

from tests.support import Simulator, one_line, one_task_play, run_playbook

DAY_MS = 86400 * 1000
UNANSWERED_DAYS = 7

REPORT = one_task_play("Report", "hm_fleet_report") + """        dest: %(dest)s
        unanswered_days: %(days)d
      register: report
    - name: hand over
      ansible.builtin.copy:
        content: "{{ report | to_json }}"
        dest: %(out)s
        mode: "0600"
"""

HYGIENE = one_task_play("Hygiene", "hm_registration_hygiene") + """        resend_after_days: %(days)d
        resend_every_days: 7
        state_file: %(state)s
      register: hygiene
      ignore_errors: true
    - name: hand over
      ansible.builtin.copy:
        content: "{{ hygiene | to_json }}"
        dest: %(out)s
        mode: "0600"
"""

WINDOW = """
- name: Status during
  hosts: localhost
  gather_facts: false
  tasks:
    - name: window
      secops.mobile_security.hm_device_info:
        status_during:
          status: user_notified
          from: 30d
        fields: [id]
      register: window
    - name: hand over
      ansible.builtin.copy:
        content: "{{ window | to_json }}"
        dest: %(out)s
        mode: "0600"
"""


def ago(days):
    return int(time.time() * 1000) - int(days * DAY_MS)


def issue_tenant():
    """The issue's tenant: 600 devices, 105 invitations waiting 9 to 90 days, the rest registered, inactive,
    processing, notified lately, or notified again after registering."""
    records = []

    def add(kind, count, history):
        for i in range(count):
            records.append({"email": "%s%d@corp.example" % (kind, i), "name": "%s %d" % (kind, i),
                            "history": history(i)})

    add("waiting", 105, lambda i: [[0, ago(9 + (i * 81) // 104 + 0.5)]])      # 9.5 to 90.5 days
    add("recent", 25, lambda i: [[0, ago(1 + i % 5)]])                         # 1 to 5 days
    add("again", 10, lambda i: [[0, ago(40)], [1, ago(30)], [0, ago(3)]])      # notified again 3 days ago
    add("active", 340, lambda i: [[0, ago(60)], [1, ago(50 - i % 40)]])
    add("inactive", 80, lambda i: [[0, ago(90)], [1, ago(80)], [4, ago(20 + i % 30)]])
    add("processing", 40, lambda i: [[-1, ago(i % 20 + 1)]])
    assert len(records) == 600
    return records


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    sim = Simulator(str(tmp_path_factory.mktemp("call5"))).start()
    sim.add_devices(issue_tenant())
    yield sim
    sim.stop()


def waiting_longer(sim, days=UNANSWERED_DAYS):
    """The simulator's own count: e-mails of devices in user_notified now whose latest change into it is older than
    ``days`` (from its history rows, nothing of the collection)."""
    now_ms = time.time() * 1000
    latest = {}
    for row in sim.control("GET", "status_history"):
        if row["end_ms"] is None:
            latest[row["device_id"]] = row
    return {r["email"] for r in sim.all_devices()
            if str(r["status"]) == "0" and latest[str(r["internal_id"])]["start_ms"] <= now_ms - days * DAY_MS}


def days_waiting(sim):
    """The simulator's own wait of each device in user_notified now, in days (float), by e-mail."""
    now_ms = time.time() * 1000
    latest = {row["device_id"]: row for row in sim.control("GET", "status_history") if row["end_ms"] is None}
    return {r["email"]: (now_ms - latest[str(r["internal_id"])]["start_ms"]) / DAY_MS for r in sim.all_devices()
            if str(r["status"]) == "0"}


def run(sim, tmp_path, text, name, **values):
    out = tmp_path / ("%s.json" % name)
    playbook = tmp_path / ("%s.yml" % name)
    playbook.write_text(text % dict(values, out=str(out)))
    result = run_playbook(str(playbook), sim)
    assert result.returncode == 0, result.stdout[-4000:]
    return json.loads(out.read_text()), result.stdout


# (status_reading, status_window, other switches): what the report and the hygiene must then say.
CASES = [
    ("entered", "honoured", {}, "entered"),
    ("in-status", "honoured", {}, "in_status"),
    ("entered", "status-ignored", {}, "entered"),
    ("in-status", "status-ignored", {}, None),
    ("entered", "ignored", {}, None),
    ("in-status", "ignored", {}, None),
    ("entered", "honoured", {"device_filters": "doc", "group_filter": "subtree"}, "entered"),
    ("in-status", "honoured", {"device_filters": "doc", "device_groups": "absent"}, "in_status"),
]


@pytest.mark.parametrize("reading, window, others, told", CASES,
                         ids=["%s-%s%s" % (c[0], c[1], "-" + "-".join(sorted(c[2].values())) if c[2] else "")
                              for c in CASES])
def test_the_report_and_the_hygiene_count_the_invitations_the_tenant_holds_under_either_reading(
        sim, tmp_path, reading, window, others, told):
    want = waiting_longer(sim)
    assert len(want) == 105
    sim.variants(status_reading=reading, status_window=window, **others)
    try:
        report, shown = run(sim, tmp_path, REPORT, "report", dest=str(tmp_path / "out"), days=UNANSWERED_DAYS)
        [json_file] = [os.path.join(tmp_path / "out", n) for n in os.listdir(tmp_path / "out") if n.endswith(".json")]
        with open(json_file) as handle:
            full = json.load(handle)
        before = len(sim.resends())
        state = tmp_path / "resends.json"
        first, first_shown = run(sim, tmp_path, HYGIENE, "hygiene", days=UNANSWERED_DAYS, state=str(state))
        resent = [r["email"] for r in sim.resends()[before:]]
        second, _shown = run(sim, tmp_path, HYGIENE, "again", days=UNANSWERED_DAYS, state=str(state))
    finally:
        sim.variants()
    summary = report["report"]
    if told:
        # Exact under the reading the service's answers showed: the tenant's own count, every device named.
        assert summary["status_reading"] == told and summary["unanswered_known"] is True
        assert summary["counts"]["unanswered"] == len(want) == 105
        flagged = {d["email"] for d in full["devices"] if "unanswered" in d["flags"]}
        assert flagged == want
        waits = [d for d in full["devices"] if d["email"] in want]
        assert all(d["waiting"]["at_least_days"] >= UNANSWERED_DAYS and d["first_seen"] for d in waits)
        # Each row says the largest of 7, 14, 30, 60 and 90 days the device passed, and the next as a bound: true
        # of the simulator's own wait (invitations of 9 to 90 days), never "first seen" today.
        real = days_waiting(sim)
        for row in waits:
            wait, bounds = real[row["email"]], row["waiting"]
            passed = max(days for days in (UNANSWERED_DAYS, 14, 30, 60, 90) if wait > days + 0.01)
            assert passed <= bounds["at_least_days"] <= wait, (row["email"], wait, bounds)
            assert bounds["fewer_than_days"] is None or wait < bounds["fewer_than_days"] + 0.01, (wait, bounds)
        assert len({d["waiting"]["at_least_days"] for d in waits}) >= 3
        texts = {d["email"]: d["waited"] for d in csv.DictReader(io.StringIO(
            open(json_file[:-5] + ".csv").read()))}
        assert not [t for t in texts.values() if "first seen" in t or "at least 0 " in t], texts
        assert "first_seen" in full and "awaiting_since" not in full
        assert first.get("failed") is not True, first.get("msg")
        assert first["status_reading"] == told and first["summary"]["resent"] == 105
        assert sorted(resent) == sorted(want)
        assert second["summary"]["resent"] == 0 and len(sim.resends()) == before + 105
    else:
        # Cannot be told: unknown, never a number; the hygiene acts on nothing and says why.
        assert summary["status_reading"] == "unknown" and summary["unanswered_known"] is False
        assert summary["counts"]["unanswered"] is None
        assert first["failed"] is True and first["status_reading"] == "unknown"
        assert one_line(first["msg"]).startswith("force: ")
        assert resent == [] and len(sim.resends()) == before
    if window == "ignored":
        assert "ignored the time window" in one_line(shown)


@pytest.mark.parametrize("reading, told", [("entered", "entered"), ("in-status", "in_status")])
def test_status_during_says_which_reading_its_answer_is(sim, tmp_path, reading, told):
    now_ms = time.time() * 1000
    start_ms = now_ms - 30 * DAY_MS
    rows = sim.control("GET", "status_history")
    if reading == "entered":
        want = {r["device_id"] for r in rows if r["status"] == 0 and r["start_ms"] >= start_ms}
    else:
        want = {r["device_id"] for r in rows if r["status"] == 0 and (r["end_ms"] is None or r["end_ms"] > start_ms)}
    sim.variants(status_reading=reading)
    try:
        answer, _shown = run(sim, tmp_path, WINDOW, "window")
        sim.variants(status_reading=reading, status_window="ignored")
        ignored, _shown = run(sim, tmp_path, WINDOW, "ignored")
    finally:
        sim.variants()
    assert answer["status_reading"] == told and answer["window_enforced"] is True
    assert {d["id"] for d in answer["devices"]} == want
    assert ignored["status_reading"] == "unknown" and ignored["window_enforced"] is False


@pytest.mark.parametrize("reading, told", [("entered", "entered"), ("in-status", "unknown")])
def test_status_during_with_the_status_ignored_keeps_devices_in_it_now_and_says_what_it_can(
        sim, tmp_path, reading, told):
    notified_now = {str(r["internal_id"]) for r in sim.all_devices() if str(r["status"]) == "0"}
    sim.variants(status_reading=reading, status_window="status-ignored")
    try:
        answer, shown = run(sim, tmp_path, WINDOW, "window")
    finally:
        sim.variants()
    # Under "entered" a device left out around now although in the status tells the reading even so; under
    # "in-status" with any status counted, nothing tells "in the status" from "all changed just now".
    assert answer["status_reading"] == told and answer["window_enforced"] is False
    assert {d["id"] for d in answer["devices"]} <= notified_now
    assert "ignored the status of status_during" in one_line(shown)


def test_no_device_in_user_notified_is_exactly_zero_unanswered_with_the_reading_unknown(tmp_path):
    (tmp_path / "sim").mkdir()
    sim = Simulator(str(tmp_path / "sim")).start()
    try:
        sim.add_devices([{"email": "a%d@corp.example" % i, "history": [[0, ago(40)], [1, ago(30)]]} for i in range(5)])
        report, _shown = run(sim, tmp_path, REPORT, "report", dest=str(tmp_path / "out"), days=UNANSWERED_DAYS)
        hygiene, _shown = run(sim, tmp_path, HYGIENE, "hygiene", days=UNANSWERED_DAYS,
                              state=str(tmp_path / "resends.json"))
    finally:
        sim.stop()
    summary = report["report"]
    assert summary["counts"]["unanswered"] == 0 and summary["unanswered_known"] is True
    assert summary["status_reading"] == "unknown"
    assert hygiene.get("failed") is not True and hygiene["changed"] is False
    assert hygiene["status_reading"] == "unknown" and hygiene["summary"]["resent"] == 0
