"""The fleet report's pure functions: dates in every form, versions, subtree counts, escaping, trend."""

import copy
import csv
import datetime
import io
import json
import re

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import devices as device_shapes
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 12, 5, 9, 0, 0, tzinfo=UTC)
TENANT = {"name": "acme", "gateway_url": "https://gw.example.com", "client_id": "c1", "tenant_id": None,
          "label": "acme: c1 at gw.example.com"}
GROUPS = [
    {"id": 1, "name": "ALL", "parent": None},
    {"id": 2, "name": "EMEA", "parent": {"id": 1, "name": "ALL"}},
    {"id": 3, "name": "EMEA-Sales", "parent": {"id": 2, "name": "EMEA"}},
    {"id": 4, "name": "AMER", "parent": {"id": 1, "name": "ALL"}},
]


def device(i, group, risk="0", status="1", last=None, mail_sent=True, client="3.8.1.0001", os_type="Android",
           name=None):
    names = dict((g["id"], g["name"]) for g in GROUPS)
    return device_shapes.normalise({
        "internal_id": str(i), "name": name or "Dev %d" % i, "email": "u%d@example.com" % i, "risk": risk,
        "status": status, "last_connection": last, "mail_sent": mail_sent, "client_version": client,
        "os_type": os_type, "os_version": "14", "groups": [{"id": group, "name": names[group]}]})


def compute(devices, **options):
    settings = dict(stale_days=30, unanswered_days=7, tenant=TENANT)
    settings.update(options)
    return fleet_report.compute(GROUPS, devices, NOW, **settings)


@pytest.mark.parametrize("last", [
    "Fri, 30 Oct 2026 08:27:11 +0000",   # RFC 2822, as the field notes' sample
    "2026-10-30T08:27:11Z",
    "2026-10-30 08:27:11",
    "10/30/2026 08:27:11",
    int(datetime.datetime(2026, 10, 30, 8, 27, 11, tzinfo=UTC).timestamp()),
    int(datetime.datetime(2026, 10, 30, 8, 27, 11, tzinfo=UTC).timestamp()) * 1000,
    str(int(datetime.datetime(2026, 10, 30, 8, 27, 11, tzinfo=UTC).timestamp()) * 1000),
])
def test_last_connection_in_every_form_is_read_and_a_month_old_device_is_stale(last):
    report = compute([device(1, 3, last=last)])
    assert report["counts"]["stale"] == 1 and report["counts"]["never_connected"] == 0
    assert report["devices"][0]["last_connection"] == "2026-10-30T08:27:11Z"


def test_recent_devices_are_not_stale_and_devices_without_a_time_are_listed_as_never_connected():
    report = compute([device(1, 3, last="Thu, 03 Dec 2026 08:00:00 +0000"), device(2, 3, last="No data", status="0"),
                      device(3, 3, last=None, status="-1", mail_sent=False)])
    assert report["counts"]["stale"] == 0
    assert [d["id"] for d in report["devices"] if "never_connected" in d["flags"]] == ["2", "3"]


@pytest.mark.parametrize("older,newer", [("3.8.9.9999", "3.8.10.0001"), ("3.8", "3.8.0.1"), ("3.7.99", "3.8"),
                                         ("3.8.1.0001", "3.8.1.0002"), ("2.9", "10.0")])
def test_versions_compare_numerically(older, newer):
    assert fleet_report.version_key(older) < fleet_report.version_key(newer)


def test_versions_ignore_trailing_zeros_and_refuse_nothing_numeric():
    assert fleet_report.version_key("3.8.0.0") == fleet_report.version_key("3.8")
    assert fleet_report.version_key("") is None and fleet_report.version_key("beta") is None
    assert fleet_report.version_key(None) is None


