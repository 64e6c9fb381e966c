"""The weekly fleet report (playbooks/weekly_fleet_report.yml, role fleet_report, hm_fleet_report) for real over
HTTP: its numbers are checked against counts made here, independently, from the simulator's records."""

import csv
import datetime
import email.utils
import glob
import json
import os
import re

import pytest
import yaml

from tests.simulator.variants import VARIANTS
from tests.support import REPO_ROOT, Simulator, one_line, run_playbook

PLAYBOOK = os.path.join(REPO_ROOT, "playbooks", "weekly_fleet_report.yml")
TENANTS_INVENTORY = os.path.join(REPO_ROOT, "playbooks", "tenants", "inventory.yml")
API = "/app/SBM/external_api"
RISKS = {"0": "none", "1": "low", "2": "medium", "3": "high"}
HOSTILE = '<script>alert("fleet")</script>'


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    sim = Simulator(str(tmp_path_factory.mktemp("fleet")), extra_args=["--tenants", "2"]).start()
    # A three-level tree, so a group's count must include its sub-groups'.
    emea = sim.api("POST", API + "/v1/groups/", json={"name": "EMEA"})
    sim.api("POST", API + "/v1/groups/", json={"name": "EMEA-Sales", "parent_id": emea["id"]})
    sim.seed(devices=160, groups=["EMEA", "EMEA-Sales", "AMER"], rng_seed=11)
    hostile = {"name": HOSTILE, "email": "hostile@seed.example.com", "groups": ["EMEA-Sales"]}
    sim.api("POST", API + "/v2/device/", json=hostile)
    for index, name in enumerate(("t01", "t02")):
        settings = {"devices": 25, "rng_seed": 3 + index, "email_domain": "%s.example.com" % name}
        sim.control("POST", "seed?tenant=%s" % name, settings)
    yield sim
    sim.stop()


