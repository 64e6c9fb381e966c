"""The fleet report's files: baseline from `previous` or the history, check mode, what counts as a change."""

import datetime
import json
import os
import re
import stat

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report, fleet_report_files
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Held

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 12, 5, 9, 0, 0, tzinfo=UTC)
TENANT = {"name": "acme", "gateway_url": "https://gw.example.com", "client_id": "c1", "tenant_id": None,
          "label": "acme: c1 at gw.example.com"}
GROUPS = [{"id": 1, "name": "ALL", "parent": None}]


def device(risk_name):
    return {"id": "1", "name": "Dev", "email": "u@example.com", "groups": ["ALL"], "group_ids": [1],
            "status_name": "active", "risk_name": risk_name, "last_connection": "2026-12-04T00:00:00Z",
            "client_version": "3.8.1", "mail_sent": True, "os_type": "IOS", "os_version": "17.4"}


def params(tmp_path, **options):
    settings = dict(dest=str(tmp_path / "out"), stale_days=30, unanswered_days=7, min_client_version=None,
                    previous=None, history_dir=None)
    settings.update(options)
    return settings


class FakeTenant:
    """One device; the service applies status windows and shows ``waiting`` in user_notified long enough."""

    def __init__(self, risk, reads, waiting=()):
        self.risk, self.reads, self.waiting = risk, reads, set(waiting)
        self.client = self

    def ensure_token(self):
        """The login (the tenant's id for the files' names): not a read of the tenant."""

    def snapshot(self):
        if self.reads is not None:
            self.reads.append(1)
        return GROUPS, [device(self.risk)]

    def held_longer(self, status, held, steps, now, selection=None):
        return {}

    def held_status(self, status, days, now, selection=None, listing=None):
        return Held(self.waiting, "in_status", True, True, set(self.waiting), days)


STEM = "acme-da95ad86-fleet-report"  # acme, https://gw.example.com, client c1


def produce(tmp_path, risk="none", check_mode=False, now=NOW, reads=None, **options):
    return fleet_report_files.produce(FakeTenant(risk, reads), lambda: TENANT, params(tmp_path, **options),
                                      check_mode, now)


def test_three_files_written_private_and_named_after_the_tenant(tmp_path):
    result = produce(tmp_path)
    assert result["changed"] and result["baseline"] is None
    assert sorted(os.listdir(tmp_path / "out")) == [STEM + ".csv", STEM + ".html", STEM + ".json"]
    for path in result["files"].values():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "devices" not in result["report"] and result["report"]["total"] == 1
    # The same tenant state at the same time: nothing to change.
    assert produce(tmp_path)["changed"] is False


def test_check_mode_computes_and_writes_nothing(tmp_path):
    result = produce(tmp_path, check_mode=True, history_dir=str(tmp_path / "history"))
    assert result["changed"] and result["report"]["risk"]["none"] == 1
    assert not (tmp_path / "out").exists() and not (tmp_path / "history").exists()
    assert result["files"]["html"] == str(tmp_path / "out" / (STEM + ".html"))


def test_the_newest_kept_report_of_this_tenant_is_the_baseline_and_the_new_one_is_kept(tmp_path):
    history = str(tmp_path / "history")
    produce(tmp_path, risk="high", now=NOW - datetime.timedelta(days=14), history_dir=history)
    produce(tmp_path, risk="medium", now=NOW - datetime.timedelta(days=7), history_dir=history)
    # Another tenant's report in the same directory is not this tenant's baseline.
    other = fleet_report.compute(GROUPS, [device("low")], NOW - datetime.timedelta(days=1), 30, 7,
                                 tenant=dict(TENANT, name="globex"))
    other_stem = fleet_report.file_stem(dict(TENANT, name="globex"))
    with open(os.path.join(history, other_stem + "-20261204T090000Z.json"), "w") as handle:
        json.dump(other, handle)
    result = produce(tmp_path, risk="none", history_dir=history)
    assert result["baseline"].endswith(STEM + "-20261128T090000Z.json")
    assert result["report"]["trend"]["risk"]["medium"] == -1 and result["report"]["trend"]["risk"]["none"] == 1
    assert result["files"]["history"].endswith(STEM + "-20261205T090000Z.json")
    assert len([n for n in os.listdir(history) if n.startswith("acme-")]) == 3


def test_a_bad_option_is_refused_before_the_tenant_is_read(tmp_path):
    reads = []
    with pytest.raises(UserError, match="unanswered_days: must be a whole number of days, 1 or more, got 0"):
        produce(tmp_path, reads=reads, unanswered_days=0)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="dest: .*file exists and is not a directory"):
        produce(tmp_path, reads=reads, dest=str(tmp_path / "file"))
    assert reads == []


