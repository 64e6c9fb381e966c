#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_device_registration
short_description: Resend invitations, mark them sent, or read registration details of a Harmony Mobile device
version_added: "1.0.0"
description:
  - Registration actions on an existing device, chosen with O(action).
  - V(details) reads the registration code (C(device_hash)) and server, for example to hand them to an MDM.
    It never changes anything.
  - V(resend) sends the invitation again by email and/or SMS. The service only sends to devices in
    C(user_notified) status, so the module checks the status first and fails clearly otherwise. Sending is
    always a change; check mode sends nothing.
  - V(mark_email_sent) sets the device to C(user_notified) and marks the invitation as sent (no message is sent).
    It reports no change when the device is already in that state.
  - The device is found by O(device_id), O(email) or O(mdm_uuid).
author:
  - secops.mobile_security contributors (@secops)
options:
  action:
    description: What to do.
    type: str
    choices: [details, resend, mark_email_sent]
    required: true
  device_id:
    description: Check Point's internal device id.
    type: str
  email:
    description: The user's email. If the user has several devices, the first one the service returns is used.
    type: str
  mdm_uuid:
    description: The MDM's unique id for the device.
    type: str
  send_reg_email:
    description:
      - With V(resend), send the invitation by email. V(true) when not given.
      - Refused with the other actions, which send nothing.
    type: bool
  send_reg_sms:
    description:
      - With V(resend), send the invitation by SMS (the device needs a phone number). V(false) when not given.
      - Refused with the other actions, which send nothing.
    type: bool
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
  - secops.mobile_security.device_identity
attributes:
  platform:
    platforms: all
    support: full
  check_mode:
    support: full
  diff_mode:
    support: none
'''

EXAMPLES = r'''
- name: Registration code for an MDM-managed device
  secops.mobile_security.hm_device_registration:
    action: details
    mdm_uuid: 4f1c2a9e-0000-4000-8000-000000000001
  register: reg

- name: Hand the code to the MDM
  ansible.builtin.debug:
    msg: "code {{ reg.registration.device_hash }} on {{ reg.registration.server }}"

- name: Resend the invitation by email and SMS
  secops.mobile_security.hm_device_registration:
    action: resend
    email: ana@example.com
    send_reg_sms: true

- name: Mark the invitation as sent (it went out through another channel)
  secops.mobile_security.hm_device_registration:
    action: mark_email_sent
    device_id: "1042"
'''

RETURN = r'''
registration:
  description: Registration details.
  returned: when O(action=details)
  type: dict
  contains:
    id:
      description: Check Point's internal device id.
      type: str
    device_hash:
      description: Registration code of the device.
      type: str
    server:
      description: The Check Point server the device registers with.
      type: str
device:
  description: The device the action applied to (after the action, except in check mode).
  returned: always
  type: dict
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import registrations
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule


class DeviceRegistrationModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(
            dict(
                action=dict(type="str", choices=["details", "resend", "mark_email_sent"], required=True),
                device_id=dict(type="str"),
                email=dict(type="str"),
                mdm_uuid=dict(type="str"),
                send_reg_email=dict(type="bool"),
                send_reg_sms=dict(type="bool"),
            ),
            required_one_of=[("device_id", "email", "mdm_uuid")],
            mutually_exclusive=[("device_id", "email", "mdm_uuid")],
        )

    def execute(self):
        registrations.Registration(self).run()


def main():
    DeviceRegistrationModule().run()


if __name__ == "__main__":
    main()