def test_outdated_is_older_than_the_newest_seen_or_than_the_minimum_given():
    fleet = [device(1, 3, client="3.8.10.0001", last=NOW.isoformat()), device(2, 3, client="3.8.9.9999"),
             device(3, 3, client="3.8.2.1000"), device(4, 3, client=None)]
    report = compute(fleet)
    assert report["newest_client_version"] == "3.8.10.0001"
    assert sorted(d["id"] for d in report["devices"] if "outdated" in d["flags"]) == ["2", "3"]
    assert [c["version"] for c in report["client_versions"]] == ["3.8.10.0001", "3.8.9.9999", "3.8.2.1000",
                                                                 "unknown"]
    pinned = compute(fleet, min_client_version="3.8.5")
    assert sorted(d["id"] for d in pinned["devices"] if "outdated" in d["flags"]) == ["3"]
    assert pinned["client_baseline"] == "3.8.5"


def test_a_bad_minimum_version_or_day_count_is_refused_naming_the_option():
    with pytest.raises(UserError, match="min_client_version: 'latest' is not a dotted version"):
        compute([], min_client_version="latest")
    with pytest.raises(UserError, match="stale_days: .* got 0"):
        compute([], stale_days=0)
    with pytest.raises(UserError, match="unanswered_days: .* got -1"):
        compute([], unanswered_days=-1)


def test_a_group_counts_its_sub_groups_devices_per_risk():
    fleet = [device(1, 3, risk="3"), device(2, 3, risk="3"), device(3, 2, risk="1"), device(4, 4, risk="2"),
             device(5, 4, risk="x")]
    report = compute(fleet)
    by_name = dict((g["name"], g) for g in report["groups"])
    assert by_name["EMEA-Sales"]["risk"]["high"] == 2 and by_name["EMEA-Sales"]["total"] == 2
    assert by_name["EMEA"]["risk"] == {"none": 0, "low": 1, "medium": 0, "high": 2, "unknown": 0}
    assert by_name["AMER"]["risk"] == {"none": 0, "low": 0, "medium": 1, "high": 0, "unknown": 1}
    assert by_name["ALL"]["total"] == 5 and report["risk"]["unknown"] == 1
    assert by_name["EMEA-Sales"]["path"] == "ALL/EMEA/EMEA-Sales"


def test_a_device_in_two_groups_of_one_subtree_counts_once_there():
    raw = {"internal_id": "9", "risk": "3", "groups": [{"id": 3, "name": "EMEA-Sales"}, {"id": 2, "name": "EMEA"}]}
    report = compute([device_shapes.normalise(raw)])
    by_name = dict((g["name"], g) for g in report["groups"])
    assert by_name["EMEA"]["total"] == 1 and by_name["ALL"]["total"] == 1 and by_name["EMEA-Sales"]["total"] == 1


def test_funnel_counts_mail_sent_and_statuses_and_a_connected_device_counts_as_notified():
    fleet = [device(1, 3, status="-1", mail_sent=False),           # added only
             device(2, 3, status="0", mail_sent=False),            # user notified by status
             device(3, 3, status="-1", mail_sent=True),            # mail sent
             device(4, 3, status="1", mail_sent=False, last=NOW.isoformat()),  # connected (MDM)
             device(5, 3, status="4", mail_sent=True)]              # inactive: connected once
    assert compute(fleet)["funnel"] == {"added": 5, "notified": 4, "connected": 2}


def test_unanswered_invitations_are_aged_from_the_first_report_that_saw_them_waiting():
    fleet = [device(1, 3, status="0"), device(2, 3, status="1", last=NOW.isoformat())]
    first = compute(fleet)
    # Without call 5's exact answer the number is not known: None, never a 0 that may be short.
    assert first["unanswered_known"] is False and first["counts"]["unanswered"] is None
    assert first["status_reading"] == "unknown"
    assert first["first_seen"] == {"1": "2026-12-05T09:00:00Z"}
    # Last week's report saw device 1 waiting already; device 3 is new since.
    previous = copy.deepcopy(first)
    previous["first_seen"] = {"1": "2026-11-27T09:00:00Z"}
    later = compute(fleet + [device(3, 3, status="0")], previous=previous)
    # First-seen times are lower bounds: device 1 is flagged, the total is still not known.
    assert later["unanswered_known"] is False and later["counts"]["unanswered"] is None
    assert [d["id"] for d in later["devices"] if "unanswered" in d["flags"]] == ["1"]
    assert later["first_seen"] == {"1": "2026-11-27T09:00:00Z", "3": "2026-12-05T09:00:00Z"}
    exact = compute(fleet, previous=previous, unanswered_days=9, waiting_longer=set(), status_reading="entered")
    assert exact["counts"]["unanswered"] == 0 and exact["unanswered_known"] is True


