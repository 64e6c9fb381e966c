# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bulk device sync: plan the adds/deletes that make the tenant match a list, then run them concurrently.

The plan is pure (current + desired -> operations) so it can be tested and
shown in check mode; execution reports one result per device and never stops
the batch on one failure.
"""

import difflib
import time

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk, devices, diffs, guards, registrations, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.codes import UNREGISTERED
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import ROOT_NAME
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import path_id
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import drift, email_key, keep_unasked
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ModuleTask

from concurrent.futures import ThreadPoolExecutor

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
    default_groups = devices.validate_groups(params["default_groups"], "default_groups")
    raw = [("devices[%d]" % i, item) for i, item in enumerate(params["devices"])]
    if params["devices_file"]:
        raw += devices.read_file(params["devices_file"])
    entries = [devices.entry(item, field, default_groups) for field, item in raw]
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


def copy_deletes(copies, ops):
    """Deletes of every identical copy but the oldest (``identical_copies``) that ``ops`` does not delete yet."""
    planned = set(op.get("device_id") for op in ops if op["action"] in ("delete", "recreate"))
    return [{"action": "delete", "email": extra["email"], "device_id": extra["id"],
             "reason": "identical copy of device %s" % found[0]["id"]}
            for found in copies for extra in found[1:] if extra["id"] not in planned]


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


class SyncRunner:
    """Runs the write operations of a plan with bounded concurrency; one result per operation."""

    def __init__(self, tenant, gate, send_reg_email=None, send_reg_sms=None):
        self.tenant = tenant
        self.gate = gate
        self.client = tenant.client
        self.concurrency = self.client.concurrency
        self.send_reg_email = send_reg_email
        self.send_reg_sms = send_reg_sms

    def run(self, ops):
        writes = [op for op in ops if op["action"] in WRITE_ACTIONS]
        if not writes:
            return ops
        # One token before the threads start, so they share it instead of racing to log in.
        self.client.ensure_token()
        if self.concurrency == 1 or len(writes) == 1:
            for op in writes:
                self.run_one(op)
        else:
            with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
                list(pool.map(self.run_one, writes))
        return ops

    def run_one(self, op):
        try:
            if op["action"] in ("delete", "recreate"):
                self.gate.delete_admitted(op["device_id"])
            if op["action"] in ("add", "recreate"):
                entry = op["entry"]
                op["new_device_id"] = self.client.add_device(
                    entry["name"], entry["email"], entry.get("number"), entry.get("groups"),
                    self.send_reg_email, self.send_reg_sms,
                    find_created=find_created(self.tenant, entry, op.get("known_ids", ())))
            bulk.succeeded(op)
        except (ApiError, UserError) as err:
            bulk.failed(op, err)
        return op


class TenantSync(ModuleTask):
    """One sync of a tenant's devices to a list: read, plan, one guard over every delete, the writes (none in
    check mode), the check for copies after adds, and the report. ``failure`` says why a run that wrote what
    it could must still fail."""

    failure = None

    def run(self, fields, entries):
        """Sync ``entries`` (with ``fields``, their labels for messages), into the module's result and diff."""
        current = self.tenant.snapshot()[1]
        gate = guards.DeleteGate(self.client, "devices", self.options)
        tree = self.tenant.group_tree()
        known = run_plan.known_groups(tree.by_name, self.options, self.check_mode)
        devices.check_groups(entries, fields, known, self.check_mode,
                             extra=[(name, "purge_groups") for name in self.options["purge_groups"] or []])
        scopes = self.purge_scopes(tree)
        scope_names = sorted(set().union(*scopes.values())) if scopes else []
        ops = plan(current, entries, self.options["purge"], scope_names, self.options["recreate"])
        copies = self.report_copies(current)
        if self.options["remove_duplicates"]:
            ops += copy_deletes(copies, ops)
        # Every delete of the run is planned now: the one guard sees them all, before any write.
        self.guard_deletes(gate, ops, current, scopes, scope_names, copies, len(entries))
        writes = [op for op in ops if op["action"] in WRITE_ACTIONS]
        drifted = [op for op in ops if op["action"] == "drift"]
        if drifted:
            self.warn("%d device(s) differ from the list and were left as they are (recreate=false): %s" % (
                len(drifted), ", ".join(op["email"] for op in drifted[:10])))
        if self.check_mode:
            bulk.mark_planned(ops, WRITE_ACTIONS)
        else:
            SyncRunner(self.tenant, gate, self.options["send_reg_email"], self.options["send_reg_sms"]).run(ops)
            for op in drifted:
                op["result"] = bulk.SKIPPED
        # What happened: in check mode the plan, otherwise only the writes that succeeded.
        done = [op for op in ops if op.get("result") != bulk.FAILED]
        done_writes = [op for op in done if op["action"] in WRITE_ACTIONS]
        after_model = apply_to_model(current, done)
        if not self.check_mode:
            adds = [(op["entry"], op.get("known_ids", ()))
                    for op in ops if op["action"] in ("add", "recreate") and op.get("result") == bulk.OK]
            self.result["duplicates_removed"] = verify_adds(
                self.tenant, gate, adds, settle_seconds(self.client), expected_total=len(after_model))
        # A plan shows drift as a change (the tenant differs from the list); a run reports only its writes.
        self.result["changed"] = bool(done_writes) or (self.check_mode and bool(drifted))
        self.result["predicted"] = self.check_mode
        self.result["total_before"] = len(current)
        self.result["total_after"] = len(after_model)
        self.result["purge_scope"] = self.purge_report(scopes, current, done_writes)
        self.set_diff(*diffs.devices_diff(current, done_writes + drifted, len(current), len(after_model)))
        reported = [self.public(op) for op in ops if op["action"] != "unchanged"]
        unchanged = sum(1 for op in ops if op["action"] == "unchanged")
        self.result["summary"] = bulk.summary(reported, ITEM_ACTIONS, unchanged)
        self.result["devices"] = reported
        failed = [op for op in reported if op.get("result") == bulk.FAILED]
        if failed and not self.options["allow_partial"]:
            self.failure = ("%d of %d device writes failed (first: %s: %s); the other %d were written and a re-run "
                            "continues from here" % (len(failed), len(writes), failed[0]["email"], failed[0]["error"],
                                                     len(writes) - len(failed)))

    def guard_deletes(self, gate, ops, current, scopes, scope_names, copies, desired_count):
        """The delete gate admits every delete of the plan, or refuses the run: the purge's, the identical copies'
        and the recreates' (a recreate deletes the device first: the phone must register again)."""
        deletes = guards.deletes_in(ops)
        scope = set(scope_names)
        in_scope = set(d["id"] for d in current if scope.intersection(d.get("groups") or []))
        where = []
        if scope_names:
            where.append("purge_groups (%s)" % ", ".join(sorted(scopes)))
        if self.options["remove_duplicates"] and copies:
            in_scope.update(d["id"] for found in copies for d in found)
            where.append("identical copies")
        if self.options["recreate"]:
            # What a recreate may touch: every device the list names.
            in_scope.update(op["device_id"] for op in ops if op.get("device_id") and op["action"] != "delete")
            where.append("the devices of the list (recreate)")
        # Recreates alone delete only devices the list names: the floor may reach the whole scope for them, never
        # for a purge's or the copies' deletes.
        gate.admit([(op["device_id"], delete_label(op)) for op in deletes], len(in_scope),
                   " and ".join(where) or "the tenant",
                   desired_field="devices" if self.options["purge"] else None, desired_count=desired_count,
                   named=all(op["action"] == "recreate" for op in deletes))

    def purge_scopes(self, tree):
        """{purge group named by the user: names of the groups its purge covers} (itself, and with
        purge_subgroups every group below it)."""
        scopes = {}
        for name in self.options["purge_groups"] or []:
            group = tree.by_name.get(name)
            scopes[name] = set(tree.subtree_names(group["id"]) if group and self.options["purge_subgroups"] else [name])
        return scopes

    @staticmethod
    def purge_report(scopes, current, done_writes):
        deleted = set(op["device_id"] for op in done_writes if op["action"] == "delete")
        report = []
        for name in sorted(scopes):
            in_scope = [d for d in current if scopes[name].intersection(d.get("groups") or [])]
            report.append({"group": name, "groups": sorted(scopes[name]), "devices": len(in_scope),
                           "deleted": sum(1 for d in in_scope if d["id"] in deleted)})
        return report

    def report_copies(self, current):
        """Users holding identical unregistered copies (overlapping runs of 1.0.0, or another tool), in the result
        and, unless remove_duplicates deletes them, a warning."""
        copies = identical_copies(current)
        self.result["duplicates"] = [{"email": found[0]["email"], "name": found[0]["name"],
                                      "device_ids": [d["id"] for d in found], "keep": found[0]["id"]} for found in copies]
        if copies and not self.options["remove_duplicates"]:
            self.warn("%d user(s) hold identical copies of a device (first: %s, ids %s); set "
                      "remove_duplicates: true to keep only the oldest copy of each" % (
                          len(copies), copies[0][0]["email"], ", ".join(d["id"] for d in copies[0])))
        return copies

    @staticmethod
    def public(op):
        return {k: v for k, v in op.items() if k not in ("entry", "known_ids")}


