# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The weekly fleet posture report: pure functions from (groups, normalised devices) to a report and its pages.

``compute`` makes a JSON-able report; ``render_html`` one self-contained page (inline SVG, no script, no
external fetch of any kind, so it opens from a mail attachment); ``render_csv`` the flagged devices;
``render_index`` a page over several tenants' reports that holds only their headline counts. Every value from
the service is user data and is HTML-escaped where it is shown.
"""

import csv
import datetime
import hashlib
import html
import io
import re

from ansible_collections.secops.mobile_security.plugins.module_utils import times
from ansible_collections.secops.mobile_security.plugins.module_utils.clients import tenant_key
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import GroupTree

SCHEMA_VERSION = 1
RISK_LEVELS = ("none", "low", "medium", "high", "unknown")
RISK_COLOURS = {"none": "#4caf50", "low": "#c0ca33", "medium": "#ff9800", "high": "#e53935", "unknown": "#9e9e9e"}
CONNECTED_STATUSES = ("active", "inactive")
NOTIFIED_STATUSES = ("user_notified", "provisioned")
FLAGS = ("stale", "never_connected", "unanswered", "outdated")
# Rows of each list on the page; the CSV has them all.
TABLE_ROWS = 50
CSV_COLUMNS = ("flags", "id", "name", "email", "groups", "status", "risk", "os", "client_version", "last_connection",
               "awaiting_since")
_VERSION_PART = re.compile(r"^\s*(\d+)")


# ---- reading ---------------------------------------------------------------------------------------------
def version_key(text):
    """A dotted version as a tuple of numbers for comparison (``3.8.10.0001`` > ``3.8.9.9999``), trailing
    zeros dropped (``3.8`` == ``3.8.0``); None when it does not start with a number."""
    if text is None or isinstance(text, bool):
        return None
    parts = []
    for part in str(text).strip().split("."):
        found = _VERSION_PART.match(part)
        if not found:
            break
        parts.append(int(found.group(1)))
    while parts and parts[-1] == 0 and len(parts) > 1:
        parts.pop()
    return tuple(parts) or None


def _positive_days(value, field):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UserError("%s: must be a whole number of days, 1 or more, got %r" % (field, value))
    return value


def check_settings(stale_days, unanswered_days, min_client_version=None):
    """The report's settings checked, each refusal naming the option: (stale_days, unanswered_days, the minimum
    client version as :func:`version_key` reads it, or None)."""
    stale_days = _positive_days(stale_days, "stale_days")
    unanswered_days = _positive_days(unanswered_days, "unanswered_days")
    minimum = None
    if min_client_version not in (None, ""):
        minimum = version_key(min_client_version)
        if minimum is None:
            raise UserError("min_client_version: %r is not a dotted version such as 3.8.1.0001" % (min_client_version,))
    return stale_days, unanswered_days, minimum


def _older(version, baseline):
    """Whether a client version (a version_key) is older than the baseline; an unreadable one is not."""
    return version is not None and baseline is not None and version < baseline


def risk_level(device):
    return device.get("risk_name") if device.get("risk_name") in RISK_LEVELS else "unknown"


def _zero_risks():
    return {level: 0 for level in RISK_LEVELS}


def _device_row(device, last, flags, awaiting_since):
    return {
        "id": device.get("id"),
        "name": device.get("name"),
        "email": device.get("email"),
        "groups": list(device.get("groups") or []),
        "status": device.get("status_name"),
        "risk": risk_level(device),
        "os": " ".join(str(p) for p in (device.get("os_type"), device.get("os_version")) if p),
        "client_version": device.get("client_version"),
        "last_connection": times.iso_utc(last),
        "awaiting_since": awaiting_since,
        "flags": flags,
    }


# ---- the report --------------------------------------------------------------------------------------------
def compute(groups, devices, now, stale_days, unanswered_days, min_client_version=None, previous=None, tenant=None,
            waiting_longer=None, status_reading="unknown"):
    """The report of one tenant: ``groups`` as the API sends them, ``devices`` normalised (devices.normalise),
    ``now`` an aware datetime, ``previous`` an earlier report of the same tenant (trend and invitation ages).

    An invitation's age is not in any device record. ``waiting_longer``: the ids of the devices the service's
    status history (call 5, ``Tenant.held_status``) shows exactly in user_notified for more than
    ``unanswered_days``, or None when that cannot be told (``status_reading``: call 5's reading, ``entered``,
    ``in_status`` or ``unknown``); then the unanswered count is None (``unanswered_known`` false), never a number
    that may be short. Besides, the report keeps, per device awaiting registration, when a report first saw it
    waiting (``awaiting_since``, carried forward from ``previous``): a lower bound of its wait. Each row of a
    device in user_notified has ``waiting``: ``days`` (whole days, when the bounds meet), ``at_least_days`` and
    ``first_seen``.
    """
    stale_days, unanswered_days, minimum = check_settings(stale_days, unanswered_days, min_client_version)
    if previous is not None:
        check_previous(previous, tenant)
    tree = GroupTree(groups)
    # Each group counts the devices of its whole subtree: a device adds to its groups and all their ancestors.
    lineage = {gid: {gid, *tree.ancestors(gid)} for gid in tree.by_id}
    per_group = {gid: _zero_risks() for gid in tree.by_id}
    overall = _zero_risks()
    by_os, by_client = {}, {}
    funnel = {"added": 0, "notified": 0, "connected": 0}
    awaiting_before = dict((previous or {}).get("awaiting_since") or {})
    awaiting_since, rows = {}, []
    stale_before = now - datetime.timedelta(days=stale_days)
    unanswered_before = now - datetime.timedelta(days=unanswered_days)
    versions = [version_key(d.get("client_version")) for d in devices]
    newest = max((v for v in versions if v is not None), default=None)
    baseline = minimum if minimum is not None else newest
    counts = {flag: 0 for flag in FLAGS}
    for device, version in zip(devices, versions):
        level = risk_level(device)
        overall[level] += 1
        for gid in set().union(*[lineage.get(g, set()) for g in device.get("group_ids") or []]):
            per_group[gid][level] += 1
        os_key = (device.get("os_type") or "unknown", device.get("os_version") or "unknown")
        by_os[os_key] = by_os.get(os_key, 0) + 1
        client = device.get("client_version") or "unknown"
        by_client[client] = by_client.get(client, 0) + 1

        last = times.parse(device.get("last_connection"))
        status = device.get("status_name")
        connected = status in CONNECTED_STATUSES or last is not None
        notified = connected or device.get("mail_sent") is True or status in NOTIFIED_STATUSES
        funnel["added"] += 1
        funnel["notified"] += int(notified)
        funnel["connected"] += int(connected)
        flags = []
        since = None
        if last is None:
            flags.append("never_connected")
        elif last < stale_before:
            flags.append("stale")
        if notified and not connected:
            since = awaiting_before.get(device.get("id")) or times.iso_utc(now)
            awaiting_since[device.get("id")] = since
            if times.parse(since) <= unanswered_before or device.get("id") in (waiting_longer or ()):
                flags.append("unanswered")
        if _older(version, baseline):
            flags.append("outdated")
        for flag in flags:
            counts[flag] += 1
        if flags:
            row = _device_row(device, last, flags, since)
            if status == "user_notified":
                row["waiting"] = _waiting(device.get("id"), since, now, unanswered_days, waiting_longer)
            rows.append(row)

    newest_text = _version_text(devices, newest)
    group_rows = []
    # By path components, so every group comes right after its parent ("AMER-X" sorts before "AMER/..." as text).
    for gid in sorted(tree.by_id, key=lambda i: tree.path(i).split("/")):
        risks = per_group[gid]
        group_rows.append({"id": gid, "name": tree.by_id[gid]["name"], "path": tree.path(gid),
                           "depth": tree.depth(gid), "total": sum(risks.values()), "risk": risks})
    report = {
        "schema_version": SCHEMA_VERSION,
        "tenant": tenant,
        "generated_at": times.iso_utc(now),
        "settings": {"stale_days": stale_days, "unanswered_days": unanswered_days,
                     "min_client_version": min_client_version or None},
        "total": len(devices),
        "risk": overall,
        "groups": group_rows,
        "os": [{"os_type": k[0], "os_version": k[1], "count": n} for k, n in sorted(by_os.items())],
        "client_versions": sorted(
            ({"version": v, "count": n, "outdated": _older(version_key(v), baseline)} for v, n in by_client.items()),
            key=lambda item: (version_key(item["version"]) or (), item["version"]), reverse=True),
        "newest_client_version": newest_text,
        "client_baseline": min_client_version or newest_text,
        "funnel": funnel,
        "counts": dict(counts, unanswered=counts["unanswered"] if waiting_longer is not None else None),
        # Exact only when call 5 told each invitation's wait; first-seen times alone are lower bounds.
        "unanswered_known": waiting_longer is not None,
        "status_reading": status_reading,
        "awaiting_since": awaiting_since,
        "devices": sorted(rows, key=lambda r: (r["flags"], str(r["email"]), str(r["id"]))),
        "trend": trend(overall, group_rows, previous),
    }
    return report


def _waiting(device_id, first_seen, now, unanswered_days, waiting_longer):
    """How long a device in user_notified has waited, as far as it is known: at least the whole days since a
    report first saw it, and at least ``unanswered_days`` when call 5 shows it waiting longer; when call 5 shows
    it has not (exact answers only), fewer than ``unanswered_days``, so the days are exact when both bounds
    meet."""
    seen = times.parse(first_seen)
    at_least = max(0, (now - seen).days) if seen is not None else None
    if waiting_longer is not None and device_id in waiting_longer:
        at_least = max(at_least or 0, unanswered_days)
    exact = None
    if waiting_longer is not None and device_id not in waiting_longer and at_least == unanswered_days - 1:
        exact = at_least
    return {"days": exact, "at_least_days": at_least, "first_seen": first_seen}


def _version_text(devices, key):
    if key is None:
        return None
    return next(d["client_version"] for d in devices if version_key(d.get("client_version")) == key)


def check_previous(previous, tenant, source="previous"):
    """Refuse a baseline that is not an earlier report of this same tenant (a trend against another customer's
    fleet would be wrong, and would put its numbers on this tenant's page), or not whole (a report cut short or
    edited by hand). ``source`` starts each refusal: the option, and the file when there is one."""
    if not isinstance(previous, dict) or previous.get("schema_version") != SCHEMA_VERSION:
        raise UserError("%s: not a fleet report of schema version %d" % (source, SCHEMA_VERSION))
    flaw = baseline_flaw(previous)
    if flaw:
        raise UserError("%s: not a whole fleet report (%s)" % (source, flaw))
    if tenant is not None and tenant_key(previous.get("tenant") or {}) != tenant_key(tenant):
        theirs = previous.get("tenant") or {}
        raise UserError("%s: the report is of tenant %r (client %r at %r), not of %r (client %r at %r)" % (
            source, theirs.get("name"), theirs.get("client_id"), theirs.get("gateway_url"), tenant.get("name"),
            tenant.get("client_id"), tenant.get("gateway_url")))


def _counts_by_level(value):
    return isinstance(value, dict) and all(
        isinstance(n, int) and not isinstance(n, bool) for n in value.values())


def baseline_flaw(previous):
    """What makes ``previous`` unusable as a baseline although its schema version is right, or None: every part
    the trend and invitation ages read, with the type they read it as."""
    if not isinstance(previous.get("tenant"), (dict, type(None))):
        return "tenant is not a record"
    if times.parse(previous.get("generated_at")) is None:
        return "generated_at %r is not a time" % (previous.get("generated_at"),)
    if not _counts_by_level(previous.get("risk")):
        return "risk is not a count per level"
    groups = previous.get("groups")
    if not isinstance(groups, list) or not all(
            isinstance(g, dict) and "id" in g and _counts_by_level(g.get("risk")) for g in groups):
        return "groups is not a list of groups with a count per level"
    waiting = previous.get("awaiting_since")
    if waiting is not None and (not isinstance(waiting, dict) or any(
            times.parse(v) is None for v in waiting.values())):
        return "awaiting_since is not a time per device"
    return None


def trend(overall, group_rows, previous):
    """Change per risk level since ``previous``, overall and per group (by id; a group new since has no change)."""
    if not previous:
        return None
    before = {str(g.get("id")): g.get("risk") or {} for g in previous.get("groups") or []}
    old = previous.get("risk") or {}
    return {
        "since": previous.get("generated_at"),
        "risk": {level: overall[level] - int(old.get(level, 0)) for level in RISK_LEVELS},
        "groups": [{"id": g["id"], "path": g["path"],
                    "risk": {level: g["risk"][level] - int(before[str(g["id"])].get(level, 0))
                             for level in RISK_LEVELS} if str(g["id"]) in before else None}
                   for g in group_rows],
    }


def summary(report):
    """The report without device-level lists: what a module returns and what the index page shows."""
    return {k: v for k, v in report.items() if k not in ("devices", "awaiting_since")}


def file_stem(tenant):
    """``<tenant>-<fingerprint>-fleet-report``, the name of a tenant's files: its name (else its tenant id or
    client id), safe as a file name, and 8 hex digits of its gateway and client id. Names are labels a user
    chooses and may repeat across inventories; the fingerprint keeps two tenants from writing the same file,
    and stays the same from week to week, so history files still match."""
    tenant = tenant or {}
    name = tenant.get("name") or tenant.get("tenant_id") or tenant.get("client_id") or "tenant"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("._") or "tenant"
    identity = tenant_key(tenant)
    return "%s-%s-fleet-report" % (safe, hashlib.sha256(identity.encode("utf-8")).hexdigest()[:8])


# ---- rendering ---------------------------------------------------------------------------------------------
def _e(value):
    return html.escape("" if value is None else str(value), quote=True)


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:24px;color:#212121;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#616161;font-size:13px}.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.tile{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:120px}
.tile b{display:block;font-size:22px}table{border-collapse:collapse;font-size:13px;margin:6px 0}
td,th{border:1px solid #e0e0e0;padding:3px 8px;text-align:left}th{background:#f5f5f5}
td.n{text-align:right}.more{color:#616161;font-size:13px}svg{display:block;margin:6px 0}
.up{color:#c62828}.down{color:#2e7d32}
"""