def test_each_waiting_row_says_how_long_it_waited_as_far_as_call_5_and_first_seen_tell():
    fleet = [device(1, 3, status="0"), device(2, 3, status="0"), device(3, 3, status="0")]
    previous = compute([])
    previous["first_seen"] = {"2": "2026-11-29T09:00:00Z", "3": "2026-12-04T08:00:00Z"}
    report = compute(fleet, previous=previous, waiting_longer={"1"}, status_reading="in_status")
    assert report["status_reading"] == "in_status" and report["unanswered_known"] is True
    assert report["counts"]["unanswered"] == 1
    rows = {d["id"]: d for d in report["devices"]}
    # Call 5: more than 7 days. First seen 6 days ago and not past 7 by call 5: exactly 6 whole days.
    assert rows["1"]["waiting"] == {"days": None, "at_least_days": 7, "fewer_than_days": None}
    assert rows["2"]["waiting"] == {"days": 6, "at_least_days": 6, "fewer_than_days": 7}
    assert rows["3"]["waiting"] == {"days": None, "at_least_days": 1, "fewer_than_days": 7}
    # When a report first saw each: once per row, under one name.
    assert [rows[i]["first_seen"] for i in "123"] == ["2026-12-05T09:00:00Z", "2026-11-29T09:00:00Z",
                                                      "2026-12-04T08:00:00Z"]
    assert all("awaiting_since" not in row and "first_seen" not in row["waiting"] for row in rows.values())


def test_exact_answers_flag_only_the_devices_call_5_shows_waiting_whatever_the_first_sight():
    """A device first seen waiting 20 days ago that call 5 shows not waiting 7 days registered and was notified
    again between two reports: not unanswered, and its wait starts again from now (not at least 20 days)."""
    previous = compute([])
    previous["first_seen"] = {"1": "2026-11-15T09:00:00Z"}
    report = compute([device(1, 3, status="0")], previous=previous, waiting_longer=set(), status_reading="entered")
    assert report["unanswered_known"] is True and report["counts"]["unanswered"] == 0
    [row] = report["devices"]
    assert "unanswered" not in row["flags"]
    assert row["waiting"]["at_least_days"] < 7 and row["first_seen"] == "2026-12-05T09:00:00Z"
    assert report["first_seen"] == {"1": "2026-12-05T09:00:00Z"}
    # Under reading in_status alike; a device call 5 does show waiting keeps its first sight.
    report = compute([device(1, 3, status="0")], previous=previous, waiting_longer={"1"}, status_reading="in_status")
    assert report["counts"]["unanswered"] == 1 and report["devices"][0]["waiting"]["at_least_days"] == 20
    # Not exact: the first sight is all there is, a lower bound, and the device is listed.
    report = compute([device(1, 3, status="0")], previous=previous)
    assert report["counts"]["unanswered"] is None and "unanswered" in report["devices"][0]["flags"]


def test_a_baseline_of_before_1_2_0_gives_its_first_sights_under_their_old_name():
    previous = compute([])
    del previous["first_seen"]
    previous["awaiting_since"] = {"1": "2026-11-15T09:00:00Z"}
    report = compute([device(1, 3, status="0")], previous=previous)
    assert report["first_seen"] == {"1": "2026-11-15T09:00:00Z"} and "awaiting_since" not in report


