# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's pages: a tenant's page and the index over tenants, rendered from Jinja2 templates.

``fleet_report`` computes; this file turns a report into what a page shows (tiles with their change, ranked
groups, chart geometry, the numbers behind each chart, sorted device lists) and renders it with the templates of
``fleet_report_templates`` (autoescaped: every value from the service is text, never markup), or with the user's
own template (which may extend ours) and stylesheet. The default pages hold no script and fetch nothing, so they
open the same from a mail attachment.

Jinja2 comes with ansible-core: the module renders where it runs (the controller's localhost in every example).
"""

import re

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_index, fleet_report
from ansible_collections.secops.mobile_security.plugins.module_utils import codes, fleet_reminders, times
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.fleet_report_templates import (
    INDEX, PAGE, STYLE, TEMPLATES)

try:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup
    HAS_JINJA2 = True
except ImportError:  # pragma: no cover - ansible-core requires Jinja2; a remote target may lack it
    HAS_JINJA2 = False

RISK_COLOURS = {"none": "#4caf50", "low": "#c0ca33", "medium": "#ff9800", "high": "#e53935", "unknown": "#9e9e9e"}
# What comes first in a list of devices: the highest risk; a risk the service did not report is not known to be
# low, so it comes right after medium.
RISK_ORDER = {"high": 0, "medium": 1, "unknown": 2, "low": 3, "none": 4}
# Bars and legends, the worst first.
RISK_SHOWN = ("high", "medium", "low", "none", "unknown")
CLIENT_COLOURS = {"current": "#1e88e5", "outdated": "#fb8c00", "unknown": "#9e9e9e"}
OS_COLOUR, OS_UNKNOWN_COLOUR, FUNNEL_COLOUR = "#00897b", "#9e9e9e", "#5c6bc0"
# A group of fewer devices than this is ranked after the others: a share of a handful of devices says little
# (one device of two at high risk is 50%).
SMALL_GROUP = 5
RANKED_IN_CHART = 15
CLIENT_BARS = 40
ROW = 22


# ---- what the page shows -----------------------------------------------------------------------------------
def many(count, word, words=None):
    """``1 tenant``, ``2 tenants``, ``unknown tenants``: a count with its noun in the right number (``words``:
    the plural when it is not the noun and an s)."""
    if count is None or isinstance(count, str):
        return "%s %s" % (count if count is not None else "unknown", words or word + "s")
    return "%d %s" % (count, word if count == 1 else (words or word + "s"))


def count_text(value):
    """A count as a page shows it: the number, or "unknown" (never 0 for what is not known)."""
    return "unknown" if value is None else value


def field_text(value):
    """A device's field as a list cell shows it: the service's value, or "unknown" where it gave none."""
    return "unknown" if value in (None, "") else value


def signed(value):
    """A change as a number: +3, -2, and 0 (never +0); "not known" when it is not."""
    if value is None:
        return "not known"
    return "%+d" % value if value else "0"


def _waited_days(row, report):
    waiting = fleet_report.waited(row, report)
    days = waiting.get("days") if waiting.get("days") is not None else waiting.get("at_least_days")
    return days


def _days_since(moment, now):
    seen = times.parse(moment)
    return max(0, (now - seen).days) if seen is not None and now is not None else None


def change_of(value):
    """A change against the baseline as a tile shows it: arrow, number and words; None when not known."""
    if value is None:
        return None
    if value == 0:
        return {"kind": "same", "arrow": "=", "text": "no change"}
    return {"kind": "up" if value > 0 else "down", "arrow": "\u25b2" if value > 0 else "\u25bc",
            "text": "%s %d" % ("up" if value > 0 else "down", abs(value))}


def outdated_unknown(report):
    """Why the count of outdated clients is not known, or None when it is: with no device reporting its client
    version there is nothing to compare (and, without ``min_client_version``, no baseline version either), and
    ``compute`` sets ``counts.outdated`` to None, which the page shows as unknown with this reason."""
    if report.get("newest_client_version") is not None or not report.get("total"):
        return None
    minimum = (report.get("settings") or {}).get("min_client_version")
    if minimum:
        return "no device reported its client version, so none can be compared with min_client_version %s" % minimum
    return ("no device reported its client version and no min_client_version is set, so there is no baseline "
            "version to compare with")


def registered_unseen(report):
    """Devices the service shows registered (active or inactive) that it reports no connection for: counted as
    registered in the funnel and as never connected, which the page says rather than leave the two to
    contradict each other."""
    return sum(1 for row in report.get("devices") or () if "never_connected" in (row.get("flags") or ())
               and row.get("status") in fleet_report.CONNECTED_STATUSES)


def tiles(report):
    settings, counts, trend = report["settings"], report["counts"], report.get("trend") or {}
    risk_change = trend.get("risk") or {}
    count_change = trend.get("counts") or {}
    unanswered = counts.get("unanswered") if report.get("unanswered_known", True) else None
    outdated = None if outdated_unknown(report) else counts["outdated"]
    unseen = registered_unseen(report)
    wanted = [
        ("devices", report["total"], sum(risk_change.values()) if risk_change else None, False),
        ("high risk", report["risk"]["high"], risk_change.get("high"), True),
        ("medium risk", report["risk"]["medium"], risk_change.get("medium"), True),
        ("not connected %dd+" % settings["stale_days"], counts["stale"], count_change.get("stale"), True),
        ("never connected", counts["never_connected"], count_change.get("never_connected"), True),
        ("unanswered %dd+" % settings["unanswered_days"], count_text(unanswered),
         count_change.get("unanswered") if unanswered is not None else None, True),
        ("outdated clients", count_text(outdated), count_change.get("outdated") if outdated is not None else None,
         True),
    ]
    notes = {"never connected": "%d of them active, no connection reported" % unseen if unseen else None,
             "outdated clients": "no client version reported" if outdated is None and report.get("total")
             else None}
    shown = []
    for label, value, change, more_is_worse in wanted:
        changed = change_of(change) if report.get("trend") else None
        if changed and changed["kind"] != "same" and more_is_worse:
            changed["tone"] = "worse" if changed["kind"] == "up" else "better"
        elif changed:
            changed["tone"] = "neutral"
        shown.append({"label": label, "value": value, "change": changed, "note": notes.get(label)})
    return shown


def ranked_groups(report):
    """Groups worst first: by share at high risk, then at medium risk, then by size; groups of fewer than
    SMALL_GROUP devices after the others, empty groups left out. Each with its counts and shares (percent)."""
    rows = []
    for group in report["groups"]:
        total = group["total"]
        if not total:
            continue
        risk = group["risk"]
        rows.append({"path": group["path"], "name": group["name"], "total": total, "high": risk.get("high", 0),
                     "medium": risk.get("medium", 0), "risk": risk, "small": total < SMALL_GROUP,
                     "high_share": 100.0 * risk.get("high", 0) / total,
                     "medium_share": 100.0 * risk.get("medium", 0) / total})
    rows.sort(key=lambda g: (g["small"], -g["high_share"], -g["medium_share"], -g["total"], g["path"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


# ---- charts: geometry here, markup in the templates -----------------------------------------------------------
def _chart(key, label, rows, width, height, lines=(), legend=()):
    """A chart's geometry; ``label`` is its text alternative (its numbers are in the table under it)."""
    return {"id": key, "label": label, "rows": rows, "width": int(width), "height": int(height),
            "lines": list(lines), "legend": list(legend)}


def _legend(entries, x, y, step=110):
    return [{"x": x + i * step, "y": y, "colour": colour, "text": text} for i, (text, colour) in enumerate(entries)]


def bar_chart(key, label, items, label_width=190, bar_width=420):
    """Horizontal bars: ``items`` is [(label, value, colour)]."""
    top = max([value for _l, value, _c in items] + [1])
    rows = []
    for index, (name, value, colour) in enumerate(items):
        y = index * ROW + 4
        length = max(1.0, bar_width * value / top) if value else 0
        rows.append({"y": y, "label": name, "label_x": label_width - 6, "anchor": "end",
                     "segments": [{"x": label_width, "width": round(length, 1), "colour": colour,
                                   "title": "%s: %d" % (name, value)}] if length else [],
                     "value": str(value), "value_x": round(label_width + length + 4, 1)})
    return _chart(key, label, rows, label_width + bar_width + 70, len(items) * ROW + 8)


def share_chart(key, label, groups, label_width=230, bar_width=420):
    """One full-width bar per group split by risk level (each group's shares, so a small group reads as well as
    a large one), the high-risk count and the group's size right of it."""
    rows = []
    for index, group in enumerate(groups):
        y = index * ROW + 4
        x, segments = float(label_width), []
        for level in RISK_SHOWN:
            count = group["risk"].get(level, 0)
            if count:
                width = bar_width * count / group["total"]
                segments.append({"x": round(x, 1), "width": round(width, 1), "colour": RISK_COLOURS[level],
                                 "title": "%s: %d of %d" % (level, count, group["total"])})
                x += width
        shown = fit_label(group["path"], label_width - 10)
        rows.append({"y": y, "label": shown, "full": group["path"] if shown != group["path"] else None,
                     "label_x": label_width - 6, "anchor": "end", "segments": segments,
                     "value": "%d of %d high" % (group["high"], group["total"]),
                     "value_x": label_width + bar_width + 6})
    legend_y = len(groups) * ROW + 10
    legend = _legend([(level, RISK_COLOURS[level]) for level in RISK_SHOWN],
                     label_width, legend_y, 84)
    return _chart(key, label, rows, label_width + bar_width + 150, legend_y + 20, legend=legend)


def delta_chart(key, label, deltas, label_width=90, half=200):
    """Bars left (fewer) or right (more) of a centre line, one per risk level."""
    top = max([abs(v) for v in deltas.values()] + [1])
    centre = label_width + half
    rows = []
    for index, level in enumerate(fleet_report.RISK_LEVELS):
        value = deltas.get(level, 0)
        y = index * ROW + 4
        length = max(1.0, half * abs(value) / top) if value else 0
        rows.append({"y": y, "label": level, "label_x": label_width - 6, "anchor": "end",
                     "segments": [{"x": round(centre if value > 0 else centre - length, 1),
                                   "width": round(length, 1), "colour": RISK_COLOURS[level],
                                   "title": "%s: %s" % (level, signed(value))}] if length else [],
                     "value": signed(value), "value_x": round(centre + (length if value > 0 else 0) + 4, 1)})
    height = len(fleet_report.RISK_LEVELS) * ROW + 8
    return _chart(key, label, rows, label_width + 2 * half + 50, height,
                  lines=[{"x1": centre, "y1": 0, "x2": centre, "y2": height - 2}])


# The funnel's last step counts devices the service shows active or inactive, or reports a connection for: it
# is called "registered", since a device can be active with no connection reported ("never connected").
FUNNEL_STEPS = (("added", "added"), ("notified", "user notified"), ("connected", "registered"))


def funnel_chart(key, label, funnel, width=420):
    steps = FUNNEL_STEPS
    top = max(funnel["added"], 1)
    rows = []
    for index, (field, name) in enumerate(steps):
        value = funnel[field]
        length = max(2.0, width * value / top) if value else 0
        percent = 100.0 * value / top if funnel["added"] else 0
        rows.append({"y": index * 30 + 4, "label": "", "label_x": 0, "anchor": "start",
                     "segments": [{"x": round((width - length) / 2 + 10, 1), "width": round(length, 1),
                                   "colour": FUNNEL_COLOUR, "title": "%s: %d" % (name, value)}] if length else [],
                     "value": "%s: %d (%.0f%%)" % (name, value, percent), "value_x": width + 24})
    return _chart(key, label, rows, width + 230, len(steps) * 30 + 8)


# Widths of a sans-serif font's characters in ems (Arial's, rounded up): a label is cut to what fits, never
# clipped at the chart's left edge.
_NARROW, _SLIM, _WIDE = set("fijlrtI!|.,:;'/ "), set("-()[]{}*\"1"), set("mwMW@%")


def text_width(text, size=12):
    """A conservative estimate of ``text``'s width in pixels at ``size`` (no font metrics offline)."""
    ems = 0.0
    for char in str(text):
        if char in _NARROW:
            ems += 0.30
        elif char in _SLIM:
            ems += 0.40
        elif char in _WIDE:
            ems += 0.95
        elif char.isupper():
            ems += 0.75
        else:
            ems += 0.60
    return ems * size


def fit_label(path, width, size=12):
    """A group's path cut from the left to fit ``width`` pixels: whole trailing parts after "\u2026/" while they
    fit, else the group's own name cut with "\u2026" (the chart gives the full path in a tooltip and the table
    beside it in full)."""
    path = str(path)
    if text_width(path, size) <= width:
        return path
    parts = path.split("/")
    for start in range(1, len(parts)):
        shown = "\u2026/" + "/".join(parts[start:])
        if text_width(shown, size) <= width:
            return shown
    name = parts[-1]
    while name and text_width("\u2026" + name, size) > width:
        name = name[1:]
    return "\u2026" + name


def os_label(entry):
    """An OS as a bar names it: ``Android 14``, ``Android (version not reported)``, ``OS not reported``."""
    os_type, version = entry.get("os_type"), entry.get("os_version")
    known_type = os_type not in (None, "", "unknown")
    known_version = version not in (None, "", "unknown")
    if not known_type and not known_version:
        return "OS not reported", False
    if not known_version:
        return "%s (version not reported)" % os_type, True
    return ("%s %s" % (os_type, version) if known_type else "unknown OS %s" % version), True


def client_kind(entry):
    if entry.get("version") in (None, "", "unknown") or fleet_report.version_key(entry.get("version")) is None:
        return "unknown"
    return "outdated" if entry.get("outdated") else "current"


def _numbers(caption, headers, rows, numeric=()):
    return {"caption": caption, "headers": list(headers), "rows": [list(r) for r in rows], "numeric": set(numeric)}


# ---- device lists -------------------------------------------------------------------------------------------
LIST_COLUMNS = ("name", "e-mail", "groups", "status", "risk", "OS", "client", "last connection")


def device_lists(report, unknown_outdated=None):
    """The lists of devices to chase, each worst first: by risk (high first), then by days (longest first).
    ``unknown_outdated``: why the outdated count is not known (``outdated_unknown``), or None."""
    settings = report["settings"]
    now = times.parse(report.get("generated_at"))
    rows = report.get("devices") or []

    def listed(flag, title, days_title, longest_first, note="", empty="", unknown=None):
        """``longest_first``: a row's sort key after its risk, the longest first; ``empty``: the sentence an
        empty list shows; ``unknown``: why the list's count is not known."""
        found = [r for r in rows if flag in (r.get("flags") or ())]
        found.sort(key=lambda r: (RISK_ORDER.get(r.get("risk"), len(RISK_ORDER)), longest_first(r),
                                  str(r.get("email") or "")))
        shown = []
        for row in found[:fleet_report.TABLE_ROWS]:
            cells = [field_text(row.get(key)) for key in ("name", "email")]
            cells.append(", ".join(row.get("groups") or []) or "unknown")
            cells += [field_text(row.get(key)) for key in ("status", "risk", "os", "client_version")]
            cells.append(row.get("last_connection") or ("none reported" if registered(row) else "never"))
            cells.append(days_text(flag, row))
            shown.append({"risk": row.get("risk"), "cells": cells})
        return {"id": flag.replace("_", "-"), "title": title, "count": "unknown" if unknown else len(found),
                "note": note or ("Not known: %s." % unknown if unknown else ""), "empty": empty,
                "headers": list(LIST_COLUMNS) + [days_title], "rows": shown,
                "more": max(0, len(found) - fleet_report.TABLE_ROWS)}

    def since_last(row):
        return _days_since(row.get("last_connection"), now)

    def oldest_connection(row):
        # A report's times are all written as times.iso_utc, so their text sorts as they do; never is the oldest.
        return row.get("last_connection") or ""

    def longest_wait(row):
        days = _waited_days(row, report)
        return -days if days is not None else 1

    def registered(row):
        return row.get("status") in fleet_report.CONNECTED_STATUSES

    def days_text(flag, row):
        if flag in ("stale", "outdated"):
            days = since_last(row)
            return ("none reported" if registered(row) else "never") if days is None else fleet_report.day_count(days)
        # Registered with no connection reported: it waits for nobody, and the page says why it is listed.
        if registered(row):
            return "%s, no connection reported" % row.get("status")
        # A device in processing waits for the service, not its user: its invitation has not gone out yet.
        if row.get("status") == codes.STATUS_NAMES[codes.PROCESSING]:
            return "not invited yet"
        if fleet_report.awaits(row):
            return fleet_report.waited_text(fleet_report.waited(row, report))
        return "not invited"

    unanswered_note, unanswered_unknown = "", None
    if not report.get("unanswered_known", True):
        unanswered_unknown = "the service's status history could not tell how long each invitation has waited"
        unanswered_note = ("The service's status history could not tell how long each invitation has waited: the "
                           "count is unknown, and the list holds only the invitations known to have waited long "
                           "enough.")
    unseen = registered_unseen(report)
    never_note = "Devices the service reports no connection for."
    if unseen:
        never_note += (" %s active or inactive (registered, so counted as registered in the funnel) though the "
                       "service reports no connection for %s." % (
                           "1 of them is" if unseen == 1 else "%d of them are" % unseen,
                           "it" if unseen == 1 else "them"))
    baseline = report.get("client_baseline")
    return [
        listed("unanswered", "Invitations unanswered for %d days or more" % settings["unanswered_days"], "waited",
               longest_wait, unanswered_note,
               "No invitation has waited %s or more for its user." % fleet_report.day_count(
                   settings["unanswered_days"]), unanswered_unknown),
        listed("stale", "Not connected for %d days or more" % settings["stale_days"], "since last connection",
               oldest_connection, empty="No device that has connected has gone %s or more without connecting." % (
                   fleet_report.day_count(settings["stale_days"]))),
        listed("never_connected", "Never connected", "waited", longest_wait, never_note,
               "Every device has connected at least once."),
        listed("outdated", "Outdated clients (older than %s)" % (baseline or "the newest"),
               "since last connection", oldest_connection,
               empty="Every device that reported its client version runs %s or newer." % baseline if baseline
               else "The tenant has no devices.", unknown=unknown_outdated),
    ]


# ---- the pages ----------------------------------------------------------------------------------------------
def page_view(report):
    """Everything the page template shows, from a report (``fleet_report.compute``)."""
    settings, trend = report["settings"], report.get("trend")
    risk_items = [(level, report["risk"][level], RISK_COLOURS[level]) for level in RISK_SHOWN]
    groups = ranked_groups(report)
    large = [g for g in groups if not g["small"]]
    charted = large[:RANKED_IN_CHART]
    unknown_outdated = outdated_unknown(report)
    os_items = []
    for entry in sorted(report["os"], key=lambda o: -o["count"]):
        name, known = os_label(entry)
        os_items.append((name, entry["count"], OS_COLOUR if known else OS_UNKNOWN_COLOUR))
    clients = report["client_versions"]
    client_items = [(c["version"], c["count"], CLIENT_COLOURS[client_kind(c)]) for c in clients[:CLIENT_BARS]]
    history = fleet_history.page_view(report)
    view = {
        "title": "Fleet posture: %s" % fleet_index.short_name(report.get("tenant")),
        "connection": fleet_index.details(report.get("tenant")),
        "report": report,
        "tenant": report.get("tenant") or {},
        "settings": settings,
        "generated_at": report["generated_at"],
        "client_baseline": report.get("client_baseline") or (
            "none (no device reported its client version, and no min_client_version is set)"
            if report.get("total") else "none"),
        "baseline": {"since": trend.get("since")} if trend else None,
        "tiles": tiles(report),
        "risk": {"chart": bar_chart("risk", "devices by risk", risk_items),
                 "numbers": _numbers("Devices by risk", ("risk", "devices"),
                                     [(n, v) for n, v, _c in risk_items], (1,))},
        "groups": {
            "ranked": groups[:fleet_report.TABLE_ROWS], "more": max(0, len(groups) - fleet_report.TABLE_ROWS),
            "small": SMALL_GROUP, "small_count": sum(1 for g in groups if g["small"]),
            "empty_count": sum(1 for g in report["groups"] if not g["total"]),
            # The chart holds the riskiest RANKED_IN_CHART groups of SMALL_GROUP devices or more; the note names
            # the ranks it leaves out, so the chart and the table beside it never seem to disagree.
            "charted": len(charted), "large": len(large),
            "left_out": {"count": len(large) - len(charted), "first": len(charted) + 1, "last": len(large)}
            if len(large) > len(charted) else None,
            "chart": share_chart("groups", "devices by risk per group", charted) if charted else None,
        },
        "change": None,
        "registration": {
            "chart": funnel_chart("funnel", "registration funnel", report["funnel"]),
            "numbers": _numbers("Registration funnel", ("step", "devices"), [
                (name, report["funnel"][field]) for field, name in FUNNEL_STEPS], (1,)),
            "never_connected": report["counts"]["never_connected"], "registered_unseen": registered_unseen(report)},
        "os": {"chart": bar_chart("os", "devices by OS version", os_items) if os_items else None,
               "numbers": _numbers("Devices by operating system", ("operating system", "devices"),
                                   [(n, v) for n, v, _c in os_items], (1,))},
        "clients": {"chart": bar_chart("clients", "devices by client version", client_items) if client_items else None,
                    "legend": list(CLIENT_COLOURS.items()),
                    "numbers": _numbers("Devices by client version", ("client version", "devices", "state"),
                                        [(c["version"], c["count"], client_kind(c)) for c in clients], (1,)),
                    "more": max(0, len(clients) - CLIENT_BARS)},
        "lists": device_lists(report, unknown_outdated),
        "history": history,
        "hygiene": fleet_reminders.page_view(report),
    }
    if trend:
        group_changes = _numbers("Change per risk level and group since %s" % trend.get("since"),
                                 ("group",) + fleet_report.RISK_LEVELS, [
                                     [g["path"]] + [signed(g["risk"][level]) if g["risk"] else "new"
                                                    for level in fleet_report.RISK_LEVELS]
                                     for g in trend.get("groups") or []], range(1, 6))
        if history and history["reports"] >= 2:
            # The history's lines say each level's change beside its trend: the change is shown once, there,
            # with the groups' changes under it.
            history["group_changes"] = group_changes
        else:
            view["change"] = {"since": trend.get("since"),
                              "chart": delta_chart("change", "change per risk level", trend["risk"]),
                              "numbers": group_changes}
    return view


def index_view(results):
    """The index: one row per tenant of the run, worst first (``fleet_index``), its headline counts with their
    change, what got worse in words, its trend and a link to its page; a tenant whose report failed with its
    error. ``results``: hm_fleet_report results, reports or their summaries, or failure records."""
    view = fleet_index.page_view(results)
    view["title"] = "Fleet posture: %s, %d failed" % (many(view["tenants"], "tenant"), view["failed"])
    return view


# ---- rendering ----------------------------------------------------------------------------------------------
def read_text(path, field):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, ValueError) as err:
        raise UserError("%s: cannot read %s (%s)" % (field, path, err))


