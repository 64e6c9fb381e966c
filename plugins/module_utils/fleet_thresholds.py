# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's ``fail_when`` thresholds: pure functions.

A rule names a measure (a risk level or a flag) and a limit: ``above`` (more devices than that now) or
``increase_above`` (more than that many devices above the baseline). A rule whose value is not known (no baseline
yet, unanswered invitations not known, a baseline that lacks the measure) neither passes nor fails in silence: it
is ``unknown``, and ``if_unknown`` says whether that fails the task (``fail``) or warns (``warn``, the default).
hm_fleet_report writes its files first and fails afterwards, so a scheduler's failure notification fires with the
page already there.
"""

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

LIMITS = ("above", "increase_above")
IF_UNKNOWN = ("warn", "fail")
EXCEEDED, WITHIN, UNKNOWN = "exceeded", "within", "unknown"


def option_spec():
    """``fail_when`` as hm_fleet_report takes it."""
    return dict(type="list", elements="dict", default=[], options=dict(
        measure=dict(type="str", required=True, choices=list(fleet_history.MEASURES)),
        above=dict(type="int"),
        increase_above=dict(type="int"),
        if_unknown=dict(type="str", default="warn", choices=list(IF_UNKNOWN)),
    ), mutually_exclusive=[("above", "increase_above")], required_one_of=[("above", "increase_above")])


def check_rules(rules):
    """The rules checked before the tenant is read: each names a known measure and one limit of 0 or more."""
    checked = []
    for index, rule in enumerate(rules or []):
        field = "fail_when[%d]" % index
        if not isinstance(rule, dict):
            raise UserError("%s: expected a rule such as {measure: high, increase_above: 5}, got %r" % (field, rule))
        measure = rule.get("measure")
        if measure not in fleet_history.MEASURES:
            raise UserError("%s.measure: %r is not one of %s" % (field, measure, ", ".join(fleet_history.MEASURES)))
        given = [limit for limit in LIMITS if rule.get(limit) is not None]
        if len(given) != 1:
            raise UserError("%s: give one of above or increase_above for %s, got %s" % (
                field, measure, " and ".join(given) or "neither"))
        limit = rule[given[0]]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise UserError("%s.%s: must be a count of devices, 0 or more, got %r" % (field, given[0], limit))
        if_unknown = rule.get("if_unknown") or "warn"
        if if_unknown not in IF_UNKNOWN:
            raise UserError("%s.if_unknown: %r is not one of %s" % (field, if_unknown, ", ".join(IF_UNKNOWN)))
        checked.append({"measure": measure, "limit": given[0], "value": limit, "if_unknown": if_unknown})
    return checked


def _words(measure):
    return measure.replace("_", " ")


def _why_unknown(report, measure, rule):
    history = report.get("history") or {}
    if rule == "increase_above" and not history.get("change"):
        return "first report: no baseline yet"
    if measure == "unanswered" and not report.get("unanswered_known"):
        return "unanswered invitations are not known yet"
    if measure == "outdated" and (report.get("counts") or {}).get("outdated") is None:
        return "no device reported its client version"
    return "the baseline does not have it"


def evaluate(rules, report):
    """Each rule's outcome against ``report`` (with its ``history`` section): ``measure``, ``limit``, ``value``
    (the limit), ``count`` (now), ``change`` (since the baseline, for ``increase_above``), ``state``
    (exceeded, within, unknown), ``fails`` (whether it fails the task) and ``message``."""
    history = report.get("history") or {}
    now = (history.get("points") or [fleet_history.point(report)])[-1]["values"]
    change = history.get("change") or {}
    outcomes = []
    for rule in check_rules(rules):
        measure, limit, value = rule["measure"], rule["limit"], rule["value"]
        count = now.get(measure)
        found = dict(rule, count=count, change=change.get(measure) if limit == "increase_above" else None)
        observed = count if limit == "above" else found["change"]
        if observed is None:
            found.update(state=UNKNOWN, fails=rule["if_unknown"] == "fail", message="fail_when %s %s %d: not known "
                         "(%s)" % (_words(measure), limit, value, _why_unknown(report, measure, limit)))
        elif observed > value:
            found.update(state=EXCEEDED, fails=True, message=(
                "%s: %d devices, more than %d" % (_words(measure), count, value) if limit == "above" else
                "%s: %d devices, %+d since the baseline, more than %d" % (_words(measure), count, observed, value)))
        else:
            found.update(state=WITHIN, fails=False, message="%s: %s, within %d" % (
                _words(measure), count if limit == "above" else "%+d" % observed, value))
        outcomes.append(found)
    return outcomes


def failure(outcomes, files_written):
    """The task's failure message when any outcome fails it, else None."""
    failing = [o for o in outcomes if o["fails"]]
    if not failing:
        return None
    return "fail_when: %s (%s)" % ("; ".join(o["message"] for o in failing),
                                   "the files were written" if files_written else "check mode: nothing was written")


def warnings(outcomes):
    """A warning for each rule left unknown that does not fail the task: it did not pass either."""
    return ["%s: the rule was not checked (if_unknown: warn)" % o["message"] for o in outcomes
            if o["state"] == UNKNOWN and not o["fails"]]