def test_the_csv_says_how_long_each_device_waited_as_the_page_does_and_when_it_was_first_seen():
    """On a first report a device call 5 shows waiting 7 days or more must not read "awaiting since today"."""
    report = compute([device(1, 3, status="0"), device(2, 3, status="1", last="2026-10-01T00:00:00Z")],
                     waiting_longer={"1"}, status_reading="entered")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(fleet_report.render_csv(report)))}
    assert "awaiting_since" not in rows["1"]
    # First seen by this very report: its date says nothing, and is not printed.
    assert rows["1"]["waited"] == "at least 7 days"
    [waiting_row] = [d for d in report["devices"] if d["id"] == "1"]
    assert rows["1"]["waited"] == fleet_report.waited_text(fleet_report.waited(waiting_row, report))
    assert rows["1"]["first_seen"] == "2026-12-05T09:00:00Z"
    # A stale device that is not awaiting registration: no wait to tell.
    assert rows["2"]["waited"] == "" and rows["2"]["first_seen"] == ""


def test_trend_is_the_change_per_risk_level_overall_and_per_group():
    before = compute([device(1, 3, risk="3"), device(2, 3, risk="3"), device(3, 4, risk="0")])
    after = compute([device(1, 3, risk="0"), device(2, 3, risk="3"), device(3, 4, risk="0"), device(4, 4, risk="2")],
                    previous=json.loads(json.dumps(before)))
    assert after["trend"]["risk"] == {"none": 1, "low": 0, "medium": 1, "high": -1, "unknown": 0}
    by_path = dict((g["path"], g["risk"]) for g in after["trend"]["groups"])
    assert by_path["ALL/EMEA/EMEA-Sales"] == {"none": 1, "low": 0, "medium": 0, "high": -1, "unknown": 0}
    assert by_path["ALL/AMER"]["medium"] == 1
    assert compute([])["trend"] is None


def test_a_baseline_of_another_tenant_or_not_a_report_is_refused():
    other = compute([], tenant=dict(TENANT, name="globex", client_id="c2", label="globex: c2"))
    with pytest.raises(UserError, match=r"previous: the report is of tenant 'globex' \(client 'c2' at "
                                        r"'https://gw.example.com'\), not of 'acme'"):
        compute([], previous=other)
    # The tenant is its gateway and client id (clients.tenant_key); its name is the label a user gives it.
    renamed = compute([], tenant=dict(TENANT, name="acme-corp", label="acme-corp: c1"))
    assert compute([], previous=renamed)["trend"]["since"] == renamed["generated_at"]
    # Another gateway of the same name and client is another tenant too.
    with pytest.raises(UserError, match="at 'https://gw.other.example'"):
        compute([], previous=compute([], tenant=dict(TENANT, gateway_url="https://gw.other.example")))


def test_the_same_tenant_with_its_gateway_written_otherwise_keeps_its_files_and_its_baseline():
    """A trailing slash or upper case in gateway_url one week: the same file names, and last week's report is
    still its baseline (not refused as another tenant's)."""
    written_otherwise = dict(TENANT, gateway_url="https://GW.example.com/")
    assert fleet_report.file_stem(written_otherwise) == fleet_report.file_stem(TENANT)
    before = compute([device(1, 3, risk="3")], tenant=written_otherwise)
    after = compute([device(1, 3, risk="0")], previous=json.loads(json.dumps(before)))
    assert after["trend"]["risk"]["high"] == -1 and after["trend"]["risk"]["none"] == 1
    with pytest.raises(UserError, match="previous: not a fleet report"):
        compute([], previous={"risk": {}})


HOSTILE = '<script>alert("x")</script>'


