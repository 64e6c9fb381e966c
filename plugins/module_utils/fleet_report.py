# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The weekly fleet posture report: pure functions from (groups, normalised devices) to a report.

``compute`` makes a JSON-able report of one tenant; ``summary`` its headline numbers; ``file_stem`` the name of
its files; ``render_csv`` the flagged devices. The page and the index are rendered from templates by
``fleet_report_page`` (``render_html`` and ``render_index`` here hand over to it).
"""

import csv
import datetime
import hashlib
import io
import re

from ansible_collections.secops.mobile_security.plugins.module_utils import codes, times
from ansible_collections.secops.mobile_security.plugins.module_utils.clients import tenant_key
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import GroupTree

SCHEMA_VERSION = 1
RISK_LEVELS = ("none", "low", "medium", "high", "unknown")
CONNECTED_STATUSES = tuple(codes.STATUS_NAMES[code] for code in codes.REGISTERED)
NOTIFIED_STATUSES = ("user_notified", "provisioned")
FLAGS = ("stale", "never_connected", "unanswered", "outdated")
# Rows of each list on the page; the CSV has them all.
TABLE_ROWS = 50
CSV_COLUMNS = ("flags", "id", "name", "email", "groups", "status", "risk", "os", "client_version", "last_connection",
               "waited", "first_seen")
_VERSION_PART = re.compile(r"^\s*(\d+)")
# The parts of a report that list devices: in its files, not in the module's result or the index.
DEVICE_LISTS = ("devices", "first_seen", "changed_devices", "hygiene_devices")
# What reports before 1.2.0 called ``first_seen``, read from their baselines and history files.
OLD_FIRST_SEEN = "awaiting_since"
# Waits beyond unanswered_days that call 5 is asked about (``Tenant.held_status``, one narrowed read each): each row
# of a device awaiting registration then says the largest it passed ("at least 30 days").
WAIT_STEPS = (14, 30, 60, 90)


def wait_steps(unanswered_days):
    """The waits asked about besides ``unanswered_days``: WAIT_STEPS beyond it."""
    return [days for days in WAIT_STEPS if days > unanswered_days]


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


def _device_row(device, last, flags, first_seen):
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
        "first_seen": first_seen,
        "flags": flags,
    }


# ---- the report --------------------------------------------------------------------------------------------
def compute(groups, devices, now, stale_days, unanswered_days, min_client_version=None, previous=None, tenant=None,
            waiting_longer=None, status_reading="unknown", longer_than=None):
    """The report of one tenant: ``groups`` as the API sends them, ``devices`` normalised (devices.normalise),
    ``now`` an aware datetime, ``previous`` an earlier report of the same tenant (trend and invitation ages).

    An invitation's age is not in any device record. ``waiting_longer``: the ids of the devices the service's
    status history (call 5, ``Tenant.held_status``) shows exactly in user_notified for more than
    ``unanswered_days``, or None when that cannot be told (``status_reading``: call 5's reading, ``entered``,
    ``in_status`` or ``unknown``); then the unanswered count is None (``unanswered_known`` false), never a number
    that may be short; when it is exact, only the devices in it are flagged unanswered. Besides, the report
    keeps, per device awaiting registration, when a report first saw it waiting (``first_seen``, carried forward
    from ``previous``): a lower bound of its wait, unless call 5 shows a shorter one (the device registered and
    was notified again since), when it starts again now. ``longer_than``: {days: ids} as ``waiting_longer`` for
    further waits (``wait_steps``), those call 5 answered exactly. Each row of a device awaiting registration has
    ``first_seen``, and in user_notified ``waiting``: ``days`` (whole days, when the bounds meet),
    ``at_least_days`` and ``fewer_than_days`` (an upper bound call 5 showed, else None).
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
    seen_before = dict(first_seen_of(previous or {}) or {})
    first_seen, rows = {}, []
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
            since = seen_before.get(device.get("id")) or times.iso_utc(now)
            told = status == "user_notified" and waiting_longer is not None
            passed, below = _wait_bounds(device.get("id"), unanswered_days, waiting_longer, longer_than)
            if told and below is not None and (now - times.parse(since)).days >= below:
                # Call 5 shows a shorter wait than the first sight: the device registered and was notified again
                # since, so the first sight was of an earlier invitation.
                since = times.iso_utc(now)
            first_seen[device.get("id")] = since
            if waiting_longer is not None:
                if device.get("id") in waiting_longer:
                    flags.append("unanswered")
            elif times.parse(since) <= unanswered_before:
                flags.append("unanswered")
        if _older(version, baseline):
            flags.append("outdated")
        for flag in flags:
            counts[flag] += 1
        if flags:
            row = _device_row(device, last, flags, since)
            if status == "user_notified":
                row["waiting"] = _waiting(since, now, passed, below)
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
        # None when not known: unanswered when call 5 did not tell each wait; outdated when no device reported
        # its client version (nothing to compare, so 0 would be a number nobody can stand behind).
        "counts": dict(counts, unanswered=counts["unanswered"] if waiting_longer is not None else None,
                       outdated=None if newest_text is None and devices else counts["outdated"]),
        # Exact only when call 5 told each invitation's wait; first-seen times alone are lower bounds.
        "unanswered_known": waiting_longer is not None,
        "status_reading": status_reading,
        "first_seen": first_seen,
        "devices": sorted(rows, key=lambda r: (r["flags"], str(r["email"]), str(r["id"]))),
        "trend": trend(overall, group_rows, previous),
    }
    return report


