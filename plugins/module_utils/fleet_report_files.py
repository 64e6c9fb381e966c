# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's files: the baseline it compares with, and the pages it writes (hm_fleet_report).

Each file is written whole or not at all (``files.write_private``: readers never see half a page) and readable
only by its owner, since the pages name users. Check mode reads the baseline and writes nothing.
"""

import datetime
import json
import os
import re

from ansible_collections.secops.mobile_security.plugins.module_utils import codes, fleet_report, times
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report_page
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_reminders
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_thresholds
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.files import write_private

_STAMP = r"\d{8}T\d{6}Z"


def _directory(path, field, must_exist=False):
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError("%s: %s exists and is not a directory" % (field, path))
    if must_exist and not os.path.isdir(path):
        raise UserError("%s: directory %s does not exist" % (field, path))
    return path


def read_report(path, field):
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise UserError("%s: %s does not exist" % (field, path))
    except (OSError, ValueError, RecursionError) as err:
        raise UserError("%s: %s is not a readable JSON report (%s)" % (field, path, err))


def history_files(directory, stem):
    """The reports kept in ``directory`` for one tenant, oldest first (their names carry the UTC time)."""
    pattern = re.compile(r"^%s-%s\.json$" % (re.escape(stem), _STAMP))
    return sorted(os.path.join(directory, n) for n in os.listdir(directory) if pattern.match(n)) \
        if os.path.isdir(directory) else []


def baseline(params, stem, tenant=None):
    """(path, report) of the earlier report to compare with, or (None, None). A file that is not a whole report
    of ``tenant`` is refused naming the option and the file (before anything is written)."""
    field, path = None, None
    if params.get("previous"):
        field, path = "previous", os.path.abspath(os.path.expanduser(params["previous"]))
    elif params.get("history_dir"):
        kept = history_files(_directory(params["history_dir"], "history_dir"), stem)
        if kept:
            field, path = "history_dir", kept[-1]
    if path is None:
        return None, None
    report = read_report(path, field)
    fleet_report.check_previous(report, tenant, "%s: %s" % (field, path))
    return path, report


def failure_path(dest, stem):
    """Where the role keeps a tenant's failed run (its error and tenant record, never a key), beside the pages."""
    return os.path.join(os.path.abspath(os.path.expanduser(dest)), "%s.failed.json" % stem)


def failure_record(result, dest, host, now=None):
    """The record of a tenant whose report failed, for the index and the file beside the pages: its tenant (as
    the failed task reported it, else the inventory host), the task's error and where the record is kept."""
    now = now or datetime.datetime.now(times.UTC).replace(microsecond=0)
    result = result if isinstance(result, dict) else {}
    tenant = result.get("tenant") if isinstance(result.get("tenant"), dict) else {
        "name": host, "gateway_url": None, "client_id": None, "tenant_id": None, "label": host}
    error = str(result.get("msg") or "failed without a message")
    record = {"failed": True, "error": error, "tenant": tenant, "generated_at": times.iso_utc(now),
              "files": {"failure": failure_path(dest, fleet_report.file_stem(tenant))}}
    if isinstance(result.get("report"), dict) and isinstance(result.get("files"), dict):
        # fail_when: the files were written before the task failed; the index shows the numbers beside the error.
        record.update(report=result["report"], files=dict(result["files"], **record["files"]),
                      thresholds=result.get("thresholds"))
    return record


def _differs(path, text):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read() != text
    except OSError:
        return True


