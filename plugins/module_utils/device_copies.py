# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copies of a device: the identical unregistered copies a tenant holds, the copies a run's own adds made
(``verify_adds``: the lowest id stays, the others go through the delete gate), and, for an add left in doubt,
which device it created (``find_created``)."""

import time

from ansible_collections.secops.mobile_security.plugins.module_utils import devices, registrations
from ansible_collections.secops.mobile_security.plugins.module_utils.codes import UNREGISTERED
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import drift, email_key


def copy_deletes(copies, ops):
    """Deletes of every identical copy but the oldest (``identical_copies``) that ``ops`` does not delete yet."""
    planned = set(op.get("device_id") for op in ops if op["action"] in ("delete", "recreate"))
    return [{"action": "delete", "email": extra["email"], "device_id": extra["id"],
             "reason": "identical copy of device %s" % found[0]["id"]}
            for found in copies for extra in found[1:] if extra["id"] not in planned]


def settle_seconds(client):
    """How long to wait for a write the client gave up on to land before checking for it."""
    return min(5.0, client.timeout)


def verify_adds(tenant, gate, adds, settle, sleep=time.sleep, expected_total=None):
    """After adds: make concurrent or repeated adds of the same device converge on one copy.

    ``adds``: (entry, ids that e-mail had when this run read the list) per device added. Another run
    adding the same devices at the same moment (an AWX schedule overlapping a manual run), or a write in
    doubt that the service applied anyway, leaves identical copies: same e-mail (any case), name, number
    and groups, all created since this run's read. Every run applies the same rule on its own: the lowest
    id stays, the other copies go, through the run's delete gate (``gate.delete_copy``: their own kind, counted
    in ``duplicates_removed``, never against ``max_deletes``). Older devices are never touched. Returns the
    removed ids.

    ``expected_total``: how many devices the tenant holds if nobody else wrote since this run's read. When
    every write got an answer and the tenant's count is exactly that, no copy can exist, and one small page
    replaces reading the whole list. Any other count (another run's adds) means the full check.
    """
    if not adds:
        return []
    client = tenant.client
    if client.in_doubt_writes:
        sleep(settle)  # a write that got no answer may still land
    elif expected_total is not None and client.device_count() == expected_total:
        return []
    by_email = devices.by_user(tenant.all_devices())
    removed = []
    for entry, known_ids in adds:
        known = set(str(i) for i in known_ids or ())
        # Entries always carry a name, so "no drift" means same name too (and same number and groups if asked).
        copies = [d for d in by_email.get(email_key(entry["email"]), [])
                  if d["id"] not in known and d["id"] not in removed and not drift(entry, d)]
        if len(copies) < 2:
            continue
        keep = min(copies, key=creation_order)["id"]
        for device in copies:
            # False: the other run got there first, which is the same outcome.
            if device["id"] != keep and gate.delete_copy(device["id"], known, keep):
                removed.append(device["id"])
    return removed


def identical_copies(current):
    """Users holding identical devices (same e-mail, name, number, groups) not yet registered: [[devices], ...]."""
    groups = {}
    for device in current:
        if device.get("status_code") is not None and device["status_code"] not in UNREGISTERED:
            continue  # registered: a real phone, not a copy
        key = (email_key(device["email"]), device.get("name"), device.get("number") or None,
               tuple(sorted(device.get("groups") or [])))
        groups.setdefault(key, []).append(device)
    return [sorted(found, key=creation_order) for _key, found in sorted(groups.items()) if len(found) > 1]


def creation_order(device):
    """Sort key: the service numbers devices as it creates them; a non-numeric id sorts last."""
    device_id = str(device["id"])
    return (0, int(device_id)) if device_id.isdigit() else (1, device_id)


def find_created(tenant, entry, known_ids):
    """For an add left in doubt: a callable that gives the id of the device that add created, or None (it was
    not created). Call 9's answer is a hint, taken only when that device is this user's (the identity rule)
    with this name: its e-mail match may be case-sensitive, or a service may ignore the filter and answer
    another device. Otherwise the device list decides. ``known_ids``: the user's devices before the add."""
    known = {str(i) for i in known_ids}

    def ours(device):
        return device["id"] not in known and devices.same_user(device["email"], entry["email"]) and \
            device["name"] == entry["name"]

    def find():
        details = registrations.details_by_email(tenant.client, entry["email"])
        candidate = str(details["id"]) if isinstance(details, dict) and details.get("id") is not None else None
        if candidate is not None and candidate not in known:
            raw = tenant.client.get_device(candidate)
            found = tenant.normalised([raw] if isinstance(raw, dict) else [])
            if found and found[0]["id"] == candidate and ours(found[0]):
                return candidate
        return next((device["id"] for device in tenant.devices_of(entry["email"]) if ours(device)), None)

    return find
