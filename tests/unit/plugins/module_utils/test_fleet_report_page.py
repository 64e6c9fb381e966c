"""The fleet report's pages from templates: at a glance (tiles and their change), ranked groups, sorted lists,
charts with their numbers, accessibility, print and dark mode, and templates and stylesheets of one's own."""

import json
import re

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report, fleet_report_page
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_index, fleet_thresholds
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report_templates
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from tests.unit.plugins.module_utils.test_fleet_report import GROUPS, NOW, compute, device

GROUP_IDS = {g["name"]: g["id"] for g in GROUPS}


def section(page, key):
    """The HTML of the section whose heading has id ``key``."""
    found = re.search(r'<section aria-labelledby="%s">(.*?)</section>' % re.escape(key), page, re.S)
    assert found, key
    return found.group(1)


def tiles(page):
    """{label: (value, change text or None)} of the tiles at a glance."""
    found = {}
    for item in re.findall(r'<li class="tile">(.*?)</li>', page, re.S):
        value = re.search(r'<span class="value">([^<]*)</span>', item).group(1)
        label = re.search(r'<span class="label">([^<]*)</span>', item).group(1)
        change = re.search(r'<span class="change[^"]*">(?:<span aria-hidden="true">[^<]*</span>)?\s*([^<]*)</span>',
                           item)
        found[label] = (value, change.group(1).strip() if change else None)
    return found


def test_the_first_report_says_it_has_no_baseline_and_shows_no_change():
    page = fleet_report_page.render_html(compute([device(1, 3, risk="3")]))
    assert "First report: no baseline yet." in section(page, "at-a-glance")
    assert all(change is None for _value, change in tiles(page).values())
    assert 'aria-labelledby="change"' not in page


def test_tiles_show_the_change_against_the_baseline_up_or_down_and_by_how_many():
    before = compute([device(i, 3, risk="3" if i < 2 else "0", last=NOW.isoformat()) for i in range(6)])
    after = compute([device(i, 3, risk="3" if i < 5 else "0", last=NOW.isoformat() if i < 5 else None)
                     for i in range(7)], previous=json.loads(json.dumps(before)))
    after["trend"]["counts"] = fleet_report.count_changes(after, before)
    shown = tiles(fleet_report_page.render_html(after))
    assert shown["devices"] == ("7", "up 1")
    assert shown["high risk"] == ("5", "up 3")
    assert shown["medium risk"] == ("0", "no change")
    assert shown["never connected"] == ("2", "up 2")
    # Unanswered invitations the status history could not date: unknown, and so is their change.
    assert shown["unanswered 7d+"] == ("unknown", "change not known")
    page = fleet_report_page.render_html(after)
    assert '<span class="change worse"><span aria-hidden="true">\u25b2</span> up 3</span>' in page.replace("\n", "")
    fewer = compute([device(1, 3, risk="0")], previous=json.loads(json.dumps(after)))
    assert tiles(fleet_report_page.render_html(fewer))["high risk"] == ("0", "down 5")


def test_groups_are_ranked_by_share_at_high_then_medium_risk_and_small_groups_come_last():
    fleet = [device(i, GROUP_IDS["EMEA-Sales"], risk="3" if i < 9 else "0") for i in range(26)]   # 9 of 26 high
    fleet += [device(100 + i, GROUP_IDS["AMER"], risk="3" if i < 2 else "2") for i in range(3)]  # 2 of 3: small
    report = compute(fleet)
    ranked = fleet_report_page.ranked_groups(report)
    # 11 of 29 (38%), 9 of 26 (35%) twice, the larger first on a tie of shares; 2 of 3 (67%) is a small group.
    assert [(g["path"], g["high"], g["total"], g["small"]) for g in ranked] == [
        ("ALL", 11, 29, False), ("ALL/EMEA", 9, 26, False), ("ALL/EMEA/EMEA-Sales", 9, 26, False),
        ("ALL/AMER", 2, 3, True)]
    page = fleet_report_page.render_html(report)
    groups = section(page, "groups")
    assert "Groups of fewer than 5 devices are ranked after the others" in groups and "(1 such group)" in groups
    assert groups.index("ALL/EMEA") < groups.index("ALL/AMER")
    chart = re.search(r"<svg.*?</svg>", groups, re.S).group(0)
    assert "ALL/AMER" not in chart and "9 of 26 high" in chart and 'aria-label="devices by risk per group"' in chart
    assert '<th scope="row">ALL/AMER\n (small)</th>' in groups or "ALL/AMER (small)" in groups.replace("\n", "")


