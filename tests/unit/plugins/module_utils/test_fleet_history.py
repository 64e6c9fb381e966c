"""The fleet report's history: compact entries that still serve as a baseline, trends over the last reports,
new and resolved devices, and the week's worsening in words."""

import datetime
import json

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_report
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from tests.unit.plugins.module_utils.test_fleet_report import GROUPS, TENANT, device

UTC = datetime.timezone.utc
WEEK = datetime.timedelta(days=7)
START = datetime.datetime(2026, 11, 14, 6, 0, tzinfo=UTC)
RECENT = "Fri, 04 Dec 2026 08:00:00 +0000"
OLD = "Fri, 02 Oct 2026 08:00:00 +0000"


def report_at(moment, devices, previous=None, min_client="3.8.1.0001"):
    return fleet_report.compute(GROUPS, devices, moment, 30, 7, min_client, previous, TENANT)


def fleet(week):
    """Eight devices whose risk, connection and client change from week to week (ids stay)."""
    high = {0: {"1", "2"}, 1: {"1", "3", "4"}, 2: {"3", "4", "5", "6"}, 3: {"5", "6", "7", "8"}}[week]
    stale = {0: {"2"}, 1: {"2", "3"}, 2: {"3"}, 3: {"7"}}[week]
    outdated = {0: set(), 1: {"4"}, 2: {"4", "5"}, 3: {"8"}}[week]
    found = []
    for i in range(1, 9):
        key = str(i)
        found.append(device(i, 3 if i % 2 else 4, risk="3" if key in high else "0",
                            last=OLD if key in stale else RECENT,
                            client="3.7.0.0001" if key in outdated else "3.8.1.0001"))
    return found


def weeks(count=4):
    """``count`` weekly reports, each with its compact entry and the one before as its baseline."""
    entries, reports = [], []
    for week in range(count):
        moment = START + week * WEEK
        devices = fleet(week)
        report = report_at(moment, devices, entries[-1] if entries else None)
        reports.append((report, devices))
        entries.append(fleet_history.entry(report, devices))
    return reports, entries


def test_an_entry_keeps_aggregates_and_only_the_tracked_ids_and_is_a_baseline_compute_accepts():
    (report, devices), = weeks(1)[0]
    kept = fleet_history.entry(report, devices)
    assert kept["kind"] == fleet_history.ENTRY_KIND and "devices" not in kept
    assert kept["ids"] == {"high": ["1", "2"], "stale": ["2"], "outdated": []}
    assert kept["risk"] == report["risk"] and kept["counts"] == report["counts"]
    assert [g["path"] for g in kept["groups"]] == [g["path"] for g in report["groups"]]
    # Next week's report takes it as its baseline: the one-step trend and the invitation ages still work.
    after = report_at(START + WEEK, fleet(1), kept)
    assert after["trend"]["risk"]["high"] == 1 and after["trend"]["since"] == report["generated_at"]


def test_four_weeks_give_a_four_point_trend_per_risk_level_and_flag():
    reports, entries = weeks(4)
    report, devices = reports[-1]
    section, _lists = fleet_history.history(report, devices, entries[:-1], reports=8)
    assert section["reports"] == 4
    assert [p["generated_at"] for p in section["points"]] == [e["generated_at"] for e in entries]
    assert section["series"]["high"] == [2, 3, 4, 4]
    assert section["series"]["none"] == [6, 5, 4, 4]
    assert section["series"]["stale"] == [1, 2, 1, 1]
    assert section["series"]["outdated"] == [0, 1, 2, 1]
    # The first report knew no unanswered invitations (no waits were given, no baseline): unknown, not 0.
    assert section["series"]["unanswered"][0] is None
    assert set(section["series"]) == set(fleet_report.RISK_LEVELS + fleet_report.FLAGS)


def test_only_the_last_n_reports_are_points():
    reports, entries = weeks(4)
    report, devices = reports[-1]
    section, _lists = fleet_history.history(report, devices, entries[:-1], reports=2)
    assert section["series"]["high"] == [4, 4] and section["reports"] == 2
    with pytest.raises(UserError, match="trend_reports: must be a whole number of reports, 2 or more, got 1"):
        fleet_history.history(report, devices, entries[:-1], reports=1)


