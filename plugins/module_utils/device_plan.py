# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hm_device_sync's plan (pure): the tenant's devices and the desired list in, one operation per device touched or
checked out; ``apply_to_model`` shows what the tenant holds after it (tests and check mode's diff)."""

from ansible_collections.secops.mobile_security.plugins.module_utils import device_input, devices
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import drift, email_key, keep_unasked
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import ROOT_NAME

MAX_CONCURRENCY = 32
WRITE_ACTIONS = ("add", "delete", "recreate")
# Every action an item of hm_device_sync can carry, for the summary (bulk.summary).
ITEM_ACTIONS = WRITE_ACTIONS + ("drift",)


def duplicate_emails(entries):
    seen, dups = {}, {}
    for index, item in enumerate(entries):
        key = email_key(item["email"])
        if key in seen:
            dups.setdefault(key, [seen[key]]).append(index)
        else:
            seen[key] = index
    return dups


def desired_entries(params):
    """(labels naming each entry for messages, validated entries) of hm_device_sync's devices and devices_file."""
    concurrency = params["concurrency"]
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UserError("concurrency: %r must be between 1 and %d" % (concurrency, MAX_CONCURRENCY))
    if params["purge_groups"] and not params["purge"]:
        raise UserError("purge_groups: %s is only used with purge: true; without it nothing is deleted" % (
            ", ".join(params["purge_groups"])))
    default_groups = device_input.validate_groups(params["default_groups"], "default_groups")
    raw = [("devices[%d]" % i, item) for i, item in enumerate(params["devices"])]
    if params["devices_file"]:
        raw += device_input.read_file(params["devices_file"])
    entries = [device_input.entry(item, field, default_groups) for field, item in raw]
    dups = duplicate_emails(entries)
    if dups:
        shown = ["%s (%s)" % (email, ", ".join(raw[i][0] for i in idx)) for email, idx in sorted(dups.items())[:10]]
        raise UserError("devices: duplicate emails, each email may appear once: %s" % "; ".join(shown))
    return [field for field, _item in raw], entries


def plan(current, desired, purge=False, purge_groups=None, recreate=False):
    """Operations, one per device touched or checked (the same argument order as group_tree.plan).

    ``current``: normalised devices. ``desired``: validated entries with unique emails.
    Purge deletes only devices in at least one of ``purge_groups``.
    """
    by_email = devices.by_user(current)
    purge_scope = set(purge_groups or [])

    def purgeable(device):
        return purge and bool(purge_scope.intersection(device.get("groups") or []))

    ops = []
    wanted_keys = set()
    for item in desired:
        key = email_key(item["email"])
        wanted_keys.add(key)
        found = by_email.get(key, [])
        if not found:
            ops.append({"action": "add", "email": item["email"], "entry": item})
            continue
        # Prefer a device that already matches, so a user's second device never hides the right one.
        chosen = next((d for d in found if d.get("name") == item["name"] and not drift(item, d)),
                      next((d for d in found if d.get("name") == item["name"]), found[0]))
        for extra in found:
            if extra is not chosen and purgeable(extra):
                ops.append({"action": "delete", "email": extra["email"], "device_id": extra["id"],
                            "reason": "second device for this email"})
        fields = drift(item, chosen)
        if not fields:
            ops.append({"action": "unchanged", "email": item["email"], "device_id": chosen["id"]})
        elif recreate:
            ops.append({"action": "recreate", "email": item["email"], "device_id": chosen["id"],
                        "entry": keep_unasked(item, chosen),
                        "fields": fields, "known_ids": [d["id"] for d in found]})
        else:
            ops.append({"action": "drift", "email": item["email"], "device_id": chosen["id"], "fields": fields,
                        "entry": item})
    for key in sorted(by_email):
        if key in wanted_keys:
            continue
        for device in by_email[key]:
            if purgeable(device):
                ops.append({"action": "delete", "email": device["email"], "device_id": device["id"],
                            "reason": "not in the list"})
    return ops


def delete_label(op):
    """How the delete guard names a device it counts."""
    return "%s (id %s%s)" % (op["email"], op["device_id"], ", recreate" if op["action"] == "recreate" else "")


def apply_to_model(current, ops):
    """What the tenant holds after the plan, without any API (tests and check-mode diff)."""
    by_id = {d["id"]: dict(d) for d in current}
    next_id = 10 ** 9
    for op in ops:
        if op["action"] in ("delete", "recreate"):
            by_id.pop(op["device_id"], None)
        if op["action"] in ("add", "recreate"):
            entry = op["entry"]
            next_id += 1
            by_id[str(next_id)] = {"id": str(next_id), "email": entry["email"], "name": entry["name"],
                                   "number": entry.get("number"), "groups": sorted(entry.get("groups") or [ROOT_NAME])}
    return list(by_id.values())
