#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_device
short_description: Add or delete one Harmony Mobile device
version_added: "1.0.0"
description:
  - Adds a device (a user's phone or tablet) to the Harmony Mobile tenant, or deletes it.
  - The API has no update call. When the device exists but differs from what is asked (name, number, groups),
    the module reports the drift in RV(drift) and changes nothing, unless O(recreate=true).
  - 'In check mode such a device counts as a change and the diff shows each field''s old and new value
    (C(groups: Field -> Presales (needs recreate=true\))); a real run reports no change.'
  - In check mode, groups that earlier tasks of the same run plan count as existing (docs/gitops.md).
  - For hundreds of devices use M(secops.mobile_security.hm_device_sync), which reads the list once.
author:
  - secops.mobile_security contributors (@secops)
options:
  email:
    description: The user's email address. Required unless deleting by O(device_id).
    type: str
  name:
    description:
      - Device or user name. Required to add a device.
      - Selects among several devices of the same user; a user's only device that has another name has drift
        in C(name). With O(state=absent), only a device with exactly this name is deleted.
    type: str
  additional_device:
    description:
      - Add a further device for a user who already has one or more, when none of theirs has this O(name).
      - Without it such a task is refused rather than adding a second device by mistake (an edited name, a
        re-run with other input).
    type: bool
    default: false
  number:
    description: Phone number, used for SMS invitations.
    type: str
  groups:
    description:
      - Names of the groups the device belongs to. They must exist.
      - When adding without O(groups), the service places the device in C(ALL).
    type: list
    elements: str
  send_reg_email:
    description: When adding, ask the service to email the registration invitation.
    type: bool
  send_reg_sms:
    description: When adding, ask the service to text the registration invitation (needs O(number)).
    type: bool
  recreate:
    description:
      - When the existing device differs from what is asked, delete it and add it again as asked.
      - B(This costs the device its registration;) the user must enrol it again.
    type: bool
    default: false
  device_id:
    description:
      - Check Point's internal device id. With O(state=absent), deletes exactly that device.
    type: str
  state:
    description:
      - V(present) adds the device if it is missing. V(absent) deletes it; with O(email) alone, every device of that user.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - secops.mobile_security.attributes
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
  - secops.mobile_security.device_identity
  - secops.mobile_security.planned_groups
'''

EXAMPLES = r'''
- name: Add a device and email the invitation
  secops.mobile_security.hm_device:
    email: ana@example.com
    name: Ana Lima
    number: "+4915112345678"
    groups: [EMEA-Sales]
    send_reg_email: true
  register: ana

- name: Move a device to another group (the API has no update, so re-add it)
  secops.mobile_security.hm_device:
    email: ana@example.com
    name: Ana Lima
    groups: [EMEA-Support]
    recreate: true

- name: A second device (a tablet) for a user who already has a phone
  secops.mobile_security.hm_device:
    email: ana@example.com
    name: Ana Lima tablet
    additional_device: true

- name: Delete every device of a leaver
  secops.mobile_security.hm_device:
    email: leaver@example.com
    state: absent

- name: Delete one device by id
  secops.mobile_security.hm_device:
    device_id: "1042"
    state: absent
'''

RETURN = r'''
device:
  description: The device after the task (empty after a delete). Status and risk come as code and name.
  returned: always
  type: dict
  sample:
    id: "1042"
    name: Ana Lima
    email: ana@example.com
    number: "+4915112345678"
    groups: [EMEA-Sales]
    group_ids: [7]
    status_code: 0
    status_name: user_notified
    risk_code: 0
    risk_name: none
    mdm_uuid: null
    os_type: null
    last_connection: null
    mail_sent: true
drift:
  description: Fields in which the existing device differs from what was asked (empty when none).
  returned: always
  type: list
  elements: str
  sample: [groups]
deleted:
  description: Ids of deleted devices.
  returned: when O(state=absent)
  type: list
  elements: str
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secops.mobile_security.plugins.module_utils import device_sync, devices, diffs, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import ROOT_NAME
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import path_id
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


class DeviceModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(
            dict(
                email=dict(type="str"),
                name=dict(type="str"),
                number=dict(type="str"),
                groups=dict(type="list", elements="str"),
                send_reg_email=dict(type="bool"),
                send_reg_sms=dict(type="bool"),
                recreate=dict(type="bool", default=False),
                additional_device=dict(type="bool", default=False),
                planned_groups=dict(type="list", elements="str", default=[]),
                run_plan=run_plan.option_spec(),
                device_id=dict(type="str"),
                state=dict(type="str", choices=["present", "absent"], default="present"),
            ),
            required_if=[("state", "present", ("email", "name"))],
            required_one_of=[("email", "device_id")],
        )
        self.result["drift"] = []

    def refuse_unused_options(self):
        """Options that would be accepted and silently ignored are errors instead."""
        params = self.params
        if params["state"] == "present":
            if params["device_id"] is not None:
                raise UserError("device_id: %r is only used with state=absent; a device is added by email and name"
                                % params["device_id"])
            if params["send_reg_sms"] and not params["number"]:
                raise UserError("send_reg_sms: needs number, the phone the invitation is texted to")
            return
        for option in ("number", "groups", "send_reg_email", "send_reg_sms"):
            if params[option] is not None:
                raise UserError("%s: %r is not used with state=absent, which only deletes" % (option, params[option]))
        if params["recreate"]:
            raise UserError("recreate: is not used with state=absent, which only deletes")
        if params["additional_device"]:
            raise UserError("additional_device: is not used with state=absent, which only deletes")

    def execute(self):
        self.refuse_unused_options()
        if self.params["state"] == "absent":
            self.ensure_absent()
        else:
            self.ensure_present()

    def find(self, email, name):
        """How many devices the tenant held, the user's devices, and the one this task is about (None: add
        it), by the identity rule.

        Always from the device list, compared case-insensitively: a "not found" from call 9 may only mean
        that the server matched the e-mail's case exactly, and trusting it would add a second device.
        """
        tenant_count, found = self.tenant.user_devices(email)
        return tenant_count, found, devices.select(found, email, name, self.params["additional_device"])

    def ensure_present(self):
        wanted = devices.entry({"email": self.params["email"], "name": self.params["name"],
                                "number": self.params["number"], "groups": self.params["groups"]})
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The group list and the device list are independent reads: one round trip less on a WAN.
            groups = pool.submit(self.tenant.group_tree) if wanted["groups"] else None
            tenant_count, found, current = self.find(wanted["email"], wanted["name"])
            if groups is not None:
                known = run_plan.known_groups(groups.result().by_name, self.params, self.check_mode)
                devices.check_groups([wanted], ["groups"], known, self.check_mode)
        if current is not None:
            drift = devices.drift(wanted, current)
            self.result["drift"] = drift
            self.result["device"] = current
            if not drift:
                return
            if not self.params["recreate"]:
                self.module.warn("Device %s (id %s) differs in %s; the API cannot update a device, so nothing was "
                                 "changed. Use recreate=true to delete and re-add it (it must register again)." % (
                                     current["email"], current["id"], ", ".join(drift)))
                # A plan shows drift as a change, with old and new values; a run reports only its writes.
                self.result["changed"] = self.check_mode
                drift_lines = diffs.drift_lines(wanted, current, drift)
                self.set_diff(diffs.device_view(current), dict(diffs.device_view(current), drift=drift_lines))
                return
        if current is not None:
            # Re-adding must not lose what the task did not mention.
            wanted = devices.keep_unasked(wanted, current)
        after = dict(current or {}, email=wanted["email"], name=wanted["name"], number=wanted["number"],
                     groups=sorted(wanted["groups"] or [ROOT_NAME]), id=None)
        self.result["changed"] = True
        self.set_diff(dict(diffs.device_view(current), email=current["email"]) if current else None,
                      dict(diffs.device_view(after, with_id=False), email=after["email"]))
        if self.check_mode:
            self.result["device"] = after
            return
        if current is not None:
            self.client.delete_device(current["id"])
        known_ids = [d["id"] for d in found]
        new_id = self.client.add_device(wanted["name"], wanted["email"], wanted["number"], wanted["groups"],
                                        self.params["send_reg_email"], self.params["send_reg_sms"],
                                        known_ids=known_ids)
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The new record and the check for copies are independent reads: one round trip, not two.
            fetched = pool.submit(self.client.get_device, new_id)
            # The count this task's read found, plus its add: if the tenant holds exactly that, no other run
            # added anything since (the same rule hm_device_sync follows).
            removed = device_sync.verify_adds(self.tenant, [(wanted, known_ids)],
                                              device_sync.settle_seconds(self.client),
                                              expected_total=tenant_count + (0 if current else 1))
            device = None if new_id in removed else fetched.result()
        if device is not None:
            device = self.tenant.normalised([device])[0]
        else:
            # Another run added the same device at the same moment and its copy (the older one) stayed.
            device = next((d for d in self.tenant.devices_of(wanted["email"]) if d["name"] == wanted["name"]), None)
        self.result["device"] = device or dict(after, id=new_id)

    def ensure_absent(self):
        self.result["device"] = {}
        self.result["deleted"] = []
        if self.params["device_id"] is not None:
            path_id(self.params["device_id"], "device_id")
            targets = [d for d in [self.tenant.device(self.params["device_id"])] if d]
        else:
            email = validate_email(self.params["email"])
            if self.params["name"]:
                # A delete takes only the device with exactly that name: never a namesake by e-mail alone.
                targets = [d for d in self.tenant.devices_of(email) if d["name"] == self.params["name"]]
            else:
                targets = self.tenant.devices_of(email)
        if not targets:
            return
        self.result["changed"] = True
        self.set_diff({"devices": dict((d["id"], dict(diffs.device_view(d), email=d["email"])) for d in targets)},
                      {"devices": {}})
        self.result["deleted"] = [d["id"] for d in targets]
        if self.check_mode:
            return
        # One delete per checked device (call 11), never call 10's DELETE ?user_email=: a service that ignored
        # that filter would delete every device of the tenant (docs/api-notes.md, "Delete by e-mail").
        for device in targets:
            self.client.delete_device(device["id"])


def main():
    DeviceModule().run()


if __name__ == "__main__":
    main()