def _svg(width, height, body, label):
    return ('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="%s" width="%d" height="%d" '
            'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">%s</svg>' % (
                _e(label), width, height, width, height, "".join(body)))


def bar_chart(items, label, colour="#1e88e5", label_width=170, bar_width=420):
    """Horizontal bars: ``items`` is [(label, value, colour or None)]."""
    top = max([v for _l, v, _c in items] + [1])
    row = 22
    body = []
    for index, (name, value, own) in enumerate(items):
        y = index * row + 4
        length = max(1.0, bar_width * value / top) if value else 0
        body.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (label_width - 6, y + 13, _e(name)))
        if length:
            body.append('<rect x="%d" y="%d" width="%.1f" height="16" fill="%s"/>' % (
                label_width, y, length, own or colour))
        body.append('<text x="%.1f" y="%d">%d</text>' % (label_width + length + 4, y + 13, value))
    return _svg(label_width + bar_width + 60, len(items) * row + 8, body, label)


def stacked_chart(rows, label, label_width=230, bar_width=480):
    """One bar per group, split by risk level; ``rows`` is [(label, depth, {level: count})], labels indented by
    depth so the tree shows."""
    top = max([sum(r.values()) for _l, _d, r in rows] + [1])
    row = 22
    body = []
    for index, (name, depth, risks) in enumerate(rows):
        y = index * row + 4
        x = float(label_width)
        body.append('<text x="%d" y="%d">%s</text>' % (4 + 14 * min(depth, 8), y + 13, _e(name)))
        for level in RISK_LEVELS:
            if risks.get(level):
                width = max(1.0, bar_width * risks[level] / top)
                body.append('<rect x="%.1f" y="%d" width="%.1f" height="16" fill="%s"><title>%s: %d</title></rect>' % (
                    x, y, width, RISK_COLOURS[level], _e(level), risks[level]))
                x += width
        body.append('<text x="%.1f" y="%d">%d</text>' % (x + 4, y + 13, sum(risks.values())))
    legend_y = len(rows) * row + 10
    for index, level in enumerate(RISK_LEVELS):
        x = label_width + index * 90
        body.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>' % (
            x, legend_y, RISK_COLOURS[level], x + 16, legend_y + 11, level))
    return _svg(label_width + bar_width + 60, legend_y + 20, body, label)