def test_new_and_resolved_devices_per_tracked_kind_against_the_last_report():
    reports, entries = weeks(4)
    report, devices = reports[-1]
    section, lists = fleet_history.history(report, devices, entries[:-1])
    # Week 3 (index 2): high 3,4,5,6; stale 3; outdated 4,5. Week 4: high 5,6,7,8; stale 7; outdated 8.
    assert section["changes"]["high"] == {"known": True, "new": 2, "resolved": 2}
    assert [d["id"] for d in lists["high"]["new"]] == ["7", "8"]
    assert [d["id"] for d in lists["high"]["resolved"]] == ["3", "4"]
    assert [d["id"] for d in lists["stale"]["new"]] == ["7"] and [d["id"] for d in lists["stale"]["resolved"]] == ["3"]
    assert [d["id"] for d in lists["outdated"]["new"]] == ["8"]
    assert sorted(d["id"] for d in lists["outdated"]["resolved"]) == ["4", "5"]
    # A resolved device is shown as it is now.
    assert lists["high"]["resolved"][0]["risk"] == "none" and lists["high"]["resolved"][0]["in_tenant"]


def test_a_device_gone_since_is_resolved_and_shown_by_its_id_only():
    reports, entries = weeks(2)
    report, devices = reports[-1]
    remaining = [d for d in devices if d["id"] != "1"]
    report = report_at(START + WEEK, remaining, entries[0])
    section, lists = fleet_history.history(report, remaining, entries[:1])
    gone = [d for d in lists["high"]["resolved"] if d["id"] == "1"]
    assert gone == [{"id": "1", "name": None, "email": None, "groups": [], "risk": None, "flags": [],
                     "client_version": None, "last_connection": None, "in_tenant": False}]
    assert section["changes"]["high"]["resolved"] == 2


def test_the_first_report_says_there_is_no_baseline_and_knows_no_change():
    (report, devices), = weeks(1)[0]
    section, lists = fleet_history.history(report, devices, [])
    assert section["reports"] == 1 and section["change"] is None and section["cause"] is None
    assert section["changes"]["high"] == {"known": False, "new": None, "resolved": None,
                                          "why": "first report: no baseline yet"}
    assert lists == {}


def test_a_full_report_from_before_entries_is_a_baseline_that_knows_stale_and_outdated_but_not_high():
    reports, _entries = weeks(2)
    (first, _devices), (second, devices) = reports
    section, lists = fleet_history.history(second, devices, [json.loads(json.dumps(first))])
    assert section["changes"]["high"]["known"] is False and "before the history kept device ids" in \
        section["changes"]["high"]["why"]
    assert section["changes"]["stale"] == {"known": True, "new": 1, "resolved": 0}
    assert section["new_high_causes"] is None and section["cause"].startswith("high +1")


def test_the_cause_counts_each_new_high_risk_device_once_under_its_first_reason():
    reports, entries = weeks(3)
    report, devices = reports[-1]
    section, _lists = fleet_history.history(report, devices, entries[:-1])
    # Week 2 -> 3: high 1,3,4 -> 3,4,5,6; new 5 (outdated) and 6 (no flag); stale 2,3 -> 3; outdated 4 -> 4,5.
    assert section["new_high_causes"] == {"outdated": 1, "stale": 0, "never_connected": 0, "unanswered": 0,
                                          "other": 1}
    assert section["cause"] == "high +1 (of the 2 new: 1 outdated client, 1 with no other flag); outdated +1"


def test_cause_in_words():
    change = dict((m, 0) for m in fleet_history.MEASURES)
    assert fleet_history.cause(change, None) == "no worse"
    change.update(high=12, stale=3, medium=-2)
    causes = {"outdated": 8, "stale": 4, "never_connected": 0, "unanswered": 0, "other": 0}
    # The flags in brackets are of the new high-risk devices, not the week's change of each flag.
    assert fleet_history.cause(change, causes) == "high +12 (of the 12 new: 8 outdated clients, 4 stale); stale +3"
    causes.update(outdated=1)
    assert fleet_history.cause(change, causes) == "high +12 (of the 5 new: 1 outdated client, 4 stale); stale +3"
    change.update(unanswered=None)
    assert fleet_history.cause(change, None) == "high +12; stale +3"
    # Each part starts with a word: a spreadsheet never reads it as a formula (no guard needed).
    assert not fleet_history.cause(change, None)[0] in "=+-@"


