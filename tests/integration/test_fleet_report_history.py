"""The weekly report over weeks, for real over HTTP (playbooks/weekly_fleet_report.yml): four reports of one tenant
with changes between them, a hygiene run and registrations; the page's trend, new and resolved devices, ranked
groups, reminder effectiveness and next-run preview are each checked against numbers computed here from the
simulator's own records (its device list, status history and resend log), with nothing of the collection.

Reports are made one after the other; each kept history entry is then dated a week earlier (its file name and
``generated_at``), as four weekly runs would have left them."""

import csv
import datetime
import glob
import html
import html.parser
import json
import os
import re
import sys

import pytest
import yaml

from tests.integration.awx_stream import run_streamed
from tests.integration.test_awx_hygiene_job import job_environment
from tests.integration.test_fleet_report import stem_of, tenants_inventory, when
from tests.simulator.variants import VARIANTS
from tests.support import REPO_ROOT, SIM_ACCESS_KEY, Simulator, one_line, run_playbook

REPORT = os.path.join(REPO_ROOT, "playbooks", "weekly_fleet_report.yml")
HYGIENE = os.path.join(REPO_ROOT, "playbooks", "registration_hygiene.yml")
API = "/app/SBM/external_api"
DAY = datetime.timedelta(days=1)
DAY_MS = 86400 * 1000
UTC = datetime.timezone.utc
OLD_CLIENT = "3.7.0.0001"
EVERY_DAYS = 3
DELETE_AFTER = 25


@pytest.fixture(params=VARIANTS["status_reading"])
def weekly(request, tmp_path_factory):
    """A tenant of its own per reading of call 5 (the trend, the reminders and the preview read it)."""
    sim = Simulator(str(tmp_path_factory.mktemp("history"))).start()
    sim.variants(status_reading=request.param)
    emea = sim.api("POST", API + "/v1/groups/", json={"name": "EMEA"})
    sim.api("POST", API + "/v1/groups/", json={"name": "EMEA-Sales", "parent_id": emea["id"]})
    sim.seed(devices=120, groups=["EMEA", "EMEA-Sales", "AMER"], rng_seed=5)
    yield sim
    sim.stop()


def now_ms():
    return int(datetime.datetime.now(UTC).timestamp() * 1000)


def version(text):
    return tuple(int(p) for p in text.split(".")) if text else None


def state(sim):
    """What the week's report must say, from the simulator's raw records alone."""
    records = sim.all_devices()
    now = datetime.datetime.now(UTC)
    newest = max(version(r["client_version"]) for r in records if r["client_version"])
    ids = {"high": set(), "stale": set(), "outdated": set()}
    risk = {"none": 0, "low": 0, "medium": 0, "high": 0}
    never = 0
    for record in records:
        key = record["internal_id"]
        level = {"0": "none", "1": "low", "2": "medium", "3": "high"}[str(record["risk"])]
        risk[level] += 1
        if level == "high":
            ids["high"].add(key)
        last = when(record["last_connection"])
        if last is None:
            never += 1
        elif (now - last).days >= 30:
            ids["stale"].add(key)
        if record["client_version"] and version(record["client_version"]) < newest:
            ids["outdated"].add(key)
    return {"records": records, "ids": ids, "risk": risk, "never": never,
            "series": dict(risk, stale=len(ids["stale"]), outdated=len(ids["outdated"]), never_connected=never)}


def report(sim, tmp_path, week, extra=None):
    variables = {"fleet_report_dest": str(tmp_path / ("week%d" % week)),
                 "fleet_report_history_dir": str(tmp_path / "history")}
    variables.update(extra or {})
    result = run_playbook(REPORT, sim, extra_vars=variables,
                          env={"HM_TOKEN_CACHE_PATH": os.path.join(sim.workdir, "tokens.json")})
    assert result.returncode == 0, result.stdout[-3000:]
    [path] = glob.glob(str(tmp_path / ("week%d" % week) / "*-fleet-report.json"))
    with open(path) as handle:
        return json.load(handle), path[:-len(".json")] + ".html", result