def funnel_chart(funnel, label):
    steps = (("added", "added"), ("notified", "user notified"), ("connected", "connected"))
    top = max(funnel["added"], 1)
    width, row = 420, 34
    body = []
    for index, (key, name) in enumerate(steps):
        value = funnel[key]
        length = max(2.0, width * value / top) if value else 0
        y = index * row + 4
        if length:
            body.append('<rect x="%.1f" y="%d" width="%.1f" height="26" fill="#5c6bc0"/>' % (
                (width - length) / 2 + 10, y, length))
        percent = 100.0 * value / top if funnel["added"] else 0
        body.append('<text x="%d" y="%d">%s: %d (%.0f%%)</text>' % (width + 24, y + 18, name, value, percent))
    return _svg(width + 220, len(steps) * row + 8, body, label)


def delta_chart(deltas, label, label_width=90, half=200):
    """Bars left (fewer) or right (more) of a centre line, one per risk level; the figure right of the line."""
    top = max([abs(v) for v in deltas.values()] + [1])
    row = 22
    centre = label_width + half
    body = ['<line x1="%d" y1="0" x2="%d" y2="%d" stroke="#616161"/>' % (centre, centre, len(deltas) * row + 6)]
    for index, level in enumerate(RISK_LEVELS):
        value = deltas.get(level, 0)
        y = index * row + 4
        length = max(1.0, half * abs(value) / top) if value else 0
        body.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (label_width - 6, y + 13, level))
        if length:
            body.append('<rect x="%.1f" y="%d" width="%.1f" height="16" fill="%s"/>' % (
                centre if value > 0 else centre - length, y, length, RISK_COLOURS[level]))
        body.append('<text x="%.1f" y="%d">%+d</text>' % (centre + (length if value > 0 else 0) + 4, y + 13, value))
    return _svg(label_width + 2 * half + 50, len(RISK_LEVELS) * row + 8, body, label)