def test_lists_are_worst_first_highest_risk_then_the_longest():
    fleet = [device(1, 3, risk="0", last="2026-09-01T00:00:00Z"), device(2, 3, risk="3", last="2026-11-01T00:00:00Z"),
             device(3, 3, risk="3", last="2026-08-01T00:00:00Z"), device(4, 3, risk="2", last="2026-07-01T00:00:00Z")]
    page = fleet_report_page.render_html(compute(fleet))
    stale = section(page, "list-stale")
    order = [int(n) for n in re.findall(r"u(\d)@example.com", stale)]
    assert order == [3, 2, 4, 1]
    assert "126 days" in stale and "<th scope=\"col\">since last connection</th>" in stale


def test_no_unknown_unknown_os_and_unknown_clients_in_their_own_colour():
    fleet = [device(1, 3, os_type=None, client=None), device(2, 3, client="3.8.0"), device(3, 3, client="3.9.0")]
    fleet[0]["os_version"] = None
    report = compute(fleet)
    page = fleet_report_page.render_html(report)
    assert "unknown unknown" not in page and "OS not reported" in section(page, "os")
    clients = section(page, "clients")
    colours = dict(re.findall(r'<rect x="[^"]*" y="[^"]*" width="[^"]*" height="16"\s+fill="([^"]*)"><title>'
                              r'([^:]*):', clients))
    colours = {name: colour for colour, name in colours.items()}
    assert colours == {"3.9.0": "#1e88e5", "3.8.0": "#fb8c00", "unknown": "#9e9e9e"}


def test_every_chart_is_an_image_with_a_label_and_its_numbers_in_a_collapsed_table():
    fleet = [device(i, 3 if i % 2 else 4, risk=str(i % 4)) for i in range(12)]
    page = fleet_report_page.render_html(compute(fleet, previous=compute(fleet[:4])))
    charts = re.findall(r"<svg [^>]*>", page)
    assert len(charts) == 6
    for chart in charts:
        assert 'role="img"' in chart and re.search(r'aria-label="[a-z][^"]{10,}"', chart)
    # The group chart's numbers are the ranked table beside it; every other chart has its own, collapsed.
    assert page.count("<details><summary>The numbers of this chart</summary>") == 5
    assert "<details open" not in page


def test_the_page_is_one_file_with_landmarks_headings_in_order_table_headers_and_a_language():
    page = fleet_report_page.render_html(compute([device(1, 3, status="0")], waiting_longer={"1"}))
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert re.search(r"<title>Fleet posture: [^<]+</title>", page)
    assert all(tag in page for tag in ("<header>", "<main>", "<footer>"))
    levels = [int(n) for n in re.findall(r"<h([1-6])", page)]
    assert levels[0] == 1 and levels.count(1) == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    assert "<th>" not in page and page.count("<table>") == page.count("<thead>")
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|src=|href=", page, re.I)


def test_print_and_dark_mode_are_in_the_stylesheet():
    style = fleet_report_templates.STYLE
    dark = re.search(r"@media \(prefers-color-scheme:dark\)\{(.*?)\}\}", style, re.S).group(1)
    assert "--bg:#121417" in dark and "--fg:#e6e6e6" in dark
    printed = style[style.index("@media print"):]
    assert "details::details-content{content-visibility:visible" in printed
    assert "thead{display:table-header-group}" in printed and "tr{break-inside:avoid}" in printed


def test_an_own_template_extends_the_page_and_an_own_stylesheet_comes_after_the_default(tmp_path):
    template = tmp_path / "brand.html.j2"
    template.write_text('{% extends "page.html.j2" %}{% block brand %}<p class="logo">{{ tenant.name }} '
                        '&amp; Co</p>{% endblock %}')
    stylesheet = tmp_path / "brand.css"
    stylesheet.write_text(":root{--accent:#0a7d4f}\nheader>p{color:var(--accent)}\n")
    report = compute([device(1, 3)], tenant=dict(compute([])["tenant"], name="<acme>"))
    page = fleet_report_page.render_html(report, str(template), str(stylesheet))
    assert '<p class="logo">&lt;acme&gt; &amp; Co</p>' in page
    assert page.index(":root{--accent:#0a7d4f}") > page.index("--accent:#3949ab")
    assert "header>p{color:var(--accent)}" in page
    assert 'aria-labelledby="groups"' in page
    index = fleet_report_page.render_index([fleet_report.summary(report)], stylesheet=str(stylesheet))
    assert "header>p{color:var(--accent)}" in index