def test_every_value_from_the_service_is_escaped_on_the_page():
    groups = GROUPS + [{"id": 5, "name": "<img src=x onerror=alert(1)>", "parent": {"id": 1}}]
    raw = {"internal_id": "7", "name": HOSTILE, "email": "a&b@example.com", "risk": "3", "status": "0",
           "mail_sent": True, "client_version": '3.8"><svg onload=alert(1)>', "os_type": "<b>Android</b>",
           "groups": [{"id": 5, "name": groups[-1]["name"]}]}
    # The page's title shows the label, the index's row the short name.
    tenant = dict(TENANT, label="<i>acme</i>", name="<i>acme</i>")
    report = fleet_report.compute(groups, [device_shapes.normalise(raw)], NOW, 30, 7, tenant=tenant)
    page = fleet_report.render_html(report)
    assert "<script" not in page and "<img" not in page and "<svg onload" not in page and "<i>acme" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "a&amp;b@example.com" in page
    index = fleet_report.render_index([fleet_report.summary(report)])
    assert "<i>acme" not in index and "&lt;i&gt;acme&lt;/i&gt;" in index


def test_the_page_fetches_nothing_and_has_one_chart_per_view():
    fleet = [device(i, 3 if i % 2 else 4, risk=str(i % 4), last=NOW.isoformat() if i % 3 else None)
             for i in range(30)]
    previous = compute(fleet[:10])
    page = fleet_report.render_html(compute(fleet, previous=previous))
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|src=|href=", page, re.I)
    # risk, risk per group, trend, funnel, OS, client versions
    assert page.count("<svg") == 6
    assert page.count("<svg") == page.count("</svg>")


def test_long_lists_are_capped_on_the_page_and_complete_in_the_csv():
    fleet = [device(i, 3, last=None, name="=cmd|' /C calc'!A0" if i == 0 else None) for i in range(120)]
    report = compute(fleet)
    page = fleet_report.render_html(report)
    assert "and 70 more (all of them in the CSV file)" in page
    rows = list(csv.DictReader(io.StringIO(fleet_report.render_csv(report))))
    assert len(rows) == 120 and all(r["flags"] == "never_connected" for r in rows)
    # A spreadsheet must not run a device name as a formula.
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"


def test_summary_and_index_hold_no_device():
    fleet = [device(i, 3, last=None) for i in range(3)]
    report = compute(fleet)
    summary = fleet_report.summary(report)
    assert "devices" not in summary and "first_seen" not in summary
    text = json.dumps(summary) + fleet_report.render_index([summary])
    assert "example.com" not in text.replace("gw.example.com", "") and "Dev 1" not in text
    assert 'href="acme-da95ad86-fleet-report.html"' in fleet_report.render_index([summary])


def test_file_names_come_from_the_tenant_are_safe_and_two_tenants_never_share_one():
    assert fleet_report.file_stem(TENANT) == "acme-da95ad86-fleet-report"
    # The same tenant every week (its portal tenant id, learnt at login, does not change the name).
    assert fleet_report.file_stem(dict(TENANT, tenant_id="t-9", gateway_url="https://GW.example.com/")) == \
        fleet_report.file_stem(TENANT)
    # Another tenant of the same name: at another gateway, or another client at the same one.
    names = {fleet_report.file_stem(t) for t in (TENANT, dict(TENANT, gateway_url="https://gw.other.example"),
                                                 dict(TENANT, client_id="c2"))}
    assert len(names) == 3 and all(n.startswith("acme-") and n.endswith("-fleet-report") for n in names)
    assert re.match(r"^x_y-[0-9a-f]{8}-fleet-report$",
                    fleet_report.file_stem({"name": None, "tenant_id": None, "client_id": "../x y"}))
    assert re.match(r"^tenant-[0-9a-f]{8}-fleet-report$", fleet_report.file_stem(None))


def test_unanswered_invitations_are_known_from_the_status_history_on_the_first_report():
    fleet = [device(1, 3, status="0"), device(2, 3, status="0"), device(3, 3, status="1", last=NOW.isoformat())]
    # The service's call-5 history: device 1 has waited in user_notified for longer than unanswered_days.
    first = compute(fleet, waiting_longer={"1", "3"})
    assert first["unanswered_known"] is True
    # Device 3 is connected: a history that says otherwise never flags it.
    assert [d["id"] for d in first["devices"] if "unanswered" in d["flags"]] == ["1"]