def age_newest(history, days):
    """Date the entry just kept ``days`` earlier, file name and contents, as a run that many days ago left it."""
    newest = sorted(glob.glob(str(history / "*.json")))[-1]
    with open(newest) as handle:
        entry = json.load(handle)
    moment = datetime.datetime.strptime(entry["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) - days * DAY
    entry["generated_at"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    os.remove(newest)
    with open(re.sub(r"\d{8}T\d{6}Z", moment.strftime("%Y%m%dT%H%M%SZ"), newest), "w") as handle:
        json.dump(entry, handle)
    return entry["generated_at"]


def pick(records, count, taken, test):
    found = [r["internal_id"] for r in records if r["internal_id"] not in taken and test(r)][:count]
    assert len(found) == count
    taken.update(found)
    return found


def change_week(sim, records, taken, high=(), resolve=(), stale=(), reconnect=(), outdated=(), update=()):
    """Apply one week's changes through the simulator's state route (risk, last connection, client)."""
    newest = max((r["client_version"] for r in records if r["client_version"]), key=version)
    for device_id in high:
        sim.set_device(device_id, risk=3)
    for device_id in resolve:
        sim.set_device(device_id, risk=0)
    for device_id in stale:
        sim.control("POST", "devices/%s" % device_id, {"last_connection_ms": now_ms() - 45 * DAY_MS})
    for device_id in reconnect:
        sim.control("POST", "devices/%s" % device_id, {"last_connection_ms": now_ms() - DAY_MS})
    for device_id in outdated:
        sim.control("POST", "devices/%s" % device_id, {"client_version": OLD_CLIENT})
    for device_id in update:
        sim.control("POST", "devices/%s" % device_id, {"client_version": newest})


def recent_active(record):
    last = when(record["last_connection"])
    return str(record["status"]) == "1" and last is not None and (datetime.datetime.now(UTC) - last).days < 5 \
        and str(record["risk"]) == "0" and record["client_version"]


def invited(sim):
    """Ten invitations waiting 20 days, five in EMEA-Sales and five in AMER (the hygiene reminds them)."""
    start = now_ms() - 20 * DAY_MS
    records = [{"email": "invited%d@example.com" % i, "name": "Invited %d" % i, "mail_sent": True,
                "groups": ["EMEA-Sales" if i < 5 else "AMER"], "history": [[0, start]]} for i in range(10)]
    return sim.add_devices(records)


class Tables(html.parser.HTMLParser):
    """Every table of a page as {caption: [rows of cell texts]} (header rows included), and the h3 headings."""

    def __init__(self, text):
        super().__init__()
        self.tables, self.headings, self._table, self._row, self._cell, self._caption = {}, [], None, None, None, None
        self._heading = None
        self.feed(text)
        self.text = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(text)).split())

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = []
        elif tag == "caption":
            self._caption = ""
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        elif tag == "h3":
            self._heading = ""

    def handle_endtag(self, tag):
        if tag == "table" and self._table is not None:
            self.tables[self._caption_text] = self._table
            self._table = None
        elif tag == "caption":
            self._caption_text, self._caption = " ".join(self._caption.split()), None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "h3" and self._heading is not None:
            self.headings.append(" ".join(self._heading.split()))
            self._heading = None

    def handle_data(self, data):
        for name in ("_cell", "_caption", "_heading"):
            if getattr(self, name) is not None:
                setattr(self, name, getattr(self, name) + data)


def table(tables, caption_start):
    [found] = [rows for caption, rows in tables.tables.items() if caption.startswith(caption_start)]
    return found


def ranked_groups(sim, records):
    """Groups with devices, worst first: share at high risk, then medium, then size (groups of fewer than 5 devices
    after the others), each counting its sub-groups' devices, from the raw records."""
    groups = sim.api("GET", API + "/v1/groups/", params={"limit": 500})["objects"]
    parent = {g["id"]: (g.get("parent") or {}).get("id") for g in groups}
    path = {}
    for group in groups:
        names, at = [], group["id"]
        while at is not None:
            names.append([g["name"] for g in groups if g["id"] == at][0])
            at = parent.get(at)
        path[group["id"]] = "/".join(reversed(names))
    counts = {g["id"]: {"total": 0, "high": 0, "medium": 0} for g in groups}
    for record in records:
        lineage = set()
        for group in record["groups"]:
            at = group["id"]
            while at is not None:
                lineage.add(at)
                at = parent.get(at)
        for group_id in lineage:
            counts[group_id]["total"] += 1
            counts[group_id]["high"] += str(record["risk"]) == "3"
            counts[group_id]["medium"] += str(record["risk"]) == "2"
    rows = [(path[i], c) for i, c in counts.items() if c["total"]]
    rows.sort(key=lambda r: (r[1]["total"] < 5, -r[1]["high"] / r[1]["total"], -r[1]["medium"] / r[1]["total"],
                             -r[1]["total"], r[0]))
    return [[str(rank), p, str(c["total"]), str(c["high"])] for rank, (p, c) in enumerate(rows, 1)]


def held(spells, cutoff_ms):
    """Device ids in user_notified now without a break since before ``cutoff_ms`` (their current spell)."""
    return {d for d, rows in spells.items()
            if any(r["status"] == 0 and r["end_ms"] is None and r["start_ms"] <= cutoff_ms for r in rows)}


def test_four_weekly_reports_show_the_trend_new_and_resolved_devices_groups_and_reminders(weekly, tmp_path):
    sim = weekly
    history = tmp_path / "history"
    taken = set()
    weeks = []

    # Week 1.
    weeks.append(state(sim))
    first, _page, _result = report(sim, tmp_path, 1)
    assert first["history"]["changes"]["high"]["why"] == "first report: no baseline yet"
    age_newest(history, 21)

    # Week 2: four devices at high risk, two stop connecting, three keep an old client.
    records = weeks[-1]["records"]
    week2 = {"high": pick(records, 4, taken, recent_active), "stale": pick(records, 2, taken, recent_active),
             "outdated": pick(records, 3, taken, recent_active)}
    change_week(sim, records, taken, high=week2["high"], stale=week2["stale"], outdated=week2["outdated"])
    weeks.append(state(sim))
    report(sim, tmp_path, 2)
    age_newest(history, 14)

    # Week 3: two of those are resolved and three others go high; one stale device connects, two clients update.
    records = weeks[-1]["records"]
    change_week(sim, records, taken, high=pick(records, 3, taken, recent_active), resolve=week2["high"][:2],
                reconnect=week2["stale"][:1], update=week2["outdated"][:2],
                stale=pick(records, 1, taken, recent_active))
    invitations = invited(sim)
    weeks.append(state(sim))
    report(sim, tmp_path, 3)
    baseline_time = age_newest(history, 7)

    # The hygiene reminds every invitation waiting more than 7 days; its run is then dated 5 days ago.
    state_file = tmp_path / "hygiene" / "resends.json"
    result = run_playbook(HYGIENE, sim, extra_vars={
        "registration_hygiene_state_file": str(state_file), "registration_hygiene_resend_every_days": EVERY_DAYS},
        env={"HM_TOKEN_CACHE_PATH": os.path.join(sim.workdir, "tokens.json")})
    assert result.returncode == 0, result.stdout[-3000:]
    resent = {r["device_id"] for r in sim.resends()}
    assert set(invitations) <= resent
    with open(state_file) as handle:
        record = json.load(handle)
    reminded_at = datetime.datetime.now(UTC).replace(microsecond=0) - 5 * DAY
    for tenant in record["tenants"].values():
        for entry in tenant.values():
            entry["resent"] = reminded_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(state_file, "w") as handle:
        json.dump(record, handle)
    reminded_ms = int(reminded_at.timestamp() * 1000)
    # Three users of EMEA-Sales register the day after the reminder, two of AMER four days after (too late).
    for device_id in invitations[:3]:
        sim.set_device(device_id, status=1, at_ms=reminded_ms + DAY_MS)
    for device_id in invitations[5:7]:
        sim.set_device(device_id, status=1, at_ms=reminded_ms + 4 * DAY_MS)

    # Week 4: the last week's high-risk devices resolved, two new; one more stale; one more old client.
    records = sim.all_devices()
    change_week(sim, records, taken, high=pick(records, 2, taken, recent_active), resolve=week2["high"][2:],
                stale=pick(records, 1, taken, recent_active), outdated=pick(records, 1, taken, recent_active))
    weeks.append(state(sim))
    run_at = datetime.datetime.now(UTC).replace(microsecond=0) + 2 * DAY
    fourth, page_path, result = report(sim, tmp_path, 4, {
        "fleet_report_hygiene_state_file": str(state_file), "fleet_report_hygiene_resend_every_days": EVERY_DAYS,
        "fleet_report_hygiene_delete_after_days": DELETE_AFTER, "fleet_report_hygiene_max_deletes": "all",
        "fleet_report_hygiene_next_run": run_at.strftime("%Y-%m-%dT%H:%M:%SZ")})
    # The reminders' reads send the status filter as the report's windows do: a service that applies it (the
    # default simulator's Tastypie status__in) is not warned about.
    assert "ignored status_in" not in re.sub(r"\s+", " ", result.stdout), result.stdout[-3000:]

    # The trend: four points, each the simulator's own count that week.
    section = fourth["history"]
    assert section["reports"] == 4
    for measure in ("none", "low", "medium", "high", "stale", "outdated", "never_connected"):
        assert section["series"][measure] == [w["series"][measure] for w in weeks], measure

    # New and resolved since week 3, per kind.
    before, after = weeks[2]["ids"], weeks[3]["ids"]
    lists = fourth["changed_devices"]
    for kind in ("high", "stale", "outdated"):
        assert section["changes"][kind] == {"known": True, "new": len(after[kind] - before[kind]),
                                            "resolved": len(before[kind] - after[kind])}, kind
        assert {d["id"] for d in lists[kind]["new"]} == after[kind] - before[kind], kind
        assert {d["id"] for d in lists[kind]["resolved"]} == before[kind] - after[kind], kind
    assert section["changes"]["high"]["new"] == 2 and section["changes"]["high"]["resolved"] == 2

    # Reminders: every device the simulator resent, dated by the hygiene's record; registered within 3 days from
    # the simulator's status history.
    spells = {}
    for row in sim.control("GET", "status_history"):
        spells.setdefault(row["device_id"], []).append(row)
    window_end = reminded_ms + EVERY_DAYS * DAY_MS
    registered = {d for d in resent if any(r["status"] in (1, 4) and reminded_ms <= r["start_ms"] <= window_end
                                           for r in spells.get(d, []))}
    assert registered == set(invitations[:3])
    current = {r["internal_id"]: r for r in weeks[3]["records"]}
    effect = fourth["hygiene"]["effectiveness"]
    assert effect["period"]["from"] == baseline_time
    assert effect["total"]["sent"] == len(resent) and effect["total"]["registered"] == len(registered)
    assert effect["total"]["not_registered"] == len(resent - registered) and effect["total"]["waiting"] == 0
    per_group = {}
    for device_id in resent:
        for group in current[device_id]["groups"]:
            counts = per_group.setdefault(group["name"], {"sent": 0, "registered": 0})
            counts["sent"] += 1
            counts["registered"] += device_id in registered
    assert {g["group"]: {"sent": g["sent"], "registered": g["registered"]} for g in effect["groups"]} == per_group
    assert per_group["EMEA-Sales"]["registered"] == 3 and per_group["AMER"]["registered"] == 0

    # The next run, in two days, with the settings given: remind those waiting 7 days by then (their reminder is
    # 3 days old by then), delete those waiting 25.
    run_ms = int(run_at.timestamp() * 1000)
    deleting = held(spells, run_ms - DELETE_AFTER * DAY_MS)
    reminding = held(spells, run_ms - 7 * DAY_MS) - deleting
    preview = fourth["hygiene"]["next_run"]
    assert preview["date"] == run_at.strftime("%Y-%m-%dT%H:%M:%SZ") and preview["known"]
    assert (preview["remind"], preview["delete"], preview["refused"]) == (len(reminding), len(deleting), False)
    assert {d["id"] for d in fourth["hygiene_devices"]["remind"]} == set(sorted(reminding, key=int)[:50])
    assert preview["settings"]["resend_every_days"] == EVERY_DAYS and preview["settings"]["delete_after_days"] == 25
    assert reminding and deleting and set(invitations[7:]) <= reminding

    # The page shows the same numbers.
    with open(page_path) as handle:
        page = Tables(handle.read())
    trend = table(page, "Each report's counts, oldest first")
    header = trend[0]
    for measure, words in (("high", "high risk"), ("medium", "medium risk"), ("none", "no risk"),
                           ("stale", "stale"), ("outdated", "outdated client"), ("never_connected", "never connected")):
        column = header.index(words)
        assert [row[column] for row in trend[1:]] == [str(w["series"][measure]) for w in weeks], measure
    for kind, title in (("high", "High risk"), ("stale", "Stale"), ("outdated", "Outdated client")):
        new, resolved = after[kind] - before[kind], before[kind] - after[kind]
        assert "%s: %d new this week, %d resolved since last week" % (title, len(new), len(resolved)) \
            in page.headings, kind
        if new:
            shown = [row[0] for row in table(page, "%s: new this week" % title)[1:]]
            assert sorted(shown) == sorted(current[i]["name"] for i in new), kind
        if resolved:
            shown = [row[0] for row in table(page, "%s: resolved since last week" % title)[1:]]
            assert sorted(shown) == sorted(current[i]["name"] for i in resolved), kind
    ranked = [row[:4] for row in table(page, "Groups, riskiest first")[1:]]
    assert ranked == ranked_groups(sim, weeks[3]["records"])
    decided = len(resent)
    rate = "%d of %d registered so far (%.0f%% of the %d whose %d days are up)" % (
        len(registered), len(resent), 100.0 * len(registered) / decided, decided, EVERY_DAYS)
    assert rate in page.text
    reminders = {row[0]: row[1:3] for row in table(page, "Reminders sent from")[1:]}
    assert reminders == {group: [str(c["sent"]), str(c["registered"])] for group, c in per_group.items()}
    assert "The next run: %s" % run_at.strftime("%Y-%m-%dT%H:%M:%SZ") in page.headings
    assert len(table(page, "To be reminded on")) - 1 == min(len(reminding), 50)
    assert len(table(page, "To be deleted on")) - 1 == min(len(deleting), 50)


@pytest.fixture(scope="module")
def mssp(tmp_path_factory):
    sim = Simulator(str(tmp_path_factory.mktemp("mssp")), extra_args=["--tenants", "3"]).start()
    for index, name in enumerate(("t01", "t02", "t03")):
        sim.control("POST", "seed?tenant=%s" % name, {"devices": 30, "rng_seed": 20 + index,
                                                      "email_domain": "%s.example.com" % name})
    yield sim
    sim.stop()


def tenant_devices(sim, name):
    """A tenant's raw records, read as its own client would (its path and credentials)."""
    [tenant] = [t for t in sim.control("GET", "tenants") if t["name"] == name]
    token = sim.http.post(sim.url + tenant["path"] + "/auth/external", json={
        "clientId": tenant["client_id"], "accessKey": tenant["access_key"]}, timeout=30).json()["data"]["token"]
    found, offset = [], 0
    while True:
        page = sim.http.get(sim.url + tenant["path"] + API + "/v1/device_status/", params={
            "limit": 100, "offset": offset}, headers={"Authorization": "Bearer " + token}, timeout=30).json()
        found += page["objects"]
        offset += len(page["objects"])
        if not page["objects"] or offset >= page["meta"]["total_count"]:
            return found


def set_state(sim, tenant, device_id, **state):
    return sim.control("POST", "devices/%s?tenant=%s" % (device_id, tenant), state)


def test_the_mssp_index_ranks_three_tenants_worst_first_with_causes_and_its_csv_says_the_same(mssp, tmp_path):
    inventory = tenants_inventory(mssp, str(tmp_path))
    history, out = tmp_path / "history", tmp_path / "out"
    extra = {"fleet_report_hosts": "tenants", "fleet_report_dest": str(out), "fleet_report_history_dir": str(history)}

    def run():
        return run_playbook(REPORT, mssp, extra_vars=extra, inventory=inventory,
                            env={"HM_TOKEN_CACHE_PATH": os.path.join(mssp.workdir, "tokens.json")})

    first = run()
    assert first.returncode == 0, first.stdout[-3000:]
    for path in glob.glob(str(history / "*.json")):
        with open(path) as handle:
            entry = json.load(handle)
        moment = datetime.datetime.strptime(entry["generated_at"], "%Y-%m-%dT%H:%M:%SZ") - 7 * DAY
        entry["generated_at"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        os.remove(path)
        with open(re.sub(r"\d{8}T\d{6}Z", moment.strftime("%Y%m%dT%H%M%SZ"), path), "w") as handle:
            json.dump(entry, handle)

    # t02 gets worse: five devices go high, three of them with an old client, two no longer connecting.
    records = tenant_devices(mssp, "t02")
    newest = max((r["client_version"] for r in records if r["client_version"]), key=version)
    # Connected lately, on the newest client, not at high risk: each change below is this week's alone.
    calm = [r["internal_id"] for r in records if str(r["risk"]) != "3" and r["client_version"] == newest
            and str(r["status"]) == "1" and (datetime.datetime.now(UTC) - when(r["last_connection"])).days < 20]
    for device_id in calm[:3]:
        set_state(mssp, "t02", device_id, risk=3, client_version=OLD_CLIENT)
    for device_id in calm[3:5]:
        set_state(mssp, "t02", device_id, risk=3, last_connection_ms=now_ms() - 45 * DAY_MS)
    # t03 a little: one device to medium. t01 fails: its key is no longer the one in the inventory.
    [quiet] = [r["internal_id"] for r in tenant_devices(mssp, "t03") if str(r["risk"]) in ("0", "1")][:1]
    set_state(mssp, "t03", quiet, risk=2)
    with open(inventory) as handle:
        data = yaml.safe_load(handle)
    data["tenants"]["hosts"]["t01"]["hm_access_key"] = "not-the-key"
    with open(inventory, "w") as handle:
        yaml.safe_dump(data, handle)

    second = run()
    assert second.returncode != 0 and re.search(r"t01\s*: ok=\d+ .*failed=1", second.stdout), second.stdout[-3000:]
    high = {name: sum(1 for r in tenant_devices(mssp, name) if str(r["risk"]) == "3") for name in ("t02", "t03")}

    with open(out / "index.csv") as handle:
        table = list(csv.DictReader(handle))
    assert [r["tenant"] for r in table] == ["t01", "t02", "t03"]
    assert [r["standing"] for r in table] == ["failed", "worse", "worse"]
    assert table[0]["devices"] == "" and table[0]["error"] and "not-the-key" not in table[0]["error"]
    assert table[1]["high"] == str(high["t02"]) and table[1]["high_change"] == "5"
    # The flags in brackets are those of the new high-risk devices; the cause starts with a word, so the CSV
    # needs no formula guard.
    assert table[1]["cause"] == "high +5 (of the 5 new: 3 outdated clients, 2 stale); stale +2; outdated +3"
    assert table[2]["medium_change"] == "1" and table[2]["cause"] == "medium +1"
    assert table[2]["high"] == str(high["t03"])

    index = (out / "index.html").read_text()
    assert "3 tenants, 1 failed" in index and "not-the-key" not in index and "example.com" not in index
    rows = [r for r in index.split("<tr")[1:] if re.search(r"\bt0[123]\b", r)]
    assert [re.search(r"\bt0[123]\b", r).group(0) for r in rows] == ["t01", "t02", "t03"]
    assert "high +5 (of the 5 new: 3 outdated clients, 2 stale)" in html.unescape(rows[1])
    assert "medium +1" in rows[2] and table[0]["error"][:40] in html.unescape(rows[0])
    assert 'href="%s.html"' % stem_of(out, "t02") in rows[1]


def test_fail_when_fails_the_awx_job_after_the_files_are_written(sim, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    sim.seed(devices=40, rng_seed=9)
    high = sum(1 for r in sim.all_devices() if str(r["risk"]) == "3")
    assert high
    out = tmp_path / "reports"
    extravars = {"fleet_report_dest": str(out), "fleet_report_history_dir": str(tmp_path / "history"),
                 "fleet_report_fail_when": [{"measure": "high", "above": high - 1},
                                            {"measure": "high", "increase_above": 0},
                                            {"measure": "stale", "above": 1000}]}
    job = run_streamed(str(tmp_path / "job"), REPORT, extravars=extravars, envvars=job_environment(sim))
    assert job.status == "failed" and job.rc != 0, job.stderr[-3000:]
    assert job.stats["failures"] == {"localhost": 1}
    [failed] = [e["event_data"]["res"] for e in job.events if e["event"] == "runner_on_failed"
                and e["event_data"].get("task_action") == "secops.mobile_security.hm_fleet_report"]
    assert failed["msg"] == "fail_when: high: %d devices, more than %d (the files were written)" % (high, high - 1)
    assert [t["state"] for t in failed["thresholds"]] == ["exceeded", "unknown", "within"]
    # The first report has no baseline: the increase rule was not checked, and the job says so.
    shown = one_line("".join(e.get("stdout") or "" for e in job.events))
    assert "fail_when high increase_above 0: not known (first report: no baseline yet): the rule was not " \
           "checked (if_unknown: warn)" in shown
    # Written before the task failed: the page, CSV, JSON, the history entry and the index with the tenant's row.
    [page] = glob.glob(str(out / "*-fleet-report.html"))
    assert os.path.exists(page[:-5] + ".csv") and os.path.exists(page[:-5] + ".json")
    assert len(glob.glob(str(tmp_path / "history" / "*.json"))) == 1
    assert "1 tenant, 1 failed" in (out / "index.html").read_text()
    assert SIM_ACCESS_KEY not in json.dumps(job.events)
