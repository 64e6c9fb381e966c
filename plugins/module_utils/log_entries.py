# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alerts and audits (calls 13, 19): the resource's filter table, reading past a cursor, every page, in id
order, with every bound checked again on each entry. What an alert looks like is ``alerts.py``'s."""

import datetime

from ansible_collections.secops.mobile_security.plugins.module_utils import alerts as alert_shapes
from ansible_collections.secops.mobile_security.plugins.module_utils import times
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

# The filters of v3/alert and v3/audit as the API names them: the only place they appear. The id bounds are
# the guide's; the alert time window is not in the guide (production connectors use it, field notes); audits
# take the guide's time__gt.
FILTERS = {"after": "id__gt", "before": "id__lt",
           "alert_from": "backend_last_updated__gte", "alert_to": "backend_last_updated__lte",
           "audit_after": "time__gt"}
FILTER_NAMES = {"alert": frozenset((FILTERS["after"], FILTERS["before"], FILTERS["alert_from"], FILTERS["alert_to"])),
                "audit": frozenset((FILTERS["after"], FILTERS["audit_after"]))}


def entry_id(entry):
    try:
        return int(entry.get("id"))
    except (TypeError, ValueError, AttributeError):
        return None


def cursor(value, field):
    if value is None:
        return None
    text = str(value).strip()
    if not text.isdigit():
        raise UserError("%s: %r must be a non-negative whole number (an id)" % (field, value))
    return int(text)


def read(client, kind, filters, since_id=None, limit=None, keep=None, before_id=None):
    """(entries sorted by id, cursor to store). ``keep`` filters client-side.

    The id bounds are sent (``id__gt``, ``id__lt``) and checked again here on every entry: a service that
    ignored them would otherwise hand back entries a cursor already covered (events emitted twice).
    The cursor covers every entry read, kept or not, so storing it never re-reads one; when ``limit``
    cuts the list it is the last entry returned, so the entries cut off are read next time.
    """
    query = dict(filters)
    if since_id is not None:
        query[FILTERS["after"]] = since_id
    if before_id is not None:
        query[FILTERS["before"]] = before_id
    entries, newest = [], since_id
    for entry in client.log_entries(kind, query):
        number = entry_id(entry)
        if number is not None and ((since_id is not None and number <= since_id)
                                   or (before_id is not None and number >= before_id)):
            continue
        if number is not None and (newest is None or number > newest):
            newest = number
        if keep is None or keep(entry):
            entries.append(entry)
    entries.sort(key=lambda e: (entry_id(e) is None, entry_id(e)))
    if limit is not None and len(entries) > limit:
        entries = entries[:limit]
        newest = entry_id(entries[-1])
    return entries, newest


def alert_window(updated_from, updated_to):
    """The filters for an alert time window; the same window is checked on each alert (alerts.window_matcher)."""
    filters = {}
    if updated_from is not None:
        filters[FILTERS["alert_from"]] = times.iso_utc(updated_from)
    if updated_to is not None:
        filters[FILTERS["alert_to"]] = times.iso_utc(updated_to)
    return filters


def alerts(client, since_id=None, before_id=None, severity=None, updated_from=None, updated_to=None, limit=None):
    """(alerts oldest first, normalised; cursor to store). Bounds are datetimes (times.bound); the window
    and id bounds are sent and checked again on each alert, severities only here (any vocabulary)."""
    keep = alert_shapes.all_of(alert_shapes.severity_matcher(severity),
                               alert_shapes.window_matcher(updated_from, updated_to))
    entries, newest = read(client, "alert", alert_window(updated_from, updated_to), since_id, limit, keep, before_id)
    return [alert_shapes.normalise(entry) for entry in entries], newest


def audits(client, since_id=None, start=None, end=None, module=None, limit=None):
    """(audit entries oldest first; cursor to store). ``start`` is sent as the guide's time filter (one second
    earlier: at or after); the window and the module (any case, never sent: the service's match may be
    case-sensitive) are checked on each entry."""
    filters = {}
    if start is not None:
        filters[FILTERS["audit_after"]] = times.guide_text(start - datetime.timedelta(seconds=1))
    wanted = module.lower() if module is not None else None

    def keep(entry):
        if wanted is not None and str(entry.get("module") or "").strip().lower() != wanted:
            return False
        return (start is None and end is None) or times.within(times.parse(entry.get("time")), start, end)

    return read(client, "audit", filters, since_id, limit, keep)
