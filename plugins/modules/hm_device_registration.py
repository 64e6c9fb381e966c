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

from ansible_collections.secops.mobile_security.plugins.module_utils import codes
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import path_id
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError


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

    def lookup(self):
        """(registration details, device) for the device the options name; fails clearly when there is none.

        The device is found by id or in the checked device list (never by call 9's e-mail or MDM match, which
        may be case-sensitive or ignored), and the details the service answers must be that device's.
        """
        params = self.params
        if params["device_id"] is not None:
            device_id = path_id(params["device_id"], "device_id")
            what = "device_id %s" % params["device_id"]
        else:
            if params["email"] is not None:
                email = validate_email(params["email"])
                what, option = "email %s" % email, "email"
                found = self.tenant.devices_of(email)
            else:
                what, option = "mdm_uuid %s" % params["mdm_uuid"], "mdm_uuid"
                found = self.tenant.devices(self.tenant.selection(mdm_uuid=params["mdm_uuid"]))[0]
            if len(found) > 1:
                listed = ", ".join("%s (id %s)" % (d["name"], d["id"]) for d in found)
                raise UserError("%s: %s has %d devices (%s); give device_id to pick one" % (
                    option, what.split(" ", 1)[1], len(found), listed))
            if not found:
                raise UserError("%s: no such device" % what)
            device_id = found[0]["id"]
        details = self.client.registration_details(device_id=device_id)
        if not details or details.get("id") in (None, ""):
            raise UserError("%s: no such device" % what)
        if str(details["id"]) != str(device_id):
            raise ApiError("the service answered the registration details of device %s when asked for device %s; "
                           "nothing was changed" % (details["id"], device_id))
        device = self.tenant.device(device_id)
        if device is None:
            raise UserError("%s: no such device" % what)
        return details, device

    def execute(self):
        action = self.params["action"]
        for option in ("send_reg_email", "send_reg_sms"):
            if self.params[option] is not None and action != "resend":
                raise UserError("%s: only used with action=resend; action=%s sends nothing" % (option, action))
        send_email = self.params["send_reg_email"] is not False
        send_sms = bool(self.params["send_reg_sms"])
        details, device = self.lookup()
        self.result["device"] = device
        if action == "details":
            self.result["registration"] = {"id": str(details.get("id")), "device_hash": details.get("device_hash"),
                                           "server": details.get("server")}
            return
        if action == "mark_email_sent":
            if device["status_code"] == codes.USER_NOTIFIED and device["mail_sent"]:
                return
            self.result["changed"] = True
            if not self.check_mode:
                self.client.mark_email_sent(device["id"])
                self.result["device"] = self.tenant.device(device["id"]) or {}
            return
        if not (send_email or send_sms):
            raise UserError("send_reg_email: with send_reg_sms also false there is nothing to send")
        if send_sms and not device["number"]:
            raise UserError("send_reg_sms: device %s has no phone number" % device["id"])
        if device["status_code"] != codes.USER_NOTIFIED:
            raise UserError("action: resend only works for devices in user_notified status; device %s is %s" % (
                device["id"], device["status_name"] or device["status_code"]))
        self.result["changed"] = True
        if not self.check_mode:
            self.client.resend_invitation(device["id"], send_email, send_sms)


def main():
    DeviceRegistrationModule().run()


if __name__ == "__main__":
    main()