def _table(headers, rows, numeric=()):
    out = ["<table><tr>%s</tr>" % "".join("<th>%s</th>" % _e(h) for h in headers)]
    for row in rows:
        out.append("<tr>%s</tr>" % "".join(
            '<td class="n">%s</td>' % _e(c) if i in numeric else "<td>%s</td>" % _e(c) for i, c in enumerate(row)))
    out.append("</table>")
    return "".join(out)


def waited(row, report):
    """How long a device has waited for its user, as the report knows it: ``{"days", "at_least_days",
    "first_seen"}`` (``compute``'s ``waiting``), or, for a report without it, the lower bound its first-seen time
    and the unanswered flag give (a device the status history flags has waited ``unanswered_days`` at least)."""
    if isinstance(row.get("waiting"), dict):
        return row["waiting"]
    first_seen = row.get("awaiting_since")
    seen, now = times.parse(first_seen), times.parse(report.get("generated_at"))
    if seen is None or now is None:
        return {"days": None, "at_least_days": None, "first_seen": first_seen}
    at_least = max(0, (now - seen).days)
    if "unanswered" in (row.get("flags") or ()):
        at_least = max(at_least, int((report.get("settings") or {}).get("unanswered_days") or 0))
    return {"days": None, "at_least_days": at_least, "first_seen": first_seen}