def _wait_bounds(device_id, unanswered_days, waiting_longer, longer_than):
    """(the largest wait call 5 shows the device passed, the smallest it shows it did not: whole days fewer than
    it), each None when not known. The waits are read in order and the first one not passed ends them: a later
    one passed would contradict it (a status changed between the reads), and is not taken."""
    if waiting_longer is None:
        return None, None
    passed = None
    steps = dict(longer_than or {})
    steps[unanswered_days] = waiting_longer
    steps = sorted(steps.items())
    for days, ids in steps:
        if device_id not in ids:
            return passed, days
        passed = days
    return passed, None


def _waiting(first_seen, now, passed, below):
    """How long a device in user_notified has waited, as far as it is known: at least the whole days since a
    report first saw it and the largest wait call 5 shows it passed (``_wait_bounds``); fewer than the smallest
    it shows it did not (``compute`` has moved an older first sight to now), so the days are exact when both
    bounds meet."""
    seen = times.parse(first_seen)
    at_least = max(0, (now - seen).days) if seen is not None else None
    if passed is not None:
        at_least = max(at_least or 0, passed)
    if below is not None and at_least is not None:
        at_least = min(at_least, below - 1)
    exact = at_least if below is not None and at_least == below - 1 else None
    return {"days": exact, "at_least_days": at_least, "fewer_than_days": below}


def first_seen_of(report):
    """A report's first sight of each device awaiting registration, under its name before 1.2.0 too."""
    found = report.get("first_seen")
    return report.get(OLD_FIRST_SEEN) if found is None else found


def day_count(count):
    return "%d day%s" % (count, "" if count == 1 else "s")


def waited(row, report):
    """How long a device of ``report`` has waited for its user, as the page and the CSV say it: ``days``,
    ``at_least_days`` and ``first_seen`` from ``compute``'s row, or for a row written before it had ``waiting``,
    the lower bound its first-seen time and the unanswered flag give (a device the status history flags has
    waited ``unanswered_days`` at least)."""
    waiting = row.get("waiting") if isinstance(row.get("waiting"), dict) else None
    first_seen = row.get("first_seen") or row.get(OLD_FIRST_SEEN) or (waiting or {}).get("first_seen")
    found = {"days": None, "at_least_days": None, "fewer_than_days": None, "first_seen": first_seen,
             "as_of": report.get("generated_at")}
    if waiting is not None:
        found.update((key, waiting.get(key)) for key in ("days", "at_least_days", "fewer_than_days"))
        return found
    seen, now = times.parse(first_seen), times.parse(report.get("generated_at"))
    if seen is None or now is None:
        return found
    at_least = max(0, (now - seen).days)
    if "unanswered" in (row.get("flags") or ()):
        at_least = max(at_least, int((report.get("settings") or {}).get("unanswered_days") or 0))
    found["at_least_days"] = at_least
    return found


