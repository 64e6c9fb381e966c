"""The MSSP index: every tenant of the run, worst first by week-over-week worsening, its cause in words, failed
tenants with their error, and a CSV that says the same."""

import csv
import io

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_index, fleet_report


def result(name, high, before_high=None, medium=5, before_medium=None, stale=1, cause=None, failed=None):
    tenant = {"name": name, "gateway_url": "https://gw.example.com", "client_id": "c-" + name, "tenant_id": "t-" + name,
              "label": "%s: c-%s at gw.example.com" % (name, name)}

    def values(h, m):
        found = dict((level, 0) for level in fleet_report.RISK_LEVELS)
        found.update(high=h, medium=m)
        found.update(stale=stale, never_connected=0, unanswered=2, outdated=3)
        return found

    points = [{"generated_at": "2026-12-07T06:00:00Z", "total": 50, "values": values(high, medium)}]
    change = None
    if before_high is not None:
        points.insert(0, {"generated_at": "2026-11-30T06:00:00Z", "total": 50,
                          "values": values(before_high, medium if before_medium is None else before_medium)})
        change = fleet_history.deltas(points)
    report = {"tenant": tenant, "generated_at": points[-1]["generated_at"], "total": 50,
              "risk": dict((k, v) for k, v in points[-1]["values"].items() if k in fleet_report.RISK_LEVELS),
              "counts": {"stale": stale, "never_connected": 0, "unanswered": 2, "outdated": 3},
              "unanswered_known": True,
              "history": {"points": points, "change": change, "cause": cause or fleet_history.cause(change, None)}}
    found = {"report": report, "tenant": tenant, "files": {"html": "/srv/r/%s-0a1b2c3d-fleet-report.html" % name}}
    if failed:
        found.update(failed=True, msg=failed)
    return found


def failure(name, error):
    return {"failed": True, "msg": error, "tenant": {"name": name, "gateway_url": "https://gw2.example.com",
                                                     "client_id": "c-" + name, "tenant_id": None}}


def test_worst_first_failed_then_worse_by_high_then_first_reports_then_the_rest():
    rows = fleet_index.ranked([
        result("calm", high=3, before_high=5),
        result("newbie", high=40),
        result("slightly", high=4, before_high=4, medium=9, before_medium=5),
        failure("broken", "the service answered 503 for /auth/external"),
        result("alarming", high=20, before_high=8, cause="high +12 (of the 12 new: 8 outdated clients, 4 stale)"),
    ])
    assert [r["tenant"] for r in rows] == ["broken", "alarming", "slightly", "newbie", "calm"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["standing"] for r in rows] == ["failed", "worse", "worse", "first report", "not worse"]
    broken, alarming, slightly, newbie, calm = rows
    assert broken["cause"] == "failed: the service answered 503 for /auth/external" and broken["devices"] is None
    assert broken["error"] == "the service answered 503 for /auth/external"
    assert alarming["cause"] == "high +12 (of the 12 new: 8 outdated clients, 4 stale)"
    assert alarming["change"]["high"] == 12
    assert slightly["cause"] == "medium +4"
    assert newbie["cause"] == "first report: no baseline yet" and newbie["change"]["high"] is None
    assert calm["cause"] == "no worse" and calm["change"]["high"] == -2
    assert alarming["trend"] == [8, 20] and newbie["trend"] == [40]


def test_a_row_has_the_short_name_and_the_connection_details_for_the_hover_never_a_key():
    row = fleet_index.row(result("acme", high=1))
    assert row["tenant"] == "acme"
    assert row["details"] == "client id c-acme; gateway url https://gw.example.com; tenant id t-acme"
    unnamed = fleet_index.row({"failed": True, "msg": "boom", "tenant": {"client_id": "c9"}})
    assert unnamed["tenant"] == "c9"
    assert fleet_index.row({"failed": True, "msg": "boom", "host": "cust-b"})["tenant"] == "cust-b"
    # The role's failure record says error.
    assert fleet_index.row({"failed": True, "error": "503", "tenant": {"name": "cust-c"}})["cause"] == "failed: 503"


def test_a_tenant_over_its_thresholds_has_its_page_and_its_error_and_ranks_with_the_failed():
    rows = fleet_index.ranked([result("worse", high=9, before_high=2),
                               result("tripped", high=3, before_high=2, failed="fail_when: high rose by 1")])
    assert [r["tenant"] for r in rows] == ["tripped", "worse"]
    assert rows[0]["page"] == "tripped-0a1b2c3d-fleet-report.html"
    assert rows[0]["cause"] == "fail_when: high rose by 1; high +1"


def test_a_broken_rule_has_its_own_standing_after_the_unread_and_still_counts_as_worse():
    found = fleet_index.index([result("worse", high=9, before_high=2),
                               result("tripped", high=3, before_high=2, failed="fail_when: high rose by 1"),
                               result("steady", high=2, before_high=2, failed="fail_when: high: 2 devices"),
                               failure("unread", "the service answered 503")])
    assert [(r["tenant"], r["standing"]) for r in found["rows"]] == [
        ("unread", "failed"), ("tripped", "rule broken"), ("steady", "rule broken"), ("worse", "worse")]
    # Both tasks failed; two tenants read whole broke a rule; tripped got worse as well as worse did.
    assert (found["tenants"], found["failed"], found["rule_broken"], found["worse"]) == (4, 3, 2, 2)
    lines = list(csv.DictReader(io.StringIO(fleet_index.render_csv(found["rows"]))))
    assert [r["standing"] for r in lines] == ["failed", "rule broken", "rule broken", "worse"]
    assert lines[1]["high"] == "3" and lines[1]["high_change"] == "1"


