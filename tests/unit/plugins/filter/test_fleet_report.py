"""The fleet_report_index filter: results of several tenants in, one index page out, nothing else accepted."""

import datetime

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.secops.mobile_security.plugins.filter.fleet_report import fleet_report_index
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report

NOW = datetime.datetime(2026, 12, 5, 9, 0, 0, tzinfo=datetime.timezone.utc)
GROUPS = [{"id": 1, "name": "ALL", "parent": None}]


def summary(name, risk_names):
    devices = [{"id": str(i), "email": "u%d@%s.example.com" % (i, name), "group_ids": [1], "risk_name": risk,
                "status_name": "active", "last_connection": "2026-12-01T00:00:00Z"}
               for i, risk in enumerate(risk_names)]
    tenant = {"name": name, "gateway_url": "https://gw", "client_id": name, "tenant_id": None, "label": name}
    return fleet_report.summary(fleet_report.compute(GROUPS, devices, NOW, 30, 7, tenant=tenant))


def page_of(report):
    return fleet_report.file_stem(report["tenant"]) + ".html"


def test_one_row_per_tenant_with_its_own_counts():
    acme, globex = summary("acme", ["high", "high", "none"]), summary("globex", ["high"])
    page = fleet_report_index([globex, acme])
    rows = page.split("<tr>")[2:]
    # Worst first (both on their first report: the one with more high-risk devices first): devices, high risk.
    cells = '</a></span></th><td>first report</td>\n<td class="n">%d</td>\n<td class="n">%d</td>'
    assert 'href="%s">acme' % page_of(acme) + cells % (3, 2) in rows[0]
    assert 'href="%s">globex' % page_of(globex) + cells % (1, 1) in rows[1]
    assert "example.com" not in page


def test_an_index_over_results_keeps_only_the_tenants_whose_page_is_in_its_directory():
    """Hosts of one play may write to different directories: each index links only to the pages beside it."""
    results = [{"report": report, "files": {"html": "/srv/%s/%s" % (where, page_of(report))}}
               for where, report in (("eu", summary("acme", ["high"])), ("us", summary("globex", ["none"])),
                                     ("eu", summary("initech", ["low"])))]
    eu = fleet_report_index(results, directory="/srv/eu/")
    assert "acme" in eu and "initech" in eu and "globex" not in eu
    us = fleet_report_index(results, directory="/srv/us")
    assert "globex" in us and "acme" not in us
    assert fleet_report_index(results).count("<a href=") == 3
    # A directory with none of the pages is a mistake (a relative path, a typo), not an empty index.
    nowhere = r"directory='srv/eu' holds none of the 3 tenants' pages \(they are in /srv/eu, /srv/us\)"
    with pytest.raises(AnsibleFilterError, match=nowhere):
        fleet_report_index(results, directory="srv/eu")
    with pytest.raises(AnsibleFilterError, match=r"directory='/srv/eu' needs hm_fleet_report results"):
        fleet_report_index([r["report"] for r in results], directory="/srv/eu")


@pytest.mark.parametrize("value", [None, "acme", [{"total": 1}], {"counts": {}}])
def test_anything_but_a_list_of_reports_is_refused(value):
    with pytest.raises(AnsibleFilterError, match="fleet_report_index: expected a list of hm_fleet_report results"):
        fleet_report_index(value)


def test_a_failed_tenant_has_its_row_in_the_index_of_its_directory():
    from ansible_collections.secops.mobile_security.plugins.filter.fleet_report import (
        fleet_report_directories, fleet_report_failure)
    acme = summary("acme", ["high"])
    ok = {"report": acme, "files": {"html": "/srv/eu/%s" % page_of(acme)}}
    failed = fleet_report_failure({"failed": True, "msg": "Token request refused", "tenant": dict(
        acme["tenant"], name="globex", client_id="globex", label="globex")}, "/srv/eu", "globex")
    elsewhere = fleet_report_failure({"failed": True, "msg": "boom"}, "/srv/us", "initech")
    assert fleet_report_directories([ok, failed, elsewhere]) == ["/srv/eu", "/srv/us"]
    eu = fleet_report_index([ok, failed, elsewhere], directory="/srv/eu")
    assert "Fleet posture: 2 tenants, 1 failed" in eu and "failed: Token request refused" in eu
    assert "initech" not in eu and "Fleet posture: 1 tenant, 1 failed" in fleet_report_index(
        [ok, failed, elsewhere], directory="/srv/us")