def waited_text(waiting):
    """``12 days``; ``at least 30 days`` and ``fewer than 7 days`` (or both) when only bounds are known, with
    ``(first seen 2026-11-30)`` when an earlier report saw it waiting (never the report's own day); ``unknown``
    when nothing but this report's first sight is known."""
    if waiting.get("days") is not None:
        return day_count(waiting["days"])
    at_least, below = waiting.get("at_least_days"), waiting.get("fewer_than_days")
    said = []
    if at_least:
        said.append("at least %s" % day_count(at_least))
    if below is not None:
        said.append("fewer than %s" % day_count(below))
    if not said:
        return "unknown"
    seen, as_of = times.parse(waiting.get("first_seen")), times.parse(waiting.get("as_of"))
    earlier = seen is not None and (as_of is None or seen.date() < as_of.date())
    return ", ".join(said) + (" (first seen %s)" % seen.strftime("%Y-%m-%d") if earlier and at_least else "")


def awaits(row):
    """Whether a row is of a device awaiting registration (its wait is shown)."""
    return "waiting" in row or bool(row.get("first_seen") or row.get(OLD_FIRST_SEEN))


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
    waiting = first_seen_of(previous)
    if waiting is not None and (not isinstance(waiting, dict) or any(
            times.parse(v) is None for v in waiting.values())):
        return "%s is not a time per device" % (
            "first_seen" if previous.get("first_seen") is not None else OLD_FIRST_SEEN)
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


def count_changes(report, previous):
    """The change of each flag's count since ``previous`` ({flag: n}), None for a count either report does not
    know (unanswered invitations the status history could not date)."""
    before = (previous or {}).get("counts") or {}
    changes = {}
    for flag in FLAGS:
        now, then = report["counts"].get(flag), before.get(flag)
        if flag == "unanswered" and not (report.get("unanswered_known") and previous.get("unanswered_known")):
            now = None
        known = isinstance(now, int) and isinstance(then, int) and not isinstance(then, bool)
        changes[flag] = now - then if known else None
    return changes


def summary(report):
    """The report without device-level lists: what a module returns and what the index page shows."""
    return {k: v for k, v in report.items() if k not in DEVICE_LISTS}


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


# ---- pages and files -------------------------------------------------------------------------------------------
# The pages are fleet_report_page's; imported when asked for, as it imports this module for the report's words.
def render_html(report, template=None, stylesheet=None):
    """The tenant's page (``fleet_report_page.render_html``)."""
    from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report_page
    return fleet_report_page.render_html(report, template, stylesheet)


def render_index(reports, template=None, stylesheet=None):
    """The index over several tenants (``fleet_report_page.render_index``)."""
    from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report_page
    return fleet_report_page.render_index(reports, template, stylesheet)


def render_csv(report):
    """Every flagged device, one row each (``flags`` lists why: stale, never_connected, unanswered, outdated;
    ``waited`` as the page says it, ``first_seen`` when a report first saw it waiting)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for device in report["devices"]:
        waiting = waited(device, report) if awaits(device) else {}
        row = dict(device, flags=" ".join(device["flags"]), groups=";".join(device["groups"]),
                   waited=waited_text(waiting) if waiting else None, first_seen=waiting.get("first_seen"))
        writer.writerow([_csv_safe(row.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _csv_safe(value):
    """A cell a spreadsheet will not run as a formula (a device name is user data)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
