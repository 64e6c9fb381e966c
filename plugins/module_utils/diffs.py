# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The diff every module shows (docs/conventions.md, "Diffs"): what a reviewer of ``--check --diff`` reads.

Each side maps the objects that appear, disappear or differ, by their identity, to their fields: an object
that is deleted is present before and absent after, an added one absent before and present after with all
its fields, a changed one present on both sides with the old and the new value. A difference the run leaves
as it is (device drift without ``recreate``) stays the same on both sides and gains a ``drift`` line on the
after side: ``groups: Field -> Presales (needs recreate=true)``. Bulk modules add the ``count`` of objects.
"""

from collections import Counter

from ansible_collections.secops.mobile_security.plugins.module_utils.devices import email_key

DEVICE_FIELDS = ("name", "number", "groups")


def shown(value):
    """A field's value as a diff line reads it."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "(none)"
    return "(none)" if value in (None, "") else str(value)


def device_view(device, with_id=True):
    view = {field: device.get(field) for field in DEVICE_FIELDS}
    view["groups"] = sorted(view["groups"] or [])
    if with_id and device.get("id") is not None:
        view["id"] = device["id"]
    return view


def drift_lines(wanted, current, fields, option="recreate"):
    """``field: old -> new (needs recreate=true)`` for each field in which a device differs from what is asked."""
    lines = []
    for field in fields:
        old, new = current.get(field), wanted.get(field)
        if field == "groups":
            old, new = sorted(old or []), sorted(new or [])
        lines.append("%s: %s -> %s (needs %s=true)" % (field, shown(old), shown(new), option))
    return lines


def users_with_several(emails):
    """The users (by the identity rule) with more than one device among ``emails``: each of their devices is
    keyed by its id, so no line of the diff hides another."""
    return {user for user, count in Counter(email_key(email) for email in emails).items() if count > 1}


def device_key(email, device_id, with_id=False):
    """A device's key in a diff: its e-mail, or ``email (id N)`` with ``with_id``; ``(no e-mail) (id N)`` for a
    record without an e-mail, whatever ``with_id`` says."""
    if not email_key(email):
        return "(no e-mail) (id %s)" % device_id
    return "%s (id %s)" % (email, device_id) if with_id else email


def devices_diff(current, ops, count_before, count_after):
    """Both sides of a device diff from a plan's (or a run's) operations.

    Keyed by e-mail; a second device of the same user (a copy, a second device for the e-mail) by
    ``email (id N)``, a record without an e-mail by ``(no e-mail) (id N)`` (:func:`device_key`). ``ops`` holds
    only what the diff shows: writes that happened (or are planned) and drift.
    """
    by_id = {d["id"]: d for d in current}
    several = users_with_several(op["email"] for op in ops)
    before, after = {}, {}
    for op in ops:
        action = op["action"]
        device = by_id.get(op.get("device_id"))
        if action == "add":
            after[op["email"]] = device_view(op["entry"], with_id=False)
        elif action == "delete":
            with_id = op.get("reason") not in (None, "not in the list") or email_key(op["email"]) in several
            before[device_key(op["email"], op["device_id"], with_id)] = device_view(device or op)
        elif action == "recreate":
            before[op["email"]] = device_view(device)
            after[op["email"]] = device_view(op["entry"], with_id=False)
        elif action == "drift":
            before[op["email"]] = device_view(device)
            after[op["email"]] = dict(device_view(device), drift=drift_lines(op["entry"], device, op["fields"]))
    return {"count": count_before, "devices": before}, {"count": count_after, "devices": after}


def groups_diff(ops, count_before, count_after):
    """Both sides of a group-tree diff, keyed by group name, each with its path; a moved group also with the
    devices whose scope the move changes (``devices``, on both sides)."""
    before, after = {}, {}
    for op in ops:
        if op["action"] in ("move", "delete"):
            before[op["name"]] = {"path": op["from_path"] if op["action"] == "move" else op["path"]}
        if op["action"] in ("create", "move"):
            after[op["name"]] = {"path": op["path"]}
        if op["action"] == "move" and "devices" in op:
            before[op["name"]]["devices"] = after[op["name"]]["devices"] = op["devices"]
    return {"count": count_before, "groups": before}, {"count": count_after, "groups": after}