@pytest.mark.parametrize("text,message", [
    ('{% extends "page.html.j2" %}{% block brand %}', r"template: .*bad.html.j2 line 1: Unexpected end of template"),
    ('{{ report.__class__.__mro__ }}', r"template: .*bad.html.j2: access to attribute '__class__'"),
    ('{{ no_such_value }}', r"template: .*bad.html.j2: 'no_such_value' is undefined"),
])
def test_an_own_template_that_does_not_render_is_refused_naming_the_file(tmp_path, text, message):
    (tmp_path / "bad.html.j2").write_text(text)
    with pytest.raises(UserError, match=message):
        fleet_report_page.check_files(str(tmp_path / "bad.html.j2"))
        fleet_report_page.render_html(compute([]), str(tmp_path / "bad.html.j2"))


def test_a_stylesheet_that_would_end_the_style_element_is_refused(tmp_path):
    (tmp_path / "evil.css").write_text("body{}</style><script>alert(1)</script>")
    with pytest.raises(UserError, match=r"^stylesheet: .*evil.css holds markup"):
        fleet_report_page.check_files(stylesheet=str(tmp_path / "evil.css"))
    with pytest.raises(UserError, match=r"^template: cannot read .*missing.j2"):
        fleet_report_page.check_files(template=str(tmp_path / "missing.j2"))


def test_sections_are_one_template_and_one_block_each_so_one_can_be_added():
    page_template = fleet_report_templates.TEMPLATES[fleet_report_templates.PAGE]
    for block in ("tiles", "risk", "groups", "change", "registration", "os", "clients", "lists"):
        assert "{%% block %s %%}" % block in page_template


def test_twenty_thousand_devices_make_a_page_under_2_mb():
    fleet = [device(i, (2, 3, 4)[i % 3], risk=str(i % 4), status=("0", "1", "-1")[i % 3],
                    last=None if i % 5 == 0 else "2026-%02d-01T00:00:00Z" % (1 + i % 12),
                    client="3.%d.%d" % (i % 9, i % 7)) for i in range(20000)]
    page = fleet_report_page.render_html(compute(fleet, previous=compute(fleet[:19000])))
    assert len(page.encode("utf-8")) < 2 * 1024 * 1024


def test_list_cells_say_unknown_where_the_service_gave_no_value_never_none():
    blank = device(1, 3, risk=None, status="0", client=None, os_type=None)
    blank.update(os_version=None, groups=[], group_ids=[], risk_name=None)
    page = fleet_report_page.render_html(compute([blank], waiting_longer={"1"}))
    row = re.search(r'<th scope="row">Dev 1</th>(.*?)</tr>', section(page, "list-never-connected"), re.S).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert not re.search(r"<t[dh][^>]*>None</t[dh]>", page)
    # e-mail, groups, status, risk, OS, client, last connection, waited
    assert cells[1] == "unknown" and cells[3:6] == ["unknown", "unknown", "unknown"], cells


def test_a_never_connected_device_in_processing_is_not_invited_yet():
    fleet = [device(1, 3, status="-1", mail_sent=False), device(2, 3, status="0")]
    page = fleet_report_page.render_html(compute(fleet, waiting_longer={"2"}))
    never = section(page, "list-never-connected")
    waited = dict(re.findall(r'<th scope="row">(Dev \d)</th>.*?<td>([^<]*)</td></tr>', never, re.S))
    assert waited["Dev 1"] == "not invited yet"
    assert waited["Dev 2"] not in ("", "not invited yet")


def test_the_title_is_the_tenants_short_name_and_its_connection_is_in_the_meta_line():
    page = fleet_report_page.render_html(compute([device(1, 3)]))
    assert "<title>Fleet posture: acme</title>" in page and "<h1>Fleet posture: acme</h1>" in page
    meta = re.search(r'<p class="meta">(.*?)</p>', page, re.S).group(1)
    assert "client id c1; gateway url https://gw.example.com" in meta


def test_print_shows_the_tables_inside_collapsed_details_beyond_chromium():
    printed = fleet_report_templates.STYLE[fleet_report_templates.STYLE.index("@media print"):]
    # ::details-content (Chromium 131+, Safari 18.4+, Firefox 143+); children shown where an engine lays them
    # out as ordinary boxes; a table stays a table.
    assert "details>*:not(summary){display:block}" in printed and "details>table{display:table}" in printed


