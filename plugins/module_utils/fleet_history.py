# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's history (hm_fleet_report ``history_dir``): pure functions.

A report kept every week must stay small: ``entry`` keeps a report's aggregates (risk, flags, groups, settings)
and only the ids that next week's report needs to say which devices are new or resolved (high risk, stale,
outdated), plus when each invitation was first seen waiting, which the report carries forward. An entry is still
a baseline ``fleet_report.compute`` accepts. ``history`` turns the last reports into a trend per risk level and
per flag and the new/resolved devices since the last one; ``cause`` says in words what got worse.
"""

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

ENTRY_KIND = "fleet-report-history"
# Devices followed one by one from report to report; everything else is kept as counts only.
TRACKED = ("high", "stale", "outdated")
# Every line of the trend: a risk level or a flag.
MEASURES = fleet_report.RISK_LEVELS + fleet_report.FLAGS
DEFAULT_REPORTS = 8
# Why a device newly at high risk may be there, in the order a device is counted (each device once).
CAUSES = (("outdated", "outdated client"), ("stale", "stale"), ("never_connected", "never connected"),
          ("unanswered", "unanswered"))
# A cause that is a noun, in the plural: "8 outdated clients" (the others are adjectives: "4 stale").
CAUSE_PLURALS = {"outdated client": "outdated clients"}
# What the index reads as "worse": these measures going up, in this order of weight.
WORSENING = ("high", "medium", "stale", "unanswered", "outdated", "never_connected")
_GROUP_KEYS = ("id", "name", "path", "depth", "total", "risk")


def check_reports(value, field="trend_reports"):
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise UserError("%s: must be a whole number of reports, 2 or more, got %r" % (field, value))
    return value


def tracked_ids(report, devices):
    """{kind: sorted ids} of the devices at high risk, stale and outdated in ``report``, made from ``devices``
    (normalised, the ones the report was computed from: the report lists only flagged devices)."""
    flagged = {kind: set() for kind in TRACKED}
    for row in report.get("devices") or []:
        for kind in ("stale", "outdated"):
            if kind in row["flags"]:
                flagged[kind].add(str(row["id"]))
    flagged["high"] = {str(d["id"]) for d in devices if fleet_report.risk_level(d) == "high"}
    return {kind: sorted(ids, key=_id_order) for kind, ids in flagged.items()}


def _id_order(device_id):
    text = str(device_id)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def entry(report, devices):
    """The compact history entry of ``report``: what a trend and next week's baseline need, no device record."""
    kept = {key: report.get(key) for key in ("schema_version", "tenant", "generated_at", "settings", "total", "risk",
                                             "counts", "unanswered_known", "newest_client_version",
                                             "client_baseline", "first_seen")}
    kept["kind"] = ENTRY_KIND
    kept["groups"] = [{key: group.get(key) for key in _GROUP_KEYS} for group in report.get("groups") or []]
    kept["ids"] = tracked_ids(report, devices)
    return kept


def ids_of(report):
    """{kind: set of ids or None} of an earlier report: a history entry keeps them all; a full report from before
    entries existed lists its stale and outdated devices but not every device at high risk (None: not known)."""
    if isinstance(report.get("ids"), dict):
        return {kind: set(str(i) for i in report["ids"].get(kind) or ()) if kind in report["ids"] else None
                for kind in TRACKED}
    rows = report.get("devices")
    if not isinstance(rows, list):
        return {kind: None for kind in TRACKED}
    found = {kind: {str(r.get("id")) for r in rows if kind in (r.get("flags") or ())} for kind in ("stale", "outdated")}
    found["high"] = None
    return found


def point(report):
    """One report as a point of the trend: its time and each measure (unanswered None when it was not known)."""
    values = {level: (report.get("risk") or {}).get(level, 0) for level in fleet_report.RISK_LEVELS}
    counts = report.get("counts") or {}
    for flag in fleet_report.FLAGS:
        values[flag] = counts.get(flag)
    if not report.get("unanswered_known"):
        values["unanswered"] = None
    return {"generated_at": report.get("generated_at"), "total": int(report.get("total") or 0), "values": values}


def _device_view(device_id, current, report_rows):
    """A device of a new/resolved list as the page shows it: from this week's records, or only its id when it is
    no longer in the tenant."""
    record = current.get(device_id)
    if record is None:
        return {"id": device_id, "name": None, "email": None, "groups": [], "risk": None, "flags": [],
                "client_version": None, "last_connection": None, "in_tenant": False}
    row = report_rows.get(device_id) or {}
    return {"id": device_id, "name": record.get("name"), "email": record.get("email"),
            "groups": list(record.get("groups") or []), "risk": fleet_report.risk_level(record),
            "flags": list(row.get("flags") or []), "client_version": record.get("client_version"),
            "last_connection": row.get("last_connection"), "in_tenant": True}


