# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alerts and audits (v3): reading past a cursor, every page, in id order."""

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


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
        query["id__gt"] = since_id
    if before_id is not None:
        query["id__lt"] = before_id
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
