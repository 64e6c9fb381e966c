# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hm_device's state class: one device brought to a state (present, absent), the identity check beside
``device_id``, and what ``state: absent`` says when there is nothing to delete."""

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secops.mobile_security.plugins.module_utils import device_input, devices, diffs, guards, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.device_copies import (
    find_created, settle_seconds, verify_adds)
from ansible_collections.secops.mobile_security.plugins.module_utils.device_plan import delete_label
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import ROOT_NAME
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import path_id
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ModuleTask
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import closest, validate_email


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
        wanted = device_input.entry({"email": self.options["email"], "name": self.options["name"],
                                     "number": self.options["number"], "groups": self.options["groups"]})
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The group list and the device list are independent reads: one round trip less on a WAN.
            groups = pool.submit(self.tenant.group_tree) if wanted["groups"] else None
            tenant_count, found, current = self.find(wanted["email"], wanted["name"])
            if groups is not None:
                known = run_plan.known_groups(groups.result().by_name, self.options, self.check_mode)
                device_input.check_groups([wanted], ["groups"], known, self.check_mode)
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
            device_id, records = str(options["device_id"]).strip(), None
            if device_id.isdigit():
                device = self.tenant.device(device_id)
            else:
                # Device ids are whole numbers, and the service answers HTTP 400 when asked for another (1O typed
                # for 10): such an id is looked for in the list instead, so a typo deletes nothing and says so.
                records = self.tenant.all_devices()
                device = next((d for d in records if d["id"] == device_id), None)
            if device is None:
                return self.nothing_to_delete(self.tenant.all_devices() if records is None else records, email, name)
            devices.check_identity(device, name, email, "nothing was deleted", "delete")
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
            hints.append(("ids", closest(options["device_id"], [d["id"] for d in records])))
        users = devices.by_user(records)
        own = users.get(devices.email_key(email), []) if email else []
        if email and not own:
            hints.append(("e-mails", closest(email, [d["email"] for d in records])))
        if name:
            # The user's own devices are the likeliest; otherwise any device's name.
            names = [d["name"] for d in own] if own else [d["name"] for d in records]
            hints.append(("names", [repr(found) for found in closest(name, names, cutoff=0.0 if own else 0.6)]))
        said = "; ".join("closest %s: %s" % (kind, ", ".join(found)) for kind, found in hints if found)
        self.result["msg"] = "Nothing was deleted: no device %s exists%s" % (
            what, " (%s)" % said if said else " (none is close; the tenant holds %d devices)" % len(records))