def waited_text(waiting):
    """``12 days``; ``at least 7 days (first seen 2026-11-30)`` when only a lower bound is known; ``unknown``."""
    if waiting.get("days") is not None:
        return "%d day%s" % (waiting["days"], "" if waiting["days"] == 1 else "s")
    if waiting.get("at_least_days") is None:
        return "unknown"
    seen = times.parse(waiting.get("first_seen"))
    return "at least %d day%s%s" % (waiting["at_least_days"], "" if waiting["at_least_days"] == 1 else "s",
                                    " (first seen %s)" % seen.strftime("%Y-%m-%d") if seen else "")


def _device_table(report, flag, title, note=""):
    found = [d for d in report["devices"] if flag in d["flags"]]
    parts = ["<h2>%s (%d)</h2>" % (_e(title), len(found))]
    if note:
        parts.append('<p class="meta">%s</p>' % _e(note))
    if not found:
        return "".join(parts + ["<p>None.</p>"])
    parts.append(_table(("name", "e-mail", "groups", "status", "risk", "OS", "client", "last connection",
                         "waited"),
                        [(d["name"], d["email"], ", ".join(d["groups"]), d["status"], d["risk"], d["os"],
                          d["client_version"], d["last_connection"] or "never",
                          waited_text(waited(d, report)) if "awaiting_since" in d or "waiting" in d else "")
                         for d in found[:TABLE_ROWS]]))
    if len(found) > TABLE_ROWS:
        parts.append('<p class="more">and %d more (all of them in the CSV file)</p>' % (len(found) - TABLE_ROWS))
    return "".join(parts)