def test_the_tenant_of_file_names_and_baselines_is_the_one_of_every_other_per_tenant_state():
    """One tenant identity: file names are fingerprinted with clients.tenant_key, which the run plans, the
    inventory and the hygiene's resend record use too."""
    import hashlib
    from ansible_collections.secops.mobile_security.plugins.module_utils import clients
    for written in (TENANT, dict(TENANT, gateway_url="https://GW.example.com/")):
        assert fleet_report.file_stem(written) == "acme-%s-fleet-report" % hashlib.sha256(
            clients.tenant_key(TENANT).encode("utf-8")).hexdigest()[:8]
    # A tenant given by region is the same tenant as one given by that region's gateway.
    by_region = {"name": "acme", "region": "us", "client_id": "c1"}
    assert fleet_report.file_stem(by_region) == fleet_report.file_stem(
        {"name": "acme", "gateway_url": "https://cloudinfra-gw-us.portal.checkpoint.com/", "client_id": "c1"})


@pytest.mark.parametrize("flaw,message", [
    ({"risk": "lots"}, "risk is not a count per level"),
    ({"risk": {"high": "3"}}, "risk is not a count per level"),
    ({"groups": {"1": {}}}, "groups is not a list of groups"),
    ({"groups": [{"id": 1, "risk": None}]}, "groups is not a list of groups"),
    ({"first_seen": ["1"]}, "first_seen is not a time per device"),
    ({"first_seen": {"1": "yesterday"}}, "first_seen is not a time per device"),
    ({"first_seen": None, "awaiting_since": {"1": "yesterday"}}, "awaiting_since is not a time per device"),
    ({"generated_at": None}, "generated_at None is not a time"),
    ({"tenant": "acme"}, "tenant is not a record"),
])
def test_a_baseline_cut_short_or_edited_is_refused_saying_what_is_wrong(flaw, message):
    previous = json.loads(json.dumps(compute([device(1, 3, status="0")])))
    previous.update(flaw)
    with pytest.raises(UserError, match="previous: not a whole fleet report \\(%s" % re.escape(message)):
        compute([], previous=previous)


def test_days_waited_exact_or_a_lower_bound_with_when_first_seen_never_a_first_seen_time_alone():
    report = {"generated_at": "2026-12-05T09:00:00Z", "settings": {"unanswered_days": 7}}
    assert fleet_report.waited_text({"days": 12, "at_least_days": None, "first_seen": None}) == "12 days"
    assert fleet_report.waited_text({"days": 1}) == "1 day"
    assert fleet_report.waited_text({"days": None, "at_least_days": 9, "first_seen": "2026-11-26T09:00:00Z"}) == \
        "at least 9 days (first seen 2026-11-26)"
    assert fleet_report.waited_text({"days": None, "at_least_days": None, "first_seen": None}) == "unknown"
    # A row without compute's own figure: the bound from when it was first seen, and the flag's days.
    row = {"first_seen": "2026-12-05T09:00:00Z", "flags": ["never_connected", "unanswered"]}
    assert fleet_report.waited_text(fleet_report.waited(row, report)) == "at least 7 days"
    # First seen today and nothing else known: unknown, never "at least 0 days".
    row = {"first_seen": "2026-12-05T09:00:00Z", "flags": ["never_connected"]}
    assert fleet_report.waited_text(fleet_report.waited(row, report)) == "unknown"
    row = {"awaiting_since": "2026-11-20T09:00:00Z", "flags": ["unanswered"]}
    assert fleet_report.waited_text(fleet_report.waited(row, report)) == \
        "at least 15 days (first seen 2026-11-20)"
    # On the page, under "waited": days, not a first-seen time.
    fleet = [device(1, 3, status="0")]
    page = fleet_report.render_html(compute(fleet, waiting_longer={"1"}))
    table = page.split('id="list-unanswered"')[1].split("</section>")[0]
    assert '<th scope="col">waited</th>' in table and "awaiting since" not in page
    assert "at least 7 days<" in table and "first seen 2026-12-05" not in table