def _by_risk_then_name(view):
    order = {level: index for index, level in enumerate(reversed(fleet_report.RISK_LEVELS[:-1]))}
    return (not view["in_tenant"], order.get(view["risk"], len(order)), str(view["email"] or ""), _id_order(view["id"]))


def changes(current_ids, previous, devices, report):
    """(counts, device lists) of the devices new and resolved since ``previous`` per tracked kind.

    counts: {kind: {"known": bool, "new": n, "resolved": n, "why": text when not known}};
    device lists: {kind: {"new": [view], "resolved": [view]}}, at most ``fleet_report.TABLE_ROWS`` each, worst first.
    """
    counts, lists = {}, {}
    if previous is None:
        for kind in TRACKED:
            counts[kind] = {"known": False, "new": None, "resolved": None, "why": "first report: no baseline yet"}
        return counts, lists
    before = ids_of(previous)
    current = {str(d["id"]): d for d in devices}
    rows = {str(r["id"]): r for r in report.get("devices") or []}
    for kind in TRACKED:
        if before[kind] is None:
            counts[kind] = {"known": False, "new": None, "resolved": None,
                            "why": "the baseline is a report from before the history kept device ids"}
            continue
        if kind in fleet_report.FLAGS and None in ((report.get("counts") or {}).get(kind),
                                                   (previous.get("counts") or {}).get(kind)):
            # Outdated clients not known (no client version reported) this week or last: an empty list of
            # outdated ids would read as "none new, none resolved".
            counts[kind] = {"known": False, "new": None, "resolved": None,
                            "why": "not known in this report or the baseline (no client version reported)"}
            continue
        now = set(current_ids[kind])
        new, resolved = now - before[kind], before[kind] - now
        counts[kind] = {"known": True, "new": len(new), "resolved": len(resolved)}
        lists[kind] = {name: sorted((_device_view(i, current, rows) for i in ids), key=_by_risk_then_name)
                       [:fleet_report.TABLE_ROWS] for name, ids in (("new", new), ("resolved", resolved))}
    return counts, lists


def new_high_causes(current_ids, previous, report):
    """{cause: n} for the devices at high risk now and not in ``previous``: each under the first of CAUSES its
    flags show, else ``other``; None when it is not known which devices are new."""
    before = ids_of(previous)["high"] if previous is not None else None
    if before is None:
        return None
    flags = {str(r["id"]): set(r.get("flags") or ()) for r in report.get("devices") or []}
    found = {flag: 0 for flag, _words in CAUSES}
    found["other"] = 0
    for device_id in set(current_ids["high"]) - before:
        mine = flags.get(device_id, set())
        found[next((flag for flag, _words in CAUSES if flag in mine), "other")] += 1
    return found


def deltas(points):
    """{measure: change from the last-but-one point to the last}, None for a measure either point does not know;
    None without two points."""
    if len(points) < 2:
        return None
    before, after = points[-2]["values"], points[-1]["values"]
    return {m: after[m] - before[m] if _count(after.get(m)) and _count(before.get(m)) else None for m in MEASURES}


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool)


def cause(change, high_causes):
    """The week's worsening in words: ``high +12 (of the 12 new: 8 outdated clients, 4 stale); stale +3``, ``no
    worse`` when nothing went up, None without a baseline. The flags in brackets are those of the devices newly at
    high risk, not the week's change of each flag (a stale count may be the same while 4 new high-risk devices are
    stale). Each part starts with a word, so no spreadsheet reads the cause as a formula."""
    if change is None:
        return None
    parts = []
    for measure in WORSENING:
        value = change.get(measure)
        if not value or value < 0:
            continue
        text = "%s %+d" % (measure.replace("_", " "), value)
        if measure == "high" and high_causes:
            new = sum(high_causes.values())
            words = ["%d %s" % (count, words if count == 1 else CAUSE_PLURALS.get(words, words))
                     for count, words in ((high_causes[flag], words) for flag, words in CAUSES) if count]
            if high_causes["other"]:
                words.append("%d with no other flag" % high_causes["other"])
            if words:
                text += " (of the %d new: %s)" % (new, ", ".join(words))
            elif new != value:
                text += " (%d new)" % new
        parts.append(text)
    return "; ".join(parts) if parts else "no worse"