def test_the_csv_is_the_same_table_in_the_same_order():
    found = fleet_index.index([result("calm", high=3, before_high=5), failure("broken", "=cmd|' /C calc'!A0"),
                               result("alarming", high=20, before_high=8)])
    assert (found["tenants"], found["failed"], found["worse"]) == (3, 1, 1)
    table = list(csv.DictReader(io.StringIO(fleet_index.render_csv(found["rows"]))))
    assert [r["tenant"] for r in table] == ["broken", "alarming", "calm"]
    assert [r["rank"] for r in table] == ["1", "2", "3"]
    assert table[1]["high"] == "20" and table[1]["high_change"] == "12" and table[1]["cause"] == "high +12"
    # The cause as the page words it, starting with a word: no formula guard needed.
    # The page as the index links it: its file name, beside index.csv (never the controller's path).
    assert table[1]["page"] == "alarming-0a1b2c3d-fleet-report.html"
    assert table[2]["high_change"] == "-2" and table[2]["cause"] == "no worse"
    # A failed tenant: no numbers (not 0), its error, never run by a spreadsheet as a formula.
    assert table[0]["high"] == "" and table[0]["devices"] == "" and table[0]["error"].startswith("'=")
    assert table[0]["standing"] == "failed" and table[0]["client_id"] == "c-broken"


def test_a_report_without_history_ranks_by_its_one_step_trend():
    plain = result("plain", high=7)
    del plain["report"]["history"]
    plain["report"]["trend"] = {"since": "2026-11-30T06:00:00Z",
                                "risk": {"none": -2, "low": 0, "medium": 0, "high": 2, "unknown": 0}}
    row = fleet_index.row(plain)
    # Without the flags' changes (count_changes) those are not known, and said so.
    assert row["standing"] == "worse" and row["change"]["stale"] is None
    assert row["cause"] == "high +2; change unknown: stale, unanswered, outdated, never connected"
    plain["report"]["trend"]["counts"] = {"stale": 0, "never_connected": -1, "unanswered": 0, "outdated": 1}
    row = fleet_index.row(plain)
    assert row["standing"] == "worse" and row["cause"] == "high +2; outdated +1" and row["change"]["stale"] == 0


def unanswered_unknown(name, high, before_high):
    """A tenant whose unanswered change is not known (its status history could not date invitations)."""
    found = result(name, high=high, before_high=before_high)
    history = found["report"]["history"]
    history["change"] = dict(history["change"], unanswered=None)
    history["cause"] = fleet_history.cause(history["change"], None)
    return found


def test_a_change_not_known_is_ranked_on_its_own_after_known_worsening_never_as_no_change():
    rows = fleet_index.ranked([
        result("calm", high=3, before_high=5),
        unanswered_unknown("murky", high=3, before_high=5),
        result("alarming", high=20, before_high=8),
        unanswered_unknown("murky-worse", high=9, before_high=5),
    ])
    assert [r["tenant"] for r in rows] == ["alarming", "murky-worse", "murky", "calm"]
    assert [r["standing"] for r in rows] == ["worse", "worse", "change unknown", "not worse"]
    assert rows[2]["cause"] == "change unknown: unanswered"
    assert rows[1]["cause"] == "high +4; change unknown: unanswered"
    # The row and the CSV say unknown, never an empty cell or a 0.
    view = fleet_index.page_view([unanswered_unknown("murky", high=3, before_high=5)])
    headers = view["headers"]
    assert view["rows"][0]["cells"][headers.index("unanswered")] == "2 (change unknown)"
    assert view["rows"][0]["cells"][headers.index("high risk")] == "3 (-2)"
    lines = {r["tenant"]: r for r in csv.DictReader(io.StringIO(fleet_index.render_csv(rows)))}
    assert lines["murky"]["unanswered_change"] == "unknown" and lines["murky"]["standing"] == "change unknown"
    assert lines["calm"]["unanswered_change"] == "0" and lines["calm"]["high_change"] == "-2"


def test_the_page_view_has_cells_with_changes_a_trend_and_the_page_beside_it():
    view = fleet_index.page_view([result("alarming", high=20, before_high=8), failure("broken", "503")])
    broken, alarming = view["rows"]
    assert alarming["cells"][0] == "20 (+12)" and alarming["cells"][1] == "5"
    assert alarming["link"] == "alarming-0a1b2c3d-fleet-report.html"
    assert alarming["spark"]["label"] == "high-risk devices over 2 reports, oldest first: 8, 20"
    assert broken["cells"] == ["unknown"] * 6 and broken["spark"] is None and broken["link"] is None


def test_outdated_clients_nobody_reported_are_unknown_in_the_index_and_its_csv_never_0():
    # No device reported its client version: compute counts outdated as None (not 0), and so does the index.
    found = result("versionless", high=3, before_high=3)
    found["report"]["counts"]["outdated"] = None
    for point in found["report"]["history"]["points"]:
        point["values"]["outdated"] = None
    found["report"]["history"]["change"] = fleet_history.deltas(found["report"]["history"]["points"])
    view = fleet_index.page_view([found])
    assert view["rows"][0]["cells"][COUNTED_OUTDATED] == "unknown"
    line = next(csv.DictReader(io.StringIO(fleet_index.render_csv(view["rows"]))))
    assert line["outdated"] == "unknown" and line["outdated_change"] == "unknown"


COUNTED_OUTDATED = fleet_index.COUNTED.index("outdated")