@pytest.mark.parametrize("content,message", [
    (None, "previous: .*missing.json does not exist"),
    ("{not json", "previous: .* is not a readable JSON report"),
    ('{"schema_version": 99}', "previous: .*missing.json: not a fleet report of schema version 1"),
    ("[1, 2", "previous: .*missing.json is not a readable JSON report"),
    ("\xff\xfe{", "previous: .*missing.json is not a readable JSON report"),
    ("[" * 100000, "previous: .*missing.json is not a readable JSON report"),
])
def test_a_bad_previous_report_is_refused_naming_the_option_and_nothing_is_written(tmp_path, content, message):
    path = tmp_path / "missing.json"
    if content is not None:
        path.write_bytes(content.encode("latin-1"))
    reads = []
    with pytest.raises(UserError, match=message):
        produce(tmp_path, previous=str(path), reads=reads)
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")
    # Refused before the tenant is read: a bad file costs no minutes of paging.
    assert reads == []


@pytest.mark.parametrize("option", ["previous", "history_dir"])
@pytest.mark.parametrize("baseline", [
    [1, 2],
    {"schema_version": 1},
    {"schema_version": 1, "tenant": TENANT, "generated_at": "2026-11-28T09:00:00Z", "risk": {"high": 1},
     "groups": [{"id": 1, "risk": {"high": "one"}}]},
])
def test_a_foreign_or_corrupt_baseline_names_the_option_and_the_file_and_writes_nothing(tmp_path, option, baseline):
    history = tmp_path / "history"
    history.mkdir()
    path = history / ("%s-20261128T090000Z.json" % STEM)
    path.write_text(json.dumps(baseline))
    given = {"previous": str(path)} if option == "previous" else {"history_dir": str(history)}
    reads = []
    with pytest.raises(UserError, match=r"^%s: %s: not a (whole )?fleet report" % (option, re.escape(str(path)))):
        produce(tmp_path, reads=reads, **given)
    assert not (tmp_path / "out").exists() and os.listdir(history) == [path.name]
    assert reads == []


def test_a_corrupt_earlier_report_of_the_history_is_refused_before_the_tenant_is_read(tmp_path):
    history = str(tmp_path / "history")
    produce(tmp_path, now=NOW - datetime.timedelta(days=7), history_dir=history)
    older = os.path.join(history, "%s-20261101T090000Z.json" % STEM)
    with open(older, "w") as handle:
        handle.write('{"schema_version": 1, "tenant": ')
    reads = []
    with pytest.raises(UserError, match=r"^history_dir: %s is not a readable JSON report" % re.escape(older)):
        produce(tmp_path, reads=reads, history_dir=history)
    assert reads == []


def test_a_report_that_succeeds_removes_the_failure_the_role_recorded_before(tmp_path):
    record = fleet_report_files.failure_record({"msg": "Token request refused", "tenant": TENANT}, tmp_path / "out",
                                               "acme", NOW)
    assert record == {"failed": True, "error": "Token request refused", "tenant": TENANT,
                      "generated_at": "2026-12-05T09:00:00Z",
                      "files": {"failure": str(tmp_path / "out" / (STEM + ".failed.json"))}}
    os.makedirs(tmp_path / "out")
    (tmp_path / "out" / (STEM + ".failed.json")).write_text(json.dumps(record))
    produce(tmp_path, check_mode=True)
    assert os.path.exists(record["files"]["failure"])
    produce(tmp_path)
    assert sorted(os.listdir(tmp_path / "out")) == sorted(STEM + e for e in (".html", ".csv", ".json"))
    # A task that failed before it knew its tenant: the inventory host names it.
    early = fleet_report_files.failure_record({"msg": "boom"}, tmp_path, "globex", NOW)
    assert early["tenant"]["name"] == "globex" and early["files"]["failure"].startswith(str(tmp_path / "globex-"))


def test_the_history_keeps_a_compact_entry_and_the_trend_reads_the_last_reports(tmp_path):
    history = str(tmp_path / "history")
    for week, risk in enumerate(("none", "high", "high", "medium")):
        result = produce(tmp_path, risk=risk, now=NOW + datetime.timedelta(days=7 * week), history_dir=history,
                         trend_reports=3)
    with open(result["files"]["history"]) as handle:
        kept = json.load(handle)
    assert kept["kind"] == "fleet-report-history" and "devices" not in kept and kept["ids"]["high"] == []
    # Three points: the two kept before this one (of three kept) and this one.
    section = result["report"]["history"]
    assert section["series"]["high"] == [1, 1, 0] and section["series"]["medium"] == [0, 0, 1]
    assert section["changes"]["high"] == {"known": True, "new": 0, "resolved": 1}
    assert "changed_devices" not in result["report"]


def test_a_fail_when_failure_record_keeps_the_report_and_the_page_for_the_index(tmp_path):
    result = produce(tmp_path, risk="high", fail_when=[{"measure": "high", "above": 0}])
    assert [t["state"] for t in result["thresholds"]] == ["exceeded"]
    failed = dict(result, failed=True, msg="fail_when: high: 1 devices, more than 0 (the files were written)",
                  tenant=TENANT)
    record = fleet_report_files.failure_record(failed, str(tmp_path / "out"), "acme", NOW)
    assert record["failed"] and record["error"].startswith("fail_when: high")
    assert record["report"]["risk"]["high"] == 1 and record["files"]["html"] == result["files"]["html"]
    assert record["files"]["failure"].endswith(STEM + ".failed.json")