def when(value):
    """A last_connection in any form the simulator's variants send, read with the standard library alone."""
    if value is None or value == "No data":
        return None
    if isinstance(value, int) or value.isdigit():
        return datetime.datetime.fromtimestamp(int(value) / 1000, datetime.timezone.utc)
    if re.match(r"^\d\d/\d\d/\d{4} ", value):
        return datetime.datetime.strptime(value, "%m/%d/%Y %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    if re.match(r"^\d{4}-", value):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return email.utils.parsedate_to_datetime(value)


def groups_of(sim):
    return sim.api("GET", API + "/v1/groups/", params={"limit": 500})["objects"]


def expected(sim, stale_days=30, unanswered_days=7):
    """Counts from the simulator's raw records, with nothing of the collection: risk overall and per group subtree,
    stale, never connected, awaiting registration."""
    records, groups = sim.all_devices(), groups_of(sim)
    parent = dict((g["id"], (g.get("parent") or {}).get("id")) for g in groups)
    name = dict((g["id"], g["name"]) for g in groups)

    def lineage(group_id):
        while group_id is not None:
            yield group_id
            group_id = parent.get(group_id)

    per_group = dict((g["name"], dict((r, 0) for r in RISKS.values())) for g in groups)
    risk = dict((r, 0) for r in RISKS.values())
    now = datetime.datetime.now(datetime.timezone.utc)
    stale, never, awaiting = set(), set(), set()
    for record in records:
        level = RISKS[str(record["risk"])]
        risk[level] += 1
        for group_id in set(i for g in record["groups"] for i in lineage(g["id"])):
            per_group[name[group_id]][level] += 1
        last = when(record["last_connection"])
        if last is None:
            never.add(record["email"])
        elif (now - last).days >= stale_days:
            stale.add(record["email"])
        if last is None and str(record["status"]) not in ("1", "4") and (
                record["mail_sent"] or str(record["status"]) == "0"):
            awaiting.add(record["email"])
    # In user_notified without a break since before the cutoff: a status 0 spell that reaches into the hour
    # before it, and no other status since (call 5's reading, from the simulator's own history rows).
    cutoff_ms = (now - datetime.timedelta(days=unanswered_days)).timestamp() * 1000
    spells = {}
    for row in sim.control("GET", "status_history"):
        spells.setdefault(row["device_id"], []).append(row)

    def held(spell_list):
        def reaches(row, start, end):
            return row["start_ms"] < end and (row["end_ms"] is None or row["end_ms"] > start)
        return any(r["status"] == 0 and reaches(r, cutoff_ms - 3600 * 1000, cutoff_ms) for r in spell_list) and \
            not any(r["status"] != 0 and reaches(r, cutoff_ms, now.timestamp() * 1000) for r in spell_list)

    waiting_longer = {r["email"] for r in records
                      if r["email"] in awaiting and held(spells.get(str(r["internal_id"]), []))}
    return {"total": len(records), "risk": risk, "groups": per_group, "stale": stale, "never": never,
            "awaiting": awaiting, "waiting_longer": waiting_longer, "records": records}


def run_report(sim, dest, extra=None, args=(), inventory=None):
    variables = dict({"fleet_report_dest": str(dest)}, **(extra or {}))
    return run_playbook(PLAYBOOK, sim, extra_vars=variables, args=args, inventory=inventory,
                        env={"HM_TOKEN_CACHE_PATH": os.path.join(sim.workdir, "tokens.json")})


def flagged(report_dir, stem, flag):
    with open(os.path.join(report_dir, stem + ".json")) as handle:
        report = json.load(handle)
    return set(d["email"] for d in report["devices"] if flag in d["flags"])


def tile(page, label):
    found = re.search(r'<li class="tile"><span class="value">([^<]*)</span>\s*<span class="label">%s</span>'
                      % re.escape(label), page)
    return found.group(1) if found else None


@pytest.mark.parametrize("last_connection", VARIANTS["last_connection"])
def test_the_page_numbers_are_the_tenants_own_counts(sim, tmp_path, last_connection):
    sim.variants(last_connection=last_connection)
    try:
        want = expected(sim)
        sim.reset_stats()
        result = run_report(sim, tmp_path / "out")
    finally:
        sim.variants()
    assert result.returncode == 0, result.stdout[-3000:]
    stats = sim.stats()
    # One read of the tenant (the group list and the device pages) and the status history of invitations (call 5:
    # four windows, two probes each), no call per device.
    assert stats.get("writes", 0) == 0 and stats["requests"] <= 2 + (want["total"] // 100 + 1) * 2 + 4 * 4, stats
    out = tmp_path / "out"
    # Without tenant_name, the files are named after the tenant's id.
    stem = stem_of(out, [t for t in sim.control("GET", "tenants") if t["name"] == "default"][0]["tenant_id"])
    written = sorted(os.path.basename(p) for p in glob.glob(str(out / "*")))
    assert written == sorted([stem + ".html", stem + ".csv", stem + ".json", "index.html", "index.csv", "history"])
    report = json.loads((out / (stem + ".json")).read_text())
    assert report["total"] == want["total"]
    assert dict((k, v) for k, v in report["risk"].items() if k != "unknown") == want["risk"]
    by_name = dict((g["name"], g["risk"]) for g in report["groups"])
    for group, counts in want["groups"].items():
        assert dict((k, v) for k, v in by_name[group].items() if k != "unknown") == counts, group
    assert by_name["EMEA"]["high"] >= by_name["EMEA-Sales"]["high"] > 0
    assert flagged(out, stem, "stale") == want["stale"] and want["stale"]
    assert flagged(out, stem, "never_connected") == want["never"]
    page = (out / (stem + ".html")).read_text()
    assert tile(page, "devices") == str(want["total"])
    assert tile(page, "high risk") == str(want["risk"]["high"])
    assert tile(page, "not connected 30d+") == str(len(want["stale"]))
    assert tile(page, "never connected") == str(len(want["never"]))
    # Known from the first report on: the service's status history says who waits longer than 7 days.
    assert tile(page, "unanswered 7d+") == str(len(want["waiting_longer"])) and want["waiting_longer"]
    assert flagged(out, stem, "unanswered") == want["waiting_longer"]
    for address in sorted(want["stale"])[:50]:
        assert address in page
    # A device named <script> is shown as text.
    assert "<script" not in page and "&lt;script&gt;alert(&#34;fleet&#34;)&lt;/script&gt;" in page
    csv_text = (out / (stem + ".csv")).read_text()
    assert all(address in csv_text for address in want["stale"] | want["never"])
    assert "Summarise the tenant" in result.stdout and "high risk %d" % want["risk"]["high"] in one_line(result.stdout)


def test_trend_and_unanswered_invitations_from_last_weeks_report(sim, tmp_path):
    history = tmp_path / "history"
    first = run_report(sim, tmp_path / "week1", {"fleet_report_history_dir": str(history)})
    assert first.returncode == 0, first.stdout[-3000:]
    [kept] = glob.glob(str(history / "*.json"))
    # Make the kept report last week's: eight days older, invitations waiting since then.
    report = json.loads(open(kept).read())
    week_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=8)
    report["generated_at"] = week_ago.strftime("%Y-%m-%dT%H:%M:%SZ")
    report["first_seen"] = dict((k, report["generated_at"]) for k in report["first_seen"])
    os.remove(kept)
    older = re.sub(r"\d{8}T\d{6}Z", week_ago.strftime("%Y%m%dT%H%M%SZ"), kept)
    with open(older, "w") as handle:
        json.dump(report, handle)
    # This week: three devices went from their risk to high.
    changed = [d for d in sim.all_devices() if str(d["risk"]) == "0"][:3]
    for record in changed:
        sim.set_device(record["internal_id"], risk=3)
    try:
        want = expected(sim)
        second = run_report(sim, tmp_path / "week2", {"fleet_report_history_dir": str(history)})
        assert second.returncode == 0, second.stdout[-3000:]
        [page] = glob.glob(str(tmp_path / "week2" / "*.json"))
        now = json.loads(open(page).read())
        assert now["trend"]["since"] == report["generated_at"]
        assert now["trend"]["risk"] == {"none": -3, "low": 0, "medium": 0, "high": 3, "unknown": 0}
        # At a glance: the first page says it has no baseline; this week's tiles say what changed, and by how many.
        [first_page] = glob.glob(str(tmp_path / "week1" / "*-fleet-report.html"))
        assert "First report: no baseline yet." in open(first_page).read()
        [second_page] = glob.glob(str(tmp_path / "week2" / "*-fleet-report.html"))
        glance = re.sub(r"\s+", " ", open(second_page).read())
        assert re.search(r'<span class="label">high risk</span> <span class="change worse"><span aria-hidden="true">'
                         r'\u25b2 </span> up 3</span>', glance), glance[:3000]
        deltas = dict((g["path"], g["risk"]["high"]) for g in now["trend"]["groups"])
        assert deltas["ALL"] == 3 and sum(v for p, v in deltas.items() if p.count("/") == 1) == 3
        # Seen waiting a week ago is not enough: exactly the invitations call 5 shows waiting 7 days or more.
        assert set(d["email"] for d in now["devices"] if "unanswered" in d["flags"]) == want["waiting_longer"]
        assert now["unanswered_known"] and want["waiting_longer"] and want["awaiting"] - want["waiting_longer"]
        assert len(glob.glob(str(history / "*.json"))) == 2
    finally:
        for record in changed:
            sim.set_device(record["internal_id"], risk=0)


def tenants_inventory(sim, directory):
    with open(TENANTS_INVENTORY) as handle:
        example = yaml.safe_load(handle)["tenants"]["vars"]
    hosts = {}
    for tenant in sim.control("GET", "tenants"):
        if tenant["name"] != "default":
            hosts[tenant["name"]] = {"hm_gateway_url": sim.url + tenant["path"], "hm_client_id": tenant["client_id"],
                                     "hm_access_key": tenant["access_key"]}
    path = os.path.join(directory, "inventory.yml")
    with open(path, "w") as handle:
        yaml.safe_dump({"tenants": {"hosts": hosts, "vars": example}}, handle)
    return path


def test_two_tenants_two_pages_and_an_index_with_nothing_crossing(sim, tmp_path):
    inventory = tenants_inventory(sim, str(tmp_path))
    sim.reset_stats()
    result = run_report(sim, tmp_path / "out", {"fleet_report_hosts": "tenants"}, inventory=inventory)
    assert result.returncode == 0, result.stdout[-3000:]
    assert sim.stats()["cross_tenant"] == 0
    out = tmp_path / "out"
    stems = {own: stem_of(out, own) for own in ("t01", "t02")}
    pages = [stems[t] + e for t in ("t01", "t02") for e in (".html", ".csv", ".json")]
    assert sorted(os.listdir(out)) == sorted(["index.html", "index.csv", "history"] + pages)
    for own, other in (("t01", "t02"), ("t02", "t01")):
        for ext in (".html", ".csv", ".json"):
            text = (out / (stems[own] + ext)).read_text()
            assert "@%s.example.com" % own in text
            assert "@%s.example.com" % other not in text and "seed.example.com" not in text
        report = json.loads((out / (stems[own] + ".json")).read_text())
        assert report["total"] == 25 and report["tenant"]["name"] == own
    index = (out / "index.html").read_text()
    assert 'href="%s.html"' % stems["t01"] in index and 'href="%s.html"' % stems["t02"] in index
    body = index[index.index("<body>"):]  # the stylesheet has its @media rules
    assert "@" not in body and "<script" not in index


def stem_of(directory, name):
    """The file stem of the tenant named ``name``: its name and an 8-hex-digit fingerprint."""
    found = [p for p in os.listdir(directory) if re.match(r"^%s-[0-9a-f]{8}-fleet-report\.json$" % re.escape(name), p)]
    assert len(found) == 1, sorted(os.listdir(directory))
    return found[0][:-len(".json")]


def test_tenants_writing_to_different_directories_get_an_index_each_over_their_own_pages(sim, tmp_path):
    """fleet_report_dest per host: each directory's index links only to the pages beside it."""
    inventory = tenants_inventory(sim, str(tmp_path))
    with open(inventory) as handle:
        data = yaml.safe_load(handle)
    for name in ("t01", "t02"):
        data["tenants"]["hosts"][name]["fleet_report_dest"] = str(tmp_path / name)
    with open(inventory, "w") as handle:
        yaml.safe_dump(data, handle)
    result = run_playbook(PLAYBOOK, sim, extra_vars={"fleet_report_hosts": "tenants"}, inventory=inventory,
                          env={"HM_TOKEN_CACHE_PATH": os.path.join(sim.workdir, "tokens.json")})
    assert result.returncode == 0, result.stdout[-3000:]
    for own, other in (("t01", "t02"), ("t02", "t01")):
        stem = stem_of(tmp_path / own, own)
        written = [stem + ".html", stem + ".csv", stem + ".json", "index.html", "index.csv", "history"]
        assert sorted(os.listdir(tmp_path / own)) == sorted(written)
        index = (tmp_path / own / "index.html").read_text()
        assert re.findall(r'href="([^"]*)"', index) == [stem + ".html"]
        assert "@%s.example.com" % other not in (tmp_path / own / (stem + ".html")).read_text()


def test_check_mode_writes_nothing_and_says_it_would(sim, tmp_path):
    out = tmp_path / "out"
    result = run_report(sim, out, {"fleet_report_history_dir": str(tmp_path / "history")}, args=["--check"])
    assert result.returncode == 0, result.stdout[-3000:]
    assert not out.exists() and not (tmp_path / "history").exists()
    assert re.search(r"TASK \[secops.mobile_security.fleet_report : Write the tenant's fleet report[^\n]*\]\s*\*+\s*"
                     r"changed: \[localhost\]", result.stdout), result.stdout


def test_bad_input_names_the_option_and_writes_nothing(sim, tmp_path):
    out = tmp_path / "out"
    result = run_report(sim, out, {"fleet_report_stale_days": 0})
    assert result.returncode != 0
    assert "stale_days: must be a whole number of days, 1 or more, got 0" in one_line(result.stdout)
    assert not out.exists() or not os.listdir(out)


def test_a_failing_tenant_has_its_row_with_its_error_in_the_index_and_fails_the_job(sim, tmp_path):
    """Issue 34: with one tenant failing, the index said "1 tenants" and the failed tenant had no row."""
    inventory = tenants_inventory(sim, str(tmp_path))
    with open(inventory) as handle:
        data = yaml.safe_load(handle)
    data["tenants"]["hosts"]["t02"]["hm_access_key"] = "not-the-key"
    with open(inventory, "w") as handle:
        yaml.safe_dump(data, handle)
    result = run_report(sim, tmp_path / "out", {"fleet_report_hosts": "tenants"}, inventory=inventory)
    # The job still fails (for t02 alone), after the index is written.
    assert result.returncode != 0 and re.search(r"t01\s*: ok=\d+ .*failed=0", result.stdout), result.stdout[-3000:]
    assert re.search(r"t02\s*: ok=\d+ .*failed=1", result.stdout), result.stdout[-3000:]
    out = tmp_path / "out"
    good = stem_of(out, "t01")
    [failure] = [p for p in os.listdir(out) if p.startswith("t02-") and p.endswith(".failed.json")]
    record = json.loads((out / failure).read_text())
    assert record["failed"] is True and record["tenant"]["name"] == "t02" and record["error"]
    assert "not-the-key" not in (out / failure).read_text()
    index = (out / "index.html").read_text()
    assert "Fleet posture: 2 tenants, 1 failed" in index
    [row] = [r for r in index.split("<tr")[1:] if "t02" in r]
    assert "failed: " in row and "href" not in row and "not-the-key" not in index
    assert 'href="%s.html"' % good in index
    # The next run that succeeds removes the record: the index shows the tenant as it is now.
    key = [t for t in sim.control("GET", "tenants") if t["name"] == "t02"][0]["access_key"]
    data["tenants"]["hosts"]["t02"]["hm_access_key"] = key
    with open(inventory, "w") as handle:
        yaml.safe_dump(data, handle)
    again = run_report(sim, out, {"fleet_report_hosts": "tenants"}, inventory=inventory)
    assert again.returncode == 0, again.stdout[-3000:]
    assert not (out / failure).exists() and "2 tenants, 0 failed" in (out / "index.html").read_text()


def test_an_own_template_and_stylesheet_restyle_the_page_and_the_index(sim, tmp_path):
    """The README's example: a logo above the title (a template extending the collection's) and the company's
    colours (a stylesheet after the page's own), on each tenant's page and the index."""
    (tmp_path / "brand.html.j2").write_text(
        '{% extends "page.html.j2" %}{% block brand %}<p class="logo">Acme Corp for {{ tenant.name }}</p>'
        '{% endblock %}')
    (tmp_path / "index.html.j2").write_text(
        '{% extends "index.html.j2" %}{% block brand %}<p class="logo">Acme Corp MSSP</p>{% endblock %}')
    (tmp_path / "brand.css").write_text(":root{--accent:#0a7d4f}\n.logo{float:right}\n")
    out = tmp_path / "out"
    result = run_report(sim, out, {"fleet_report_template": str(tmp_path / "brand.html.j2"),
                                   "fleet_report_index_template": str(tmp_path / "index.html.j2"),
                                   "fleet_report_stylesheet": str(tmp_path / "brand.css")})
    assert result.returncode == 0, result.stdout[-3000:]
    [page] = glob.glob(str(out / "*-fleet-report.html"))
    text = open(page).read()
    assert '<p class="logo">Acme Corp for ' in text and ":root{--accent:#0a7d4f}" in text
    assert 'aria-labelledby="at-a-glance"' in text
    index = (out / "index.html").read_text()
    assert '<p class="logo">Acme Corp MSSP</p>' in index and ".logo{float:right}" in index
    # A template that does not parse is refused before the tenant is read, naming the file and the line.
    (tmp_path / "broken.html.j2").write_text('{% extends "page.html.j2" %}\n{% block brand %}')
    sim.reset_stats()
    broken = run_report(sim, tmp_path / "broken", {"fleet_report_template": str(tmp_path / "broken.html.j2")})
    assert broken.returncode != 0
    assert re.search(r"template: \S*broken.html.j2 line 2: Unexpected end of template", one_line(broken.stdout))
    assert sim.stats().get("requests", 0) <= 1, sim.stats()


def test_a_corrupt_baseline_is_refused_naming_the_option_and_the_file_and_no_report_is_written(sim, tmp_path):
    """Issue 34: a baseline cut short or edited by hand failed with a traceback; now the task fails naming
    history_dir and the file, writes no report of the tenant, and the index says the tenant failed."""
    history = tmp_path / "history"
    first = run_report(sim, tmp_path / "week1", {"fleet_report_history_dir": str(history)})
    assert first.returncode == 0, first.stdout[-3000:]
    [kept] = glob.glob(str(history / "*.json"))
    report = json.loads(open(kept).read())
    report["risk"] = "lots"  # valid JSON, schema version 1, not a report
    with open(kept, "w") as handle:
        json.dump(report, handle)
    out = tmp_path / "week2"
    second = run_report(sim, out, {"fleet_report_history_dir": str(history)})
    assert second.returncode != 0
    said = one_line(second.stdout)
    assert "history_dir: %s: not a whole fleet report (risk is not a count per level)" % kept in said, said[-3000:]
    assert "Traceback" not in second.stdout
    assert not glob.glob(str(out / "*-fleet-report.html")) and not glob.glob(str(out / "*-fleet-report.json"))
    assert glob.glob(str(history / "*.json")) == [kept]
    assert "1 tenant, 1 failed" in (out / "index.html").read_text()


def tenant_devices(sim, settings):
    """A tenant's device records, read at its own gateway with its own credentials (from the inventory)."""
    token = sim.http.post(settings["hm_gateway_url"] + "/auth/external", timeout=30, json={
        "clientId": settings["hm_client_id"], "accessKey": settings["hm_access_key"]}).json()["data"]["token"]
    response = sim.http.get(settings["hm_gateway_url"] + API + "/v1/device_status/", params={"limit": 500},
                            headers={"Authorization": "Bearer " + token}, timeout=30)
    response.raise_for_status()
    return response.json()["objects"]


def test_the_documented_mssp_command_run_twice_shows_each_tenants_change_since_its_own_first_run(tmp_path):
    """README: `ansible-playbook -i .simulator.db.tenants.yml playbooks/weekly_fleet_report.yml -e
    fleet_report_hosts=tenants`, as the simulator prints it, with nothing else set: the second run compares each
    tenant with its own first run (the history kept under fleet_report_dest), never with another tenant's."""
    inventory = str(tmp_path / "sim.db.tenants.yml")
    sim = Simulator(str(tmp_path), extra_args=["--seed-devices", "25", "--tenants", "2",
                                               "--tenant-inventory", inventory]).start()
    reports = tmp_path / "reports"

    def run():
        result = run_playbook(PLAYBOOK, inventory=inventory, extra_vars={"fleet_report_hosts": "tenants",
                                                                         "fleet_report_dest": str(reports)})
        assert result.returncode == 0, result.stdout[-4000:]
        return result, {r["tenant"]: r for r in csv.DictReader(open(reports / "index.csv"))}

    try:
        with open(inventory) as handle:
            hosts = yaml.safe_load(handle)["tenants"]["hosts"]
        first, table = run()
        assert {name: row["cause"] for name, row in table.items()} == {
            "t01": "first report: no baseline yet", "t02": "first report: no baseline yet"}
        # The summary is one line: no line break printed as a literal backslash-n.
        summaries = [line for line in first.stdout.splitlines() if "fleet-report.html" in line and "devices," in line]
        assert len(summaries) == 2 and not any("\\n" in line for line in summaries), first.stdout[-3000:]
        # index.csv's page is the file the index links, beside it: no controller path.
        assert all(row["page"] == stem_of(reports, name) + ".html" for name, row in table.items())
        index = (reports / "index.html").read_text()
        assert all('href="%s"' % row["page"] in index for row in table.values())
        # t01: three devices newly at high risk; t02 unchanged.
        raised = [d for d in tenant_devices(sim, hosts["t01"]) if str(d["risk"]) != "3"][:3]
        for record in raised:
            sim.control("POST", "devices/%s?tenant=t01" % record["internal_id"], {"risk": 3})
        before = {name: int(row["high"]) for name, row in table.items()}
        _second, table = run()
        assert (table["t01"]["high"], table["t01"]["high_change"]) == (str(before["t01"] + 3), "3")
        assert table["t01"]["cause"].startswith("high +3 (of the 3 new: ") and table["t01"]["standing"] == "worse"
        assert (table["t02"]["high"], table["t02"]["high_change"]) == (str(before["t02"]), "0")
        assert table["t02"]["cause"] == "no worse" and table["t02"]["standing"] == "not worse"
        assert [row["tenant"] for row in sorted(table.values(), key=lambda r: int(r["rank"]))] == ["t01", "t02"]
        # Each tenant's own history, two compact entries each, named by its own name and fingerprint.
        for name in ("t01", "t02"):
            kept = sorted((reports / "history").glob(stem_of(reports, name) + "-*.json"))
            assert len(kept) == 2
            assert all(json.loads(path.read_text())["tenant"]["name"] == name for path in kept)
        assert len(list((reports / "history").iterdir())) == 4
    finally:
        sim.stop()
