# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MSSP index over several tenants' reports: pure functions from hm_fleet_report results to ranked rows and
their CSV.

One row per tenant of the run, worst first: tenants whose report failed (could not be read: nothing is known of
them), then those read whole but over a ``fail_when`` rule (their numbers shown beside the broken rule), then those
that got worse since their baseline (more high, then medium risk, then more stale, unanswered, outdated and
never-connected devices), then those with a change that is not known (a count the status history could not
give: it may have got worse, and is never taken for "no change"), then those on their first report (no
baseline: anything may have got worse), then the rest. Each row says in words what got worse
(``fleet_history.cause``: "high +12 (of the 12 new: 8 outdated clients, 4 stale)") and carries the trend of high-risk devices.
Rows hold headline counts only, nothing of any tenant's devices.
"""

import csv
import io
import os

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_report

FAILED, RULE_BROKEN, WORSE, CHANGE_UNKNOWN = "failed", "rule broken", "worse", "change unknown"
FIRST, NOT_WORSE = "first report", "not worse"
STANDINGS = (FAILED, RULE_BROKEN, WORSE, CHANGE_UNKNOWN, FIRST, NOT_WORSE)
UNKNOWN = "unknown"
CSV_COLUMNS = ("rank", "tenant", "standing", "devices", "high", "high_change", "medium", "medium_change", "stale",
               "stale_change", "unanswered", "unanswered_change", "outdated", "outdated_change", "never_connected",
               "never_connected_change", "cause", "error", "generated_at", "page", "gateway_url", "client_id",
               "tenant_id")
# The columns of the table with a change beside the count, in the order shown.
COUNTED = fleet_history.WORSENING


def short_name(tenant, fallback=None):
    """A tenant's name as a row shows it: its name, else its tenant id or client id (the label's details go in a
    hover text and the tenant's own page)."""
    tenant = tenant or {}
    return str(tenant.get("name") or tenant.get("tenant_id") or tenant.get("client_id") or fallback or "tenant")


def details(tenant):
    """The tenant's connection as a hover text: client id, gateway and tenant id (never the key)."""
    tenant = tenant or {}
    return "; ".join("%s %s" % (key.replace("_", " "), tenant[key]) for key in ("client_id", "gateway_url", "tenant_id")
                     if tenant.get(key))


def _worsening(change):
    """The known increases, by weight; a change not known counts in none of them (it is ranked on its own)."""
    return tuple(max(change[m], 0) if change.get(m) is not None else 0 for m in fleet_history.WORSENING)


def _unknown_changes(change):
    return [m for m in fleet_history.WORSENING if change.get(m) is None]


def row(result):
    """One tenant's row from an hm_fleet_report result (``report``, ``files``, ``tenant``; ``failed`` and ``msg``
    or ``error`` when the task failed, with or without a report: a ``fail_when`` failure has its files
    written)."""
    report = result.get("report") if isinstance(result.get("report"), dict) else None
    if report is None and "counts" in result:
        # A report itself (or its summary), as hm_fleet_report's result holds it.
        report, result = result, {"report": result}
    tenant = result.get("tenant") or (report or {}).get("tenant") or {}
    # A failed task's result says ``msg``; the role's failure record (fleet_report_failure) says ``error``.
    error = (result.get("error") or result.get("msg") or "failed without a message") if result.get("failed") else None
    found = {"tenant": short_name(tenant, result.get("host")), "details": details(tenant),
             "gateway_url": tenant.get("gateway_url"), "client_id": tenant.get("client_id"),
             "tenant_id": tenant.get("tenant_id"), "error": error, "page": None, "generated_at": None,
             "devices": None, "counts": {m: None for m in COUNTED}, "change": {m: None for m in COUNTED},
             "cause": None, "trend": [], "trend_times": [], "baseline": False}
    if report is None:
        found.update(standing=FAILED, cause="failed: %s" % (error or "no report"), worsening=())
        return found
    files = result.get("files") or {}
    history = report.get("history") or {}
    # The file name, as the index links it: the index sits beside the pages, and the CSV is read elsewhere than on
    # the controller, so no controller path.
    page = os.path.basename(files.get("html") or fleet_report.file_stem(tenant) + ".html")
    points = history.get("points") or [fleet_history.point(report)]
    values = points[-1]["values"]
    change = history.get("change")
    if change is None and report.get("trend"):
        # A report without a history section (no history_dir): its one-step trend against ``previous``.
        change = dict({m: None for m in fleet_history.MEASURES}, **report["trend"]["risk"])
        change.update(report["trend"].get("counts") or {})
    found.update(page=page, generated_at=report.get("generated_at"), devices=report.get("total"),
                 counts={m: values.get(m) for m in COUNTED},
                 change={m: (change or {}).get(m) for m in COUNTED},
                 trend=[p["values"].get("high") for p in points], trend_times=[p["generated_at"] for p in points])
    found["baseline"] = change is not None
    if change is None:
        found.update(standing=FIRST, cause="first report: no baseline yet", worsening=())
    else:
        worsening, unknown = _worsening(change), _unknown_changes(change)
        cause = history.get("cause") or fleet_history.cause(change, None)
        if unknown:
            said = "change unknown: %s" % ", ".join(m.replace("_", " ") for m in unknown)
            cause = "%s; %s" % (cause, said) if any(worsening) else said
        found.update(standing=WORSE if any(worsening) else CHANGE_UNKNOWN if unknown else NOT_WORSE,
                     worsening=worsening, cause=cause)
    if error:
        # Read whole, then failed by a fail_when rule (the failed task's report is there): not "nothing known".
        found["standing"] = RULE_BROKEN
        found["cause"] = "%s; %s" % (error, found["cause"]) if found["cause"] else error
    return found


