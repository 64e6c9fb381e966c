# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times: the one parser for every time the collection reads, from users and from the API.

Users give time bounds (``from``/``to``, ``updated_from``/``updated_to``) as ISO 8601, ``MM/DD/YYYY HH:MM:SS``,
epoch milliseconds or an age such as ``24h``; the API sends the same forms, RFC 2822 dates and "No data".
Times without a zone are UTC.
"""

import datetime
import email.utils
import re

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

UTC = datetime.timezone.utc
NO_DATA = ("", "no data", "none", "null", "n/a", "na", "-")
FORMS = "ISO 8601 (2026-11-23T08:00:00Z), 11/23/2026 08:00:00, epoch milliseconds, or an age such as 24h or 7d"
_AGE = re.compile(r"^(\d+)\s*([smhdw])$")
_AGE_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TEXT_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z",
                 "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})?$")
# Below this, a bare number is epoch seconds (1e11 ms is March 1973; 1e11 s is in the year 5138).
_SECONDS_BELOW = 1e11


def parse(value):
    """An aware UTC datetime from any time form the API sends, or None (no data, or not a time)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000.0 if value >= _SECONDS_BELOW else float(value)
        try:
            return datetime.datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if text.lower() in NO_DATA:
        return None
    if text.isdigit():
        return parse(int(text))
    if _ISO.match(text):
        # The form reports and most answers use, read fast: a 20,000-device report reads 40,000 of them.
        try:
            parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        except ValueError:
            pass
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


def bound(value, field, now=None):
    """A user's time bound in any of :data:`FORMS`; None when not given. Refused naming ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    age = _AGE.match(text.lower())
    if age:
        now = now or datetime.datetime.now(UTC)
        return now - datetime.timedelta(seconds=int(age.group(1)) * _AGE_SECONDS[age.group(2)])
    moment = parse(text)
    if moment is None:
        raise UserError("%s: %r is not a time (use %s)" % (field, value, FORMS))
    return moment


def window(start, end, start_field, end_field, now=None):
    """(start, end) bounds of a window, refused when the start is not before the end."""
    start_moment, end_moment = bound(start, start_field, now), bound(end, end_field, now)
    if start_moment is not None and end_moment is not None and start_moment >= end_moment:
        raise UserError("%s: %s is not before %s %s" % (start_field, start, end_field, end))
    return start_moment, end_moment


def iso_utc(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def epoch_ms(moment):
    return int(round(moment.timestamp() * 1000)) if moment is not None else None


def guide_text(moment):
    """The guide's audit time format, ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment is not None else None


def within(moment, start, end, end_inclusive=True):
    """Whether ``moment`` (a datetime or None) lies in [start, end]; the API's times have whole seconds."""
    if moment is None:
        return False
    moment = moment.replace(microsecond=0)
    if start is not None and moment < start.replace(microsecond=0):
        return False
    if end is not None:
        end = end.replace(microsecond=0)
        return moment <= end if end_inclusive else moment < end
    return True
