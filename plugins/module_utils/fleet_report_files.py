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
    except (OSError, ValueError) as err:
        raise UserError("%s: %s is not a readable JSON report (%s)" % (field, path, err))


def history_files(directory, stem):
    """The reports kept in ``directory`` for one tenant, oldest first (their names carry the UTC time)."""
    pattern = re.compile(r"^%s-%s\.json$" % (re.escape(stem), _STAMP))
    return sorted(os.path.join(directory, n) for n in os.listdir(directory) if pattern.match(n)) \
        if os.path.isdir(directory) else []


def baseline(params, stem):
    """(path, report) of the earlier report to compare with, or (None, None)."""
    if params.get("previous"):
        path = os.path.abspath(os.path.expanduser(params["previous"]))
        return path, read_report(path, "previous")
    if params.get("history_dir"):
        kept = history_files(_directory(params["history_dir"], "history_dir"), stem)
        if kept:
            return kept[-1], read_report(kept[-1], "history_dir")
    return None, None


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
    dest = _directory(params["dest"], "dest")
    groups, devices = tenant.snapshot()
    waiting_longer, applied = tenant.held_status(codes.USER_NOTIFIED, params["unanswered_days"], now)
    record = tenant_record()
    stem = fleet_report.file_stem(record)
    previous_path, previous = baseline(params, stem)
    report = fleet_report.compute(groups, devices, now, params["stale_days"], params["unanswered_days"],
                                  params.get("min_client_version"), previous, record,
                                  waiting_longer if applied else None)
    text = json.dumps(report, indent=1, sort_keys=True) + "\n"
    files = {kind: os.path.join(dest, "%s.%s" % (stem, kind)) for kind in ("html", "csv", "json")}
    contents = {files["html"]: fleet_report.render_html(report), files["csv"]: fleet_report.render_csv(report),
                files["json"]: text}
    if params.get("history_dir"):
        files["history"] = os.path.join(_directory(params["history_dir"], "history_dir"),
                                        "%s-%s.json" % (stem, now.strftime("%Y%m%dT%H%M%SZ")))
        contents[files["history"]] = text
    changed = any(_differs(path, content) for path, content in contents.items())
    if not check_mode:
        for path, content in contents.items():
            write_private(path, content)
    return {"changed": changed, "report": fleet_report.summary(report), "files": files, "baseline": previous_path}
