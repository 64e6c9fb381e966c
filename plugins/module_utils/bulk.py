# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The result shape every bulk module returns (docs/conventions.md).

Each item: ``action`` (the API's verb for that object: devices are added, groups created), ``result``
(``ok``, ``failed``, ``planned`` in check mode, ``skipped`` where nothing is written, such as drift) and
``error`` when it failed. The summary counts every action the module knows in its past tense, plus
``unchanged`` and ``failed``, every key always present; only successful writes (or, in check mode, planned
ones) are counted under an action.
"""

OK = "ok"
FAILED = "failed"
PLANNED = "planned"
SKIPPED = "skipped"

PAST_TENSE = {
    "add": "added",
    "create": "created",
    "move": "moved",
    "delete": "deleted",
    "recreate": "recreated",
    "drift": "drifted",
    "resend": "resent",
}


def succeeded(item):
    item["result"] = OK
    item.pop("error", None)
    return item


def failed(item, error):
    item["result"] = FAILED
    item["error"] = str(error)
    return item


def mark_planned(items, write_actions):
    """Check mode: every write the plan holds is `planned`, anything else `skipped`."""
    for item in items:
        item["result"] = PLANNED if item["action"] in write_actions else SKIPPED
    return items


def summary(items, actions, unchanged):
    """{past tense of each action: count, "unchanged": n, "failed": n}; failed items count only as failed."""
    counts = {PAST_TENSE[action]: 0 for action in actions}
    for item in items:
        if item.get("result") == FAILED:
            continue
        counts[PAST_TENSE[item["action"]]] += 1
    counts["unchanged"] = unchanged
    counts["failed"] = sum(1 for item in items if item.get("result") == FAILED)
    return counts