def ranked(results):
    """Every tenant's row, worst first (see the module's docstring), each with its ``rank`` from 1."""
    rows = [row(r) for r in results]
    rows.sort(key=lambda r: (STANDINGS.index(r["standing"]), tuple(-v for v in r["worsening"]),
                             -(r["counts"]["high"] or 0), r["tenant"].lower()))
    for rank, found in enumerate(rows, 1):
        found["rank"] = rank
    return rows


def index(results):
    """The index's numbers: ``rows`` worst first, ``tenants``, ``failed`` (tasks that failed, whether the tenant
    could not be read or broke a ``fail_when`` rule), ``rule_broken`` (the latter) and ``worse`` (tenants with a
    known worsening since their baseline, whatever their standing: a broken rule is often why)."""
    rows = ranked(results)
    return {"rows": rows, "tenants": len(rows), "failed": sum(1 for r in rows if r["error"]),
            "rule_broken": sum(1 for r in rows if r["standing"] == RULE_BROKEN),
            "worse": sum(1 for r in rows if any(r["worsening"]))}


def render_csv(rows):
    """The index table as CSV, the same rows in the same order (counts, changes, cause, error)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for found in rows:
        cells = dict(found, standing=found["standing"], devices=found["devices"])
        for measure in COUNTED:
            cells[measure] = _or_unknown(found["counts"][measure], found["page"] is not None)
            cells[measure + "_change"] = _or_unknown(found["change"][measure], found["baseline"])
        writer.writerow([fleet_report_csv_cell(cells.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _or_unknown(value, known_to_exist):
    """``unknown`` for a count or change that exists but is not known (never an empty cell read as none)."""
    return UNKNOWN if value is None and known_to_exist else value


def fleet_report_csv_cell(value):
    """A cell as the tenant CSV writes one: empty for unknown, a number as it is, text never run as a formula."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return fleet_report._csv_safe(value)  # pylint: disable=protected-access


def page_view(results):
    """The index page's numbers: ``fleet_index.index`` with each row's counts and changes as cells, its trend as
    a sparkline, and the columns' headers."""
    found = index(results)
    for found_row in found["rows"]:
        found_row["cells"] = [_with_change(found_row["counts"][m], found_row["change"][m], found_row["baseline"])
                              for m in COUNTED]
        found_row["spark"] = fleet_history.sparkline(found_row["trend"], "high-risk devices") \
            if found_row["trend"] else None
        found_row["link"] = os.path.basename(found_row["page"]) if found_row["page"] else None
    found["headers"] = ["high risk", "medium risk", "stale", "unanswered", "outdated", "never connected"]
    return found


def _with_change(count, change, baseline=False):
    """``34 (+12)``; ``34`` without a change or a baseline; ``34 (change unknown)`` for a change not known
    against a baseline; ``unknown`` for a count not known."""
    if count is None:
        return UNKNOWN
    if change is None and baseline:
        return "%s (change unknown)" % count
    return "%s (%+d)" % (count, change) if change else str(count)