def _page(title, body):
    # No script, no external resource of any kind: the page must open the same from a mail attachment.
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><style>%s</style></head>'
            '<body>%s</body></html>\n' % (_e(title), STYLE, body))


def _tenant_label(report):
    tenant = report.get("tenant") or {}
    return tenant.get("label") or tenant.get("name") or "tenant"


def render_html(report):
    """One self-contained page: headline tiles, charts, trend, and the flagged devices (first rows of each)."""
    settings = report["settings"]
    counts = report["counts"]
    title = "Fleet posture: %s" % _tenant_label(report)
    parts = ["<h1>%s</h1>" % _e(title),
             '<p class="meta">generated %s; stale after %d days, invitations unanswered after %d days; client '
             'baseline %s</p>' % (_e(report["generated_at"]), settings["stale_days"], settings["unanswered_days"],
                                  _e(report["client_baseline"] or "none"))]
    tiles = [("devices", report["total"]), ("high risk", report["risk"]["high"]),
             ("medium risk", report["risk"]["medium"]), ("not connected %dd+" % settings["stale_days"], counts["stale"]),
             ("never connected", counts["never_connected"]),
             ("unanswered %dd+" % settings["unanswered_days"],
              _count(counts.get("unanswered") if report.get("unanswered_known") else None)),
             ("outdated clients", counts["outdated"])]
    parts.append('<div class="tiles">%s</div>' % "".join(
        '<div class="tile"><b>%s</b>%s</div>' % (_e(v), _e(k)) for k, v in tiles))
    parts.append("<h2>Risk</h2>")
    parts.append(bar_chart([(level, report["risk"][level], RISK_COLOURS[level]) for level in RISK_LEVELS],
                           "devices by risk"))
    parts.append("<h2>Risk by group (a group counts its sub-groups' devices)</h2>")
    parts.append(stacked_chart([(g["name"], g["depth"], g["risk"]) for g in report["groups"]],
                               "devices by risk per group"))
    if report["trend"]:
        parts.append("<h2>Change since %s</h2>" % _e(report["trend"]["since"]))
        parts.append(delta_chart(report["trend"]["risk"], "change per risk level"))
        rows = [(g["path"],) + tuple("%+d" % g["risk"][level] if g["risk"] else "new" for level in RISK_LEVELS)
                for g in report["trend"]["groups"]]
        parts.append(_table(("group",) + RISK_LEVELS, rows, numeric=range(1, 6)))
    parts.append("<h2>Registration</h2>")
    parts.append(funnel_chart(report["funnel"], "registration funnel"))
    parts.append("<h2>Operating systems</h2>")
    parts.append(bar_chart([("%s %s" % (o["os_type"], o["os_version"]), o["count"], None) for o in report["os"]],
                           "devices by OS version", colour="#00897b"))
    parts.append("<h2>Client versions (outdated in orange)</h2>")
    parts.append(bar_chart([(c["version"], c["count"], "#fb8c00" if c["outdated"] else "#1e88e5")
                            for c in report["client_versions"][:40]], "devices by client version"))
    if len(report["client_versions"]) > 40:
        parts.append('<p class="more">and %d more versions</p>' % (len(report["client_versions"]) - 40))
    parts.append(_device_table(report, "stale", "Not connected for %d days or more" % settings["stale_days"]))
    parts.append(_device_table(report, "never_connected", "Never connected"))
    parts.append(_device_table(
        report, "unanswered", "Invitations unanswered for %d days or more" % settings["unanswered_days"],
        "" if report["unanswered_known"] else "No earlier report: invitations are aged from the first report "
        "that saw them waiting, so this list fills from the next report on."))
    parts.append(_device_table(report, "outdated", "Outdated clients (older than %s)" % (
        report["client_baseline"] or "the newest")))
    return _page(title, "".join(parts))