def produce(tenant, tenant_record, params, check_mode, now=None):
    """Read the tenant (``tenant.snapshot()``: groups and normalised devices, and how long invitations have
    waited from its status history), compute its report and write its files; returns the module's result keys.
    Options are checked before the tenant is read."""
    now = now or datetime.datetime.now(times.UTC).replace(microsecond=0)
    # Checked before the read as well as in compute(): a typo costs no minutes of paging.
    fleet_report.check_settings(params["stale_days"], params["unanswered_days"], params.get("min_client_version"))
    reports = fleet_history.check_reports(params.get("trend_reports") or fleet_history.DEFAULT_REPORTS)
    fleet_thresholds.check_rules(params.get("fail_when"))
    hygiene = fleet_reminders.check_settings(params["hygiene"], now) if params.get("hygiene") else None
    fleet_report_page.check_files(params.get("template"), params.get("stylesheet"))
    dest = _directory(params["dest"], "dest")
    # The baseline and the history are read before the tenant: a corrupt or foreign file costs no minutes of
    # paging. Their check needs the tenant's identity (clients.tenant_key), their names its portal id too, which
    # the login tells (one request, no device read).
    tenant.client.ensure_token()
    stem = fleet_report.file_stem(tenant_record())
    previous_path, previous = baseline(params, stem, tenant_record())
    earlier = earlier_reports(params, stem, tenant_record(), previous_path, previous, reports)
    groups, devices = tenant.snapshot()
    record = tenant_record()
    # Longer waits, so that each row says "at least 30 days", not only 7; with them, in the same reads, the waits
    # the hygiene preview asks (its cutoffs at the next run), so that it does not read them again.
    steps = fleet_report.wait_steps(params["unanswered_days"])
    held, waits = read_waits(tenant, [params["unanswered_days"]] + steps + (
        fleet_reminders.held_days(hygiene, now) if hygiene else []), now, devices)
    report = fleet_report.compute(groups, devices, now, params["stale_days"], params["unanswered_days"],
                                  params.get("min_client_version"), previous, record,
                                  waits.get(params["unanswered_days"]), held.reading,
                                  {days: waits[days] for days in steps if days in waits})
    if report.get("trend") and previous is not None:
        report["trend"]["counts"] = fleet_report.count_changes(report, previous)
    report["history"], report["changed_devices"] = fleet_history.history(report, devices, earlier, reports)
    if hygiene:
        report["hygiene"], report["hygiene_devices"] = fleet_reminders.read(
            tenant, record, devices, hygiene, now, times.parse(previous["generated_at"]) if previous else None,
            waits)
    thresholds = fleet_thresholds.evaluate(params.get("fail_when"), report)
    text = json.dumps(report, indent=1, sort_keys=True) + "\n"
    files = {kind: os.path.join(dest, "%s.%s" % (stem, kind)) for kind in ("html", "csv", "json")}
    page = fleet_report_page.render_html(report, params.get("template"), params.get("stylesheet"))
    contents = {files["html"]: page, files["csv"]: fleet_report.render_csv(report),
                files["json"]: text}
    if params.get("history_dir"):
        files["history"] = os.path.join(_directory(params["history_dir"], "history_dir"),
                                        "%s-%s.json" % (stem, now.strftime("%Y%m%dT%H%M%SZ")))
        # Aggregates and the ids next week's new/resolved lists need, not every device (docs/performance.md).
        contents[files["history"]] = json.dumps(fleet_history.entry(report, devices), sort_keys=True,
                                                separators=(",", ":")) + "\n"
    changed = any(_differs(path, content) for path, content in contents.items())
    failure = failure_path(dest, stem)
    if not check_mode:
        for path, content in contents.items():
            write_private(path, content)
        # A failure the role recorded on an earlier run is over: the index must not show this tenant as failed.
        if os.path.exists(failure):
            os.remove(failure)
    return {"changed": changed, "report": fleet_report.summary(report), "files": files, "baseline": previous_path,
            "thresholds": thresholds}


def read_waits(tenant, days, now, devices):
    """(the :class:`tenant.Held` of the shortest wait, {days: ids of the devices in user_notified without a break
    for more than that many days} for each of ``days`` call 5 tells exactly): one ``held_status`` and one
    ``held_longer`` for every wait the report and the hygiene preview ask (a wait of 0 days or less needs no
    read, and is left to the caller)."""
    asked = sorted({d for d in days if d > 0})
    held = tenant.held_status(codes.USER_NOTIFIED, asked[0], now, listing=devices)
    if not held.exact:
        return held, {}
    waits = tenant.held_longer(codes.USER_NOTIFIED, held, asked[1:], now)
    waits[asked[0]] = set(held.ids)
    return held, waits


def earlier_reports(params, stem, tenant, baseline_path, baseline_report, reports):
    """The tenant's earlier reports for the trend, oldest first, the baseline last: up to ``reports`` - 1 of
    ``history_dir``, or the ``previous`` report alone."""
    if baseline_path is None:
        return []
    if not params.get("history_dir"):
        return [baseline_report]
    kept = history_files(_directory(params["history_dir"], "history_dir"), stem)
    older = kept[:kept.index(baseline_path)][-(reports - 2):] if reports > 2 and baseline_path in kept else []
    found = []
    for path in older:
        report = read_report(path, "history_dir")
        fleet_report.check_previous(report, tenant, "history_dir: %s" % path)
        found.append(report)
    return found + [baseline_report]
