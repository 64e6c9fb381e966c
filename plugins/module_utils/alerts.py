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

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import email.utils
import re

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

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
NO_DATA = ("", "no data", "none", "null", "n/a", "na", "-")
TRUE_WORDS = ("true", "yes", "1", "y")
FALSE_WORDS = ("false", "no", "0", "n")
UTC = datetime.timezone.utc
_RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$")
_RELATIVE_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TEXT_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z",
                 "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def severity_level(value):
    """The level of a severity word in any known vocabulary; an unknown word is returned as it came."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    key = " ".join(text.lower().replace("-", " ").split())
    return SEVERITY_WORDS.get(key) or SEVERITY_CODES.get(key) or text


def parse_time(value):
    """An aware UTC datetime from any time form alerts use, or None (no data, or not a time).

    ``MM/DD/YYYY`` times and ISO times without an offset are taken as UTC.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000.0 if value > 1e11 else float(value)
        try:
            return datetime.datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if text.lower() in NO_DATA:
        return None
    if text.isdigit():
        return parse_time(int(text))
    iso = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    if iso.endswith(("Z", "z")):
        iso = iso[:-1] + "+0000"
    iso = re.sub(r"([+-]\d{2}):(\d{2})$", r"\1\2", iso)
    for fmt in _TEXT_FORMATS:
        try:
            parsed = datetime.datetime.strptime(iso if fmt.startswith("%Y") else text, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def iso_utc(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def as_bool(value):
    """True/False from a bool, 0/1 or a word such as "False"; None when it does not say."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
    return None


def normalise(raw):
    """The alert with its raw fields and the normalised ones beside them."""
    alert = dict(raw) if isinstance(raw, dict) else {"value": raw}
    device_id = alert.get("device_id")
    alert.update(
        severity_level=severity_level(alert.get("severity")),
        event_time=iso_utc(parse_time(alert.get("event_timestamp"))),
        updated_time=iso_utc(parse_time(alert.get("backend_last_updated"))),
        is_rooted=as_bool(alert.get("device_rooted")),
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


def time_bound(value, field, now=None):
    """A user's time bound: ISO 8601, ``MM/DD/YYYY HH:MM:SS``, or an age such as ``24h``, ``7d``, ``30m``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    relative = _RELATIVE.match(text.lower())
    if relative:
        now = now or datetime.datetime.now(UTC)
        return now - datetime.timedelta(seconds=int(relative.group(1)) * _RELATIVE_SECONDS[relative.group(2)])
    moment = parse_time(text)
    if moment is None:
        raise UserError("%s: %r is not a time (use 2026-11-23T08:00:00Z, 11/23/2026 08:00:00, epoch seconds "
                        "or an age such as 24h or 7d)" % (field, value))
    return moment


def window_filters(updated_from, updated_to):
    """The API filters for a time window (undocumented in the guide, used by production connectors)."""
    filters = {}
    if updated_from is not None:
        filters["backend_last_updated__gte"] = iso_utc(updated_from)
    if updated_to is not None:
        filters["backend_last_updated__lte"] = iso_utc(updated_to)
    return filters


def window_matcher(updated_from, updated_to):
    """The same window on our side, for a server that ignores the filter; None when there is no window.

    An alert whose ``backend_last_updated`` says nothing ("No data", null) is outside every window.
    """
    if updated_from is None and updated_to is None:
        return None

    def keep(alert):
        moment = parse_time(alert.get("backend_last_updated"))
        if moment is None:
            return False
        # The API's times have whole seconds; compare at that precision.
        moment = moment.replace(microsecond=0)
        return ((updated_from is None or moment >= updated_from.replace(microsecond=0))
                and (updated_to is None or moment <= updated_to.replace(microsecond=0)))

    return keep


def all_of(*tests):
    tests = [t for t in tests if t is not None]
    if not tests:
        return None
    return lambda entry: all(t(entry) for t in tests)