def render_csv(report):
    """Every flagged device, one row each (``flags`` lists why: stale, never_connected, unanswered, outdated)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for device in report["devices"]:
        row = dict(device, flags=" ".join(device["flags"]), groups=";".join(device["groups"]))
        writer.writerow([_csv_safe(row.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _csv_safe(value):
    """A cell a spreadsheet will not run as a formula (a device name is user data)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _count(value):
    """A headline count as the index shows it: a number, or "unknown" (never 0 for what is not known)."""
    return "unknown" if value is None else value


def render_index(reports):
    """One page over several tenants: a link to each tenant's page and a row of its headline counts, nothing of
    any tenant's devices; a tenant whose report failed has a row with its error. ``reports`` are reports, their
    summaries, or failure records (``{"failed": true, "error", "tenant"}``)."""
    rows = []
    failed = 0
    for report in sorted(reports, key=lambda r: file_stem(r.get("tenant"))):
        if report.get("failed"):
            failed += 1
            rows.append('<tr class="failed"><td>%s</td><td colspan="8">failed: %s</td></tr>' % (
                _e(_tenant_label(report)), _e(report.get("error") or "no error message")))
            continue
        counts = report["counts"]
        unanswered = counts.get("unanswered") if report.get("unanswered_known") else None
        cells = (report["total"], report["risk"]["high"], report["risk"]["medium"], counts["stale"],
                 counts["never_connected"], _count(unanswered), counts["outdated"])
        rows.append('<tr><td><a href="%s.html">%s</a></td>%s<td>%s</td></tr>' % (
            _e(file_stem(report.get("tenant"))), _e(_tenant_label(report)),
            "".join('<td class="n">%s</td>' % _e(c) for c in cells), _e(report["generated_at"])))
    body = ("<h1>Fleet posture: %d tenants, %d failed</h1><table><tr><th>tenant</th><th>devices</th>"
            "<th>high risk</th><th>medium risk</th><th>stale</th><th>never connected</th><th>unanswered</th>"
            "<th>outdated clients</th><th>generated</th></tr>%s</table>" % (len(rows), failed, "".join(rows)))
    return _page("Fleet posture: all tenants", body)