def weekly_report(count):
    from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history
    from tests.unit.plugins.module_utils.test_fleet_history import weeks
    reports, entries = weeks(count)
    report, devices = reports[-1]
    report["history"], report["changed_devices"] = fleet_history.history(report, devices, entries[:-1])
    return report


def test_the_first_report_kept_in_a_history_says_so_in_one_line():
    history = section(fleet_report_page.render_html(weekly_report(1)), "history")
    assert "First report: trends and new/resolved devices start with the next report." in history
    assert "<table" not in history and "not known" not in history and "<h3" not in history


def test_with_a_history_the_change_is_shown_once_in_it_and_zero_is_written_0():
    page = fleet_report_page.render_html(weekly_report(4))
    assert 'aria-labelledby="change"' not in page and 'aria-labelledby="history"' in page
    history = section(page, "history")
    assert "<caption>Change per risk level and group since" in history
    assert "+0" not in page and re.search(r'<td class="n">0</td>', history)
    # Without history, the change has its own section, zero written the same way.
    before = compute([device(1, 3, risk="3"), device(2, 3)])
    page = fleet_report_page.render_html(compute([device(1, 3, risk="3"), device(2, 3)], previous=before))
    change = section(page, "change")
    assert "+0" not in page and ">0</text>" in change and '<td class="n">0</td>' in change


