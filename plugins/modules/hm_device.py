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
    description:
      - The user's email address. Required unless deleting by O(device_id).
      - With O(device_id), a check - the device must be this user's (case does not count), or the task fails
        naming both e-mails and deletes nothing.
    type: str
  name:
    description:
      - Device or user name. Required to add a device.
      - Selects among several devices of the same user; a user's only device that has another name has drift
        in C(name). With O(state=absent), only a device with exactly this name is deleted.
      - With O(device_id), a check - the device must have exactly this name, or the task fails naming both names
        and deletes nothing.
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
      - Check Point's internal device id. With O(state=absent), deletes exactly that device - and only if it
        matches the O(name) and O(email) given beside it, if any.
      - Device ids are whole numbers. An id that is not (C(1O), a letter O typed for a zero) is looked for in the
        device list rather than sent to the service, which refuses it; not found, it deletes nothing and RV(msg)
        names the closest ids (C(10) first).
    type: str
  state:
    description:
      - V(present) adds the device if it is missing. V(absent) deletes it; with O(email) alone, every device of that user.
      - V(absent) on a device that is not there changes nothing, and RV(msg) says that nothing was deleted and names
        the closest ids, e-mails or names the tenant holds - compared without case, with O and 0, l and 1 taken
        for one another - or, when none is close (an id such as C(99999) far from every id), says so and how many
        devices the tenant holds. A typo deletes nothing, and says so.
      - Every delete counts against O(max_deletes), whose scope is the tenant's devices - the devices of one
        e-mail with O(state=absent), and the one device O(recreate=true) deletes before adding it again.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - secops.mobile_security.attributes
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
  - secops.mobile_security.device_identity
  - secops.mobile_security.delete_guard
  - secops.mobile_security.planned_groups
  - secops.mobile_security.planned_groups.run_plan
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

- name: Delete a device by id, only if it is still Bo's tablet (fails, deleting nothing, if it is not)
  secops.mobile_security.hm_device:
    device_id: "1043"
    email: bo@example.com
    name: Bo tablet
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
msg:
  description: With O(state=absent) and nothing to delete, why - no such device - and the closest there are.
  returned: when O(state=absent) found no such device
  type: str
  sample: "Nothing was deleted: no device of bob@example.com named 'Bob tablt' exists (closest names: 'Bob tablet')"
duplicates_removed:
  description:
    - Ids of identical copies of the device this task added, deleted after the add (another run added the same
      device at the same moment, or an add in doubt landed twice); the lowest id stays. Their own count, not
      counted against O(max_deletes), as they did not exist when the task read the list.
  returned: when a device was added (not in check mode)
  type: list
  elements: str
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import device_state, guards, run_plan
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
                **guards.option_specs(),
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
        device = device_state.DeviceState(self)
        if self.params["state"] == "absent":
            device.absent()
        else:
            device.present()


def main():
    DeviceModule().run()


if __name__ == "__main__":
    main()