class DeviceState(ModuleTask):
    """One device brought to a state (hm_device): present adds it, or re-adds it when it drifted and
    ``recreate`` is set, then checks for copies; absent deletes each checked device by id."""

    def find(self, email, name):
        """How many devices the tenant held, the user's devices, and the one this task is about (None: add
        it), by the identity rule.

        Always from the device list, compared case-insensitively: a "not found" from call 9 may only mean
        that the server matched the e-mail's case exactly, and trusting it would add a second device.
        """
        tenant_count, found = self.tenant.user_devices(email)
        return tenant_count, found, devices.select(found, email, name, self.options["additional_device"])

    def present(self):
        wanted = devices.entry({"email": self.options["email"], "name": self.options["name"],
                                "number": self.options["number"], "groups": self.options["groups"]})
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The group list and the device list are independent reads: one round trip less on a WAN.
            groups = pool.submit(self.tenant.group_tree) if wanted["groups"] else None
            tenant_count, found, current = self.find(wanted["email"], wanted["name"])
            if groups is not None:
                known = run_plan.known_groups(groups.result().by_name, self.options, self.check_mode)
                devices.check_groups([wanted], ["groups"], known, self.check_mode)
        if current is not None:
            drifted_fields = devices.drift(wanted, current)
            self.result["drift"] = drifted_fields
            self.result["device"] = current
            if not drifted_fields:
                return
            if not self.options["recreate"]:
                self.warn("Device %s (id %s) differs in %s; the API cannot update a device, so nothing was "
                          "changed. Use recreate=true to delete and re-add it (it must register again)." % (
                              current["email"], current["id"], ", ".join(drifted_fields)))
                # A plan shows drift as a change, with old and new values; a run reports only its writes.
                self.result["changed"] = self.check_mode
                drift_lines = diffs.drift_lines(wanted, current, drifted_fields)
                self.set_diff(diffs.device_view(current), dict(diffs.device_view(current), drift=drift_lines))
                return
        if current is not None:
            # Re-adding must not lose what the task did not mention.
            wanted = devices.keep_unasked(wanted, current)
        after = dict(current or {}, email=wanted["email"], name=wanted["name"], number=wanted["number"],
                     groups=sorted(wanted["groups"] or [ROOT_NAME]), id=None)
        # A recreate deletes the device first: the gate counts it, in check mode too.
        gate = guards.DeleteGate(self.client, "devices", self.options)
        gate.admit([(current["id"], delete_label(dict(current, action="recreate", device_id=current["id"])))]
                   if current is not None else [], tenant_count, "the tenant", named=True)
        self.result["changed"] = True
        self.set_diff(dict(diffs.device_view(current), email=current["email"]) if current else None,
                      dict(diffs.device_view(after, with_id=False), email=after["email"]))
        if self.check_mode:
            self.result["device"] = after
            return
        if current is not None:
            gate.delete_admitted(current["id"])
        known_ids = [d["id"] for d in found]
        new_id = self.client.add_device(wanted["name"], wanted["email"], wanted["number"], wanted["groups"],
                                        self.options["send_reg_email"], self.options["send_reg_sms"],
                                        find_created=find_created(self.tenant, wanted, known_ids))
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The new record and the check for copies are independent reads: one round trip, not two.
            fetched = pool.submit(self.client.get_device, new_id)
            # The count this task's read found, plus its add: if the tenant holds exactly that, no other run
            # added anything since (the same rule hm_device_sync follows).
            removed = verify_adds(self.tenant, gate, [(wanted, known_ids)], settle_seconds(self.client),
                                  expected_total=tenant_count + (0 if current else 1))
            self.result["duplicates_removed"] = removed
            device = None if new_id in removed else fetched.result()
        if device is not None:
            device = self.tenant.normalised([device])[0]
        else:
            # Another run added the same device at the same moment and its copy (the older one) stayed.
            device = next((d for d in self.tenant.devices_of(wanted["email"]) if d["name"] == wanted["name"]), None)
        self.result["device"] = device or dict(after, id=new_id)

    def absent(self):
        """Delete the device the task names (by id: only if it is the device the given name and e-mail say), or
        every device of one e-mail (with a name, only the one with exactly that name), through the delete gate.
        Nothing to delete is no change, and the result's ``msg`` says so with the closest names there are."""
        self.result["device"] = {}
        self.result["deleted"] = []
        options = self.options
        name = options["name"]
        email = validate_email(options["email"]) if options["email"] is not None else None
        if options["device_id"] is not None:
            path_id(options["device_id"], "device_id")
            device = self.tenant.device(options["device_id"])
            if device is None:
                return self.nothing_to_delete(self.tenant.all_devices(), email, name)
            mismatches = devices.identity_mismatches(device, name, email)
            if mismatches:
                options_given = " and ".join(option for option, _given, _actual in mismatches)
                raise UserError("device_id: device %s does not match the %s given beside it; nothing was deleted (%s). "
                                "Correct device_id, or leave out %s to delete device %s whoever's it is" % (
                                    device["id"], options_given,
                                    "; ".join("%s given %r, device %s has %r" % (option, given, device["id"], actual)
                                              for option, given, actual in mismatches),
                                    options_given, device["id"]))
            targets = [device]
            # The scope of a percentage is the tenant: its size from one small page, the list when it says none.
            tenant_count = self.client.device_count() or len(self.tenant.all_devices())
        else:
            records = self.tenant.all_devices()
            tenant_count, targets = len(records), [d for d in records if devices.same_user(d["email"], email)]
            if name:
                # A delete takes only the device with exactly that name: never a namesake by e-mail alone.
                targets = [d for d in targets if d["name"] == name]
            if not targets:
                return self.nothing_to_delete(records, email, name)
        # Every device of one e-mail may be many (a shared account): the gate counts them, in check mode too.
        gate = guards.DeleteGate(self.client, "devices", options)
        gate.admit([(d["id"], delete_label(dict(d, action="delete", device_id=d["id"]))) for d in targets],
                   tenant_count, "the tenant", named=True)
        self.result["changed"] = True
        self.set_diff({"devices": {d["id"]: dict(diffs.device_view(d), email=d["email"]) for d in targets}},
                      {"devices": {}})
        self.result["deleted"] = [d["id"] for d in targets]
        if self.check_mode:
            return
        # One delete per checked device (call 11), never call 10's DELETE ?user_email=: a service that ignored
        # that filter would delete every device of the tenant (docs/api-notes.md, "Delete by e-mail").
        for device in targets:
            gate.delete_admitted(device["id"])

    def nothing_to_delete(self, records, email, name):
        """No change, and a message that says nothing was deleted and why, naming the closest devices there are
        (an id, e-mail or name mistyped deletes nothing, and the user should know)."""
        options = self.options
        if options["device_id"] is not None:
            what = "with device_id %s" % options["device_id"]
        else:
            what = "of %s" % email + (" named %r" % name if name else "")
        hints = []
        if options["device_id"] is not None:
            hints.append(("ids", difflib.get_close_matches(str(options["device_id"]).strip(),
                                                           [d["id"] for d in records], 3)))
        users = devices.by_user(records)
        own = users.get(devices.email_key(email), []) if email else []
        if email and not own:
            emails = sorted(set(d["email"] for d in records if d["email"]))
            hints.append(("e-mails", difflib.get_close_matches(email, emails, 3, 0.6)))
        if name:
            # The user's own devices are the likeliest; otherwise any device's name.
            names = [d["name"] for d in own] if own else sorted(set(d["name"] for d in records if d["name"]))
            hints.append(("names", [repr(found) for found in difflib.get_close_matches(name, names, 3,
                                                                                       0.0 if own else 0.6)]))
        closest = "; ".join("closest %s: %s" % (kind, ", ".join(found)) for kind, found in hints if found)
        self.result["msg"] = "Nothing was deleted: no device %s exists%s" % (
            what, " (%s)" % closest if closest else " (the tenant holds %d devices)" % len(records))