def test_an_entry_of_100_devices_grows_with_the_tracked_ids_only():
    many = [device(i, 3, risk="3" if i % 4 == 0 else "0", last=RECENT) for i in range(1, 101)]
    report = report_at(START, many)
    kept = json.dumps(fleet_history.entry(report, many))
    assert len(kept) < len(json.dumps(report)) and "u5@example.com" not in kept


def test_a_sparkline_breaks_where_a_value_is_unknown_and_says_every_value():
    line = fleet_history.sparkline([2, None, 4, 4], "high risk")
    assert len(line["segments"]) == 2 and line["segments"][0].count(",") == 1
    assert line["label"] == "high risk over 4 reports, oldest first: 2, unknown, 4, 4"
    assert line["dot"] == {"x": 136.0, "y": 4.0}
    flat = fleet_history.sparkline([3, 3], "stale")
    assert flat["segments"] == ["4.0,14.0 136.0,14.0"]


def test_the_page_view_has_a_line_per_measure_the_numbers_and_the_new_and_resolved_devices():
    reports, entries = weeks(4)
    report, devices = reports[-1]
    report["history"], report["changed_devices"] = fleet_history.history(report, devices, entries[:-1])
    view = fleet_history.page_view(report)
    assert [line["measure"] for line in view["lines"]][:3] == ["high", "medium", "low"]
    assert "unknown" not in [line["measure"] for line in view["lines"]]
    high = view["lines"][0]
    assert (high["now"], high["change"]) == (4, 0) and high["spark"]["label"].endswith("2, 3, 4, 4")
    assert view["numbers"]["rows"][0][0] == entries[0]["generated_at"] and len(view["numbers"]["rows"]) == 4
    kinds = dict((k["kind"], k) for k in view["kinds"])
    assert [row[0] for row in kinds["high"]["new_rows"]] == ["Dev 7", "Dev 8"]
    assert kinds["high"]["resolved_rows"][0][3] == "none"
    assert fleet_history.page_view({"history": None}) is None


def test_the_page_has_the_history_section_with_its_lines_numbers_and_devices():
    from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report_page
    reports, entries = weeks(4)
    report, devices = reports[-1]
    report["history"], report["changed_devices"] = fleet_history.history(report, devices, entries[:-1])
    page = fleet_report_page.render_html(report)
    assert '<h2 id="history">Over the last 4 reports</h2>' in page
    assert 'aria-label="high risk over 4 reports, oldest first: 2, 3, 4, 4"' in page
    assert "High risk: 2 new this week,\n2 resolved since last week</h3>" in page
    assert "<caption>High risk: new this week</caption>" in page and "<th scope=\"row\">Dev 7</th>" in page
    # Unchanged is 0, not +0; a change not known says so.
    high_row = page[page.index('<th scope="row">high risk</th>'):]
    assert '<td class="n">0</td></tr>' in high_row[:high_row.index("</tr>") + 5]
    first = fleet_report_page.render_html(reports[0][0])
    assert "no baseline yet" in first and "Over the last" not in first


def test_outdated_clients_nobody_reported_are_unknown_in_the_trend_and_the_new_and_resolved_lists():
    _reports, (baseline,) = weeks(1)
    versionless = [dict(d, client_version=None) for d in fleet(1)]
    report = report_at(START + WEEK, versionless, baseline)
    assert report["counts"]["outdated"] is None
    section, lists = fleet_history.history(report, versionless, [baseline])
    assert section["series"]["outdated"] == [0, None] and section["change"]["outdated"] is None
    # Not "0 new, 0 resolved": last week's outdated ids cannot be compared with a week nobody reported.
    assert section["changes"]["outdated"]["known"] is False and "outdated" not in lists
    assert "no client version reported" in section["changes"]["outdated"]["why"]
    assert section["changes"]["stale"]["known"] is True
    # The entry keeps it unknown, so next week's change is unknown too, never counted from 0.
    assert fleet_history.entry(report, versionless)["counts"]["outdated"] is None