def check_stylesheet(text, field, path=None):
    """A stylesheet goes into the page's <style> as it is: it must not end that element (nor open a comment
    the page's own markup would end)."""
    if re.search(r"</\s*style|<!--|<script", text, re.I):
        raise UserError("%s: %s holds markup (</style>, <!-- or <script>); give CSS only" % (field, path or "text"))
    return text


def _environment(own_template=None, field="template", path=None):
    if not HAS_JINJA2:
        raise UserError("%s: rendering the report needs the Python library jinja2 (it comes with ansible-core) "
                        "where the module runs" % field)
    templates = dict(TEMPLATES)
    if own_template is not None:
        templates["own.html.j2"] = own_template
    env = SandboxedEnvironment(loader=jinja2.DictLoader(templates), autoescape=True, trim_blocks=True,
                               lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["signed"] = signed
    env.filters["many"] = many
    return env


def check_files(template=None, stylesheet=None, template_field="template", style_field="stylesheet"):
    """Read and parse the user's template and stylesheet, refusing them naming the option, the file and the line:
    checked before the tenant is read, so a typo costs no minutes of paging."""
    if template:
        env = _environment(read_text(template, template_field), template_field, template)
        try:
            env.get_template("own.html.j2")
        except jinja2.TemplateSyntaxError as err:
            raise UserError("%s: %s line %s: %s" % (template_field, template, err.lineno, err.message))
        except jinja2.TemplateError as err:
            raise UserError("%s: %s: %s" % (template_field, template, err))
    if stylesheet:
        check_stylesheet(read_text(stylesheet, style_field), style_field, stylesheet)


def render(name, view, template=None, stylesheet=None, template_field="template", style_field="stylesheet"):
    """A page from the template ``name`` (or the user's ``template`` file, which may ``{% extends %}`` ours) with
    the default stylesheet and the user's ``stylesheet`` file after it."""
    own = read_text(template, template_field) if template else None
    extra = check_stylesheet(read_text(stylesheet, style_field), style_field, stylesheet) if stylesheet else ""
    env = _environment(own, template_field, template)
    try:
        page = env.get_template("own.html.j2" if own is not None else name)
        # The stylesheets are CSS, not text: escaped, a child combinator (>) would break them.
        return page.render(dict(view, style=Markup(STYLE), own_style=Markup(extra))) + "\n"
    except jinja2.TemplateSyntaxError as err:
        raise UserError("%s: %s line %s: %s" % (template_field, template or name, err.lineno, err.message))
    except jinja2.TemplateError as err:
        if own is None:
            raise
        raise UserError("%s: %s: %s" % (template_field, template, err))


def render_html(report, template=None, stylesheet=None):
    """A tenant's page: headline tiles with their change, charts each with its numbers, the device lists."""
    return render(PAGE, page_view(report), template, stylesheet)


def render_index(results, template=None, stylesheet=None):
    """The index over several tenants (hm_fleet_report results, reports, summaries or failure records): headline
    counts only."""
    return render(INDEX, index_view(results), template, stylesheet)