# ---- a newcomer's review: the page's words say what each number counts --------------------------------------
def test_an_active_device_with_no_connection_reported_is_said_to_be_both_not_a_contradiction():
    """The demo's data: devices made active at high risk with no last connection. The funnel said "connected: 4"
    beside "never connected 50", and the list said "last connection never" and "not waiting" for them."""
    fleet = [device(i, 3, risk="3", status="1") for i in range(4)]
    fleet += [device(10 + i, 3, status="-1", mail_sent=False) for i in range(6)]
    page = fleet_report_page.render_html(compute(fleet))
    registration = section(page, "registration")
    assert "registered: 4 (40%)" in registration and "connected:" not in registration
    assert "<th scope=\"row\">registered</th>" in registration
    assert "Never connected (10): the service reports no connection for it; 4 devices are both, registered with " \
           "no connection reported." in " ".join(registration.split())
    assert tiles(page)["never connected"] == ("10", None)
    assert '<span class="note">4 of them active, no connection reported</span>' in section(page, "at-a-glance")
    never = section(page, "list-never-connected")
    assert "4 of them are active or inactive (registered, so counted as registered in the funnel)" in \
        " ".join(never.split())
    row = re.search(r'<th scope="row">Dev 0</th>(.*?)</tr>', never, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[-2:] == ["none reported", "active, no connection reported"]
    assert "not waiting" not in page


@pytest.mark.parametrize("minimum, why", [
    (None, "no device reported its client version and no min_client_version is set, so there is no baseline version "
           "to compare with"),
    ("3.9.0", "no device reported its client version, so none can be compared with min_client_version 3.9.0"),
])
def test_outdated_clients_are_unknown_not_0_when_no_device_reported_its_client_version(minimum, why):
    report = compute([device(i, 3, client=None) for i in range(3)], min_client_version=minimum)
    # Not 0: every consumer (page, index, CSV, fail_when, history) reads the count as unknown.
    assert report["newest_client_version"] is None and report["counts"]["outdated"] is None
    assert fleet_history.point(report)["values"]["outdated"] is None
    assert fleet_history.entry(report, [])["counts"]["outdated"] is None
    rule = fleet_thresholds.evaluate([{"measure": "outdated", "above": 0}], report)[0]
    assert rule["state"] == "unknown" and not rule["fails"] and "no device reported its client version" in \
        rule["message"]
    index_row = fleet_index.page_view([{"report": report, "tenant": report["tenant"], "files": {}}])["rows"][0]
    assert index_row["cells"][fleet_index.COUNTED.index("outdated")] == "unknown"
    page = fleet_report_page.render_html(report)
    assert tiles(page)["outdated clients"] == ("unknown", None)
    assert '<span class="note">no client version reported</span>' in section(page, "at-a-glance")
    outdated = section(page, "list-outdated")
    assert re.search(r"<h2 [^>]*>Outdated clients \(older than [^)]*\) \(unknown\)</h2>", outdated), outdated
    assert "<p class=\"note\">Not known: %s" % why in " ".join(outdated.split())
    assert "None." not in page and "(0)" not in outdated
    # Known again once one device reports its version; with a baseline, a first report shows no change.
    known = compute([device(1, 3, client=None), device(2, 3, client="3.8.0")], min_client_version=minimum)
    assert tiles(fleet_report_page.render_html(known))["outdated clients"][0] == ("1" if minimum else "0")


def test_an_empty_list_says_so_in_a_sentence():
    page = fleet_report_page.render_html(compute([device(1, 3, last=NOW.isoformat())], waiting_longer=set()))
    assert "<p>None.</p>" not in page
    assert "<p>Every device has connected at least once.</p>" in section(page, "list-never-connected")
    assert "<p>No invitation has waited 7 days or more for its user.</p>" in section(page, "list-unanswered")
    assert "<p>Every device that reported its client version runs 3.8.1.0001 or newer.</p>" in \
        section(page, "list-outdated")
    # Invitations the status history could not date: the count is unknown, never "(0)" beside "none waited".
    unanswered = section(fleet_report_page.render_html(compute([device(1, 3, status="0")])), "list-unanswered")
    assert "or more (unknown)</h2>" in unanswered and "(0)" not in unanswered
    assert "No invitation has waited" not in unanswered and "the count is unknown" in unanswered


def test_group_labels_fit_the_chart_with_the_full_path_in_a_tooltip():
    path = "ALL/AMER/AMER-Sales/AMER-Sales-East"
    shown = fleet_report_page.fit_label(path, 220)
    assert shown == "\u2026/AMER-Sales/AMER-Sales-East" and fleet_report_page.text_width(shown) <= 220
    assert fleet_report_page.fit_label("ALL/" + "W" * 60, 220).startswith("\u2026W")
    assert fleet_report_page.text_width(fleet_report_page.fit_label("ALL/" + "W" * 60, 220)) <= 220
    groups = [{"id": 1, "name": "ALL", "parent": None}, {"id": 2, "name": "AMER", "parent": {"id": 1}},
              {"id": 3, "name": "AMER-Sales", "parent": {"id": 2}},
              {"id": 4, "name": "AMER-Sales-East", "parent": {"id": 3}}]
    fleet = [dict(device(i, 3), group_ids=[4], groups=["AMER-Sales-East"]) for i in range(6)]
    report = fleet_report.compute(groups, fleet, NOW, 30, 7)
    chart = re.search(r"<svg.*?</svg>", section(fleet_report_page.render_html(report), "groups"), re.S).group(0)
    assert "<title>%s</title>\u2026/AMER-Sales/AMER-Sales-East</text>" % path in chart


def test_the_group_note_says_which_groups_the_chart_leaves_out():
    """21 groups of 5 devices or more: the chart shows 15, and the note said only why small and empty groups
    were not in it."""
    groups = [{"id": 1, "name": "ALL", "parent": None}] + [
        {"id": 10 + i, "name": "G%02d" % i, "parent": {"id": 1}} for i in range(21)]
    groups += [{"id": 99, "name": "Empty", "parent": {"id": 1}}, {"id": 98, "name": "Tiny", "parent": {"id": 1}}]
    fleet = [dict(device(100 * g + i, 3), group_ids=[10 + g], groups=["G%02d" % g]) for g in range(20)
             for i in range(5)]
    fleet += [dict(device(5000 + i, 3), group_ids=[98], groups=["Tiny"]) for i in range(2)]
    report = fleet_report.compute(groups, fleet, NOW, 30, 7)
    text = " ".join(section(fleet_report_page.render_html(report), "groups").split())
    # ALL and 20 groups of 5 devices: 21 ranked in full, 15 in the chart.
    assert ("The chart shows the 15 riskiest groups of 5 devices or more; the other 6 groups of 5 devices or more "
            "(ranks 16 to 21) are only in the table.") in text
    assert "(1 such group)" in text and "2 groups without devices are not listed." in text
    assert text.count("of 5 high</text>") + text.count("of 102 high</text>") == 15


def test_plurals_in_the_index_and_a_first_report_has_no_lone_dot_for_a_trend():
    report = compute([device(1, 3)])
    index = fleet_report_page.render_index([fleet_report.summary(report)])
    assert "<h1>Fleet posture: 1 tenant, 0 failed</h1>" in index and "1 tenants" not in index
    assert "<caption>1 tenant, 0 failed, 0 worse since their last report</caption>" in " ".join(index.split())
    # The trend of one report was a lone dot; now the cell says why there is no line.
    assert "<circle" not in index and "<td>first report</td>" in " ".join(index.split("<tbody>")[1].split())
    assert fleet_report_page.many(1, "tenant") == "1 tenant" and fleet_report_page.many(2, "tenant") == "2 tenants"
    assert fleet_report_page.many(None, "device") == "unknown devices"