def history(report, devices, earlier, reports=DEFAULT_REPORTS):
    """(the report's ``history`` section, its device lists) from ``earlier`` (the tenant's earlier reports or
    history entries, oldest first; the last is the baseline) and this ``report``.

    The section: ``points`` (the last ``reports`` reports, this one last: time, total and each measure),
    ``series`` ({measure: [values]}), ``change`` (since the baseline, per measure), ``changes`` (new/resolved
    counts per tracked kind), ``new_high_causes`` and ``cause`` (in words).
    """
    reports = check_reports(reports)
    current_ids = tracked_ids(report, devices)
    previous = earlier[-1] if earlier else None
    points = [point(r) for r in list(earlier)[-(reports - 1):]] + [point(report)]
    counts, lists = changes(current_ids, previous, devices, report)
    high_causes = new_high_causes(current_ids, previous, report)
    change = deltas(points)
    section = {
        "reports": len(points),
        "points": points,
        "series": {m: [p["values"][m] for p in points] for m in MEASURES},
        "change": change,
        "changes": counts,
        "new_high_causes": high_causes,
        "cause": cause(change, high_causes),
    }
    return section, lists


# ---- what the page shows ---------------------------------------------------------------------------------------
SPARK_WIDTH, SPARK_HEIGHT = 140, 28
# The page's lines, in the order a lead reads them, with their words.
SHOWN = (("high", "high risk"), ("medium", "medium risk"), ("low", "low risk"), ("none", "no risk"),
         ("unknown", "risk unknown"), ("stale", "stale"), ("never_connected", "never connected"),
         ("unanswered", "unanswered"), ("outdated", "outdated client"))
KIND_TITLES = {"high": "High risk", "stale": "Stale", "outdated": "Outdated client"}


def sparkline(values, label, width=SPARK_WIDTH, height=SPARK_HEIGHT):
    """A small line over ``values`` (None where not known: the line breaks there) for an inline SVG: ``segments``
    (each a ``points`` text), the last known point (``dot``), and ``label``, its text alternative with every
    value."""
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0, 0)
    span = float(high - low) or 1.0
    step = (width - 8) / float(max(len(values) - 1, 1))
    segments, current, dot = [], [], None
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = 4 + index * step if len(values) > 1 else width / 2.0
        y = height - 4 - (height - 8) * (value - low) / span if high != low else height / 2.0
        current.append("%.1f,%.1f" % (x, y))
        dot = {"x": round(x, 1), "y": round(y, 1)}
    if current:
        segments.append(current)
    words = ", ".join("unknown" if v is None else str(v) for v in values)
    plural = "" if len(values) == 1 else "s"
    return {"width": width, "height": height, "segments": [" ".join(s) for s in segments], "dot": dot,
            "label": "%s over %d report%s, oldest first: %s" % (label, len(values), plural, words)}


def _device_cells(view):
    if not view["in_tenant"]:
        return [view["id"], "(no longer in the tenant)", "", "", "", "", ""]
    return [view["name"] or view["id"], view["email"] or "", ", ".join(view["groups"]), view["risk"] or "",
            " ".join(view["flags"]), view["client_version"] or "unknown", view["last_connection"] or "never"]


def page_view(report):
    """The page's history section, or None without one: a line per measure (its values, now, change), the
    numbers of every point, and per tracked kind the devices new and resolved (at most TABLE_ROWS each)."""
    section = report.get("history")
    if not section:
        return None
    change = section.get("change") or {}
    lines = []
    for measure, words in SHOWN:
        values = section["series"][measure]
        if measure == "unknown" and not any(values):
            continue
        lines.append({"measure": measure, "words": words, "now": values[-1], "change": change.get(measure),
                      "spark": sparkline(values, words)})
    points = section["points"]
    shown = [line["measure"] for line in lines]
    numbers = {"caption": "Each report's counts, oldest first",
               "headers": ["report"] + [line["words"] for line in lines],
               "rows": [[p["generated_at"]] + ["unknown" if p["values"][m] is None else p["values"][m] for m in shown]
                        for p in points],
               "numeric": list(range(1, len(lines) + 1))}
    lists = report.get("changed_devices") or {}
    kinds = []
    for kind in TRACKED:
        counts = section["changes"][kind]
        found = lists.get(kind) or {}
        kinds.append({"kind": kind, "title": KIND_TITLES[kind], "known": counts["known"], "why": counts.get("why"),
                      "new": counts["new"], "resolved": counts["resolved"],
                      "new_rows": [_device_cells(v) for v in found.get("new") or []],
                      "resolved_rows": [_device_cells(v) for v in found.get("resolved") or []]})
    return {"reports": section["reports"], "first": points[0]["generated_at"], "lines": lines, "numbers": numbers,
            "kinds": kinds, "cause": section.get("cause"), "rows": fleet_report.TABLE_ROWS,
            "headers": ["device", "e-mail", "groups", "risk now", "flags now", "client", "last connection"]}
