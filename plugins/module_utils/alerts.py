# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alerts as the live service sends them, and the normalised fields added beside the raw ones.

Recorded alerts use several vocabularies and formats for the same thing
(field notes): severities ``HIGH``, ``High``, ``Critical``; times as
``MM/DD/YYYY HH:MM:SS``, ISO 8601, ``"No data"`` or null; ``device_id`` as a
string or an int; ``device_rooted`` as ``false`` or the string ``"False"``.
Raw fields are never changed; :func:`normalise` adds:

- ``severity_level``: ``none``, ``low``, ``medium``, ``high`` or ``critical``
  (an unknown word is kept as it came);
- ``event_time`` / ``updated_time``: ISO 8601 UTC (``2023-02-22T02:22:20Z``) or null;
- ``is_rooted``: a real bool, or null when the alert does not say;
- ``device_internal_id``: the device id as a string, or null.
"""

import re

from ansible_collections.secops.mobile_security.plugins.module_utils import times
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import boolean

SEVERITY_LEVELS = ("none", "low", "medium", "high", "critical")
# Every word seen in recorded alerts and public integrations, lower-cased. Documented in hm_alert_info.
SEVERITY_WORDS = {
    "none": "none", "no risk": "none", "no_risk": "none", "info": "none", "informational": "none",
    "low": "low",
    "medium": "medium", "med": "medium", "moderate": "medium",
    "high": "high",
    "critical": "critical", "crit": "critical", "severe": "critical", "very high": "critical",
}
# Risk-code style numbers, as the API uses for device risk (0-3), plus 4 for critical.
SEVERITY_CODES = {"0": "none", "1": "low", "2": "medium", "3": "high", "4": "critical"}


def severity_level(value):
    """The level of a severity word in any known vocabulary; an unknown word is returned as it came."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    key = " ".join(text.lower().replace("-", " ").split())
    return SEVERITY_WORDS.get(key) or SEVERITY_CODES.get(key) or text


def normalise(raw):
    """The alert with its raw fields and the normalised ones beside them."""
    alert = dict(raw) if isinstance(raw, dict) else {"value": raw}
    device_id = alert.get("device_id")
    alert.update(
        severity_level=severity_level(alert.get("severity")),
        event_time=times.iso_utc(times.parse(alert.get("event_timestamp"))),
        updated_time=times.iso_utc(times.parse(alert.get("backend_last_updated"))),
        is_rooted=boolean(alert.get("device_rooted")),
        device_internal_id=str(device_id).strip() if device_id not in (None, "") and not isinstance(
            device_id, bool) else None,
    )
    return alert


def severity_matcher(wanted, field="severity"):
    """A keep(alert) test for a list of severity words in any vocabulary, case-insensitive; None for no filter."""
    if wanted is None:
        return None
    if isinstance(wanted, str):
        wanted = [w for w in re.split(r"[,\s]+", wanted) if w]
    if not isinstance(wanted, (list, tuple, set)):
        raise UserError("%s: expected a list of severities, got %r" % (field, wanted))
    levels = set()
    for word in wanted:
        if not isinstance(word, str) or not word.strip():
            raise UserError("%s: %r is not a severity word" % (field, word))
        levels.add(str(severity_level(word)).lower())
    if not levels:
        return None
    return lambda alert: str(severity_level(alert.get("severity"))).lower() in levels


def window_matcher(updated_from, updated_to):
    """The same window on our side, for a server that ignores the filter; None when there is no window.

    An alert whose ``backend_last_updated`` says nothing ("No data", null) is outside every window.
    """
    if updated_from is None and updated_to is None:
        return None

    return lambda alert: times.within(times.parse(alert.get("backend_last_updated")), updated_from, updated_to)


def all_of(*tests):
    tests = [t for t in tests if t is not None]
    if not tests:
        return None
    return lambda entry: all(t(entry) for t in tests)