def test_each_row_says_the_largest_wait_call_5_shows_it_passed_exact_where_the_bounds_meet():
    """Call 5 asked for 7, 14, 30, 60 and 90 days: each row says the largest passed, and the next as a bound."""
    fleet = [device(i, 3, status="0") for i in range(1, 7)]
    previous = compute([])
    previous["first_seen"] = {"5": "2026-11-22T09:00:00Z"}
    longer = {14: {"2", "3", "4"}, 30: {"3", "4"}, 60: {"4"}, 90: {"4"}}
    assert fleet_report.wait_steps(7) == [14, 30, 60, 90] and fleet_report.wait_steps(30) == [60, 90]
    report = compute(fleet, previous=previous, waiting_longer={"1", "2", "3", "4", "5"}, longer_than=longer,
                     status_reading="in_status")
    rows = {d["id"]: d for d in report["devices"]}
    said = {i: fleet_report.waited_text(fleet_report.waited(rows[i], report)) for i in rows}
    assert said == {"1": "at least 7 days, fewer than 14 days", "2": "at least 14 days, fewer than 30 days",
                    "3": "at least 30 days, fewer than 60 days", "4": "at least 90 days",
                    # First seen 13 days ago by an earlier report and not past 14: exactly 13.
                    "5": "13 days", "6": "fewer than 7 days"}
    assert rows["5"]["waiting"] == {"days": 13, "at_least_days": 13, "fewer_than_days": 14}
    exact = compute(fleet, previous=previous, waiting_longer={"1", "2", "3", "4"}, longer_than=longer,
                    status_reading="entered")
    row = [d for d in exact["devices"] if d["id"] == "5"][0]
    # Not past 7 by call 5 though first seen 13 days ago: an earlier invitation; it starts again now.
    assert row["waiting"] == {"days": None, "at_least_days": 0, "fewer_than_days": 7}
    # Answers that contradict each other (past 30, not past 14) stop at the first not passed.
    odd = compute(fleet[:1], waiting_longer={"1"}, longer_than={14: set(), 30: {"1"}}, status_reading="entered")
    assert odd["devices"][0]["waiting"] == {"days": None, "at_least_days": 7, "fewer_than_days": 14}
    # Unknown stays unknown: without call 5's answers, a device first seen now has no figure.
    unknown = compute(fleet[:1])
    assert fleet_report.waited_text(fleet_report.waited(unknown["devices"][0], unknown)) == "unknown"


def test_the_index_escapes_every_value_and_says_unknown_for_what_is_not_known():
    summary = fleet_report.summary(compute([device(1, 3)]))
    summary["counts"]["unanswered"] = '<b onmouseover="x">9</b>'
    summary["unanswered_known"] = True
    index = fleet_report.render_index([summary])
    assert "<b onmouseover" not in index and "&lt;b onmouseover=&#34;x&#34;&gt;9&lt;/b&gt;" in index
    summary["counts"]["unanswered"] = None
    assert ">unknown<" in fleet_report.render_index([summary])


def test_the_index_lists_a_failed_tenant_with_its_error_and_counts_the_failures_in_its_title():
    good = fleet_report.summary(compute([device(1, 3)]))
    failed = {"failed": True, "error": "Token request refused: <401>", "tenant": dict(
        TENANT, name="globex", client_id="c2", label="globex: c2 at gw.example.com")}
    index = fleet_report.render_index([good, failed])
    assert "Fleet posture: 2 tenants, 1 failed" in index
    row = [r for r in index.split("<tr") if "globex" in r][0]
    assert "failed: Token request refused: &lt;401&gt;" in row and "href" not in row
