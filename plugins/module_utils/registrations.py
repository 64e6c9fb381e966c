# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registrations: the reads of a device's registration (calls 8 and 9) and the state class of
hm_device_registration (details, resend an invitation, mark it sent) for the device a task names.

Calls 8 and 9 are read-only calls added the way docs/conventions.md ("How to add an API call") says: a
function here on the session's uniform ``get``, nothing in the client.
"""

from ansible_collections.secops.mobile_security.plugins.module_utils import codes
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import path_id
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_session import API_ROOT
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ModuleTask
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email

# Call 9's filters as the API names them. Only the e-mail is sent: its match may be case-sensitive, so an
# answer is a hint that the caller checks (device_copies.find_created); the MDM-id filter is not used.
FILTERS = {"email": "email"}


def details_of(client, device_id):
    """Call 8: the registration details of one device by id; None when there is no such device."""
    return client.get("%s/v1/device_status/%s/get_registration_details" % (API_ROOT, path_id(device_id, "device_id")))


def details_by_email(client, email):
    """Call 9 by e-mail: the details of some device of that user, or None. A hint only: never trusted alone."""
    return client.get(API_ROOT + "/v1/device_status/get_registration_details", {FILTERS["email"]: email})


class Registration(ModuleTask):
    """One device's registration (hm_device_registration): found by id, or by e-mail or MDM id in the checked
    device list (never by call 9's match), then its details read, its invitation resent (call 6: only in
    user_notified) or marked sent (call 7)."""

    def lookup(self):
        """(registration details, device) for the device the options name; fails clearly when there is none.

        The device is found by id or in the checked device list (never by call 9's e-mail or MDM match, which
        may be case-sensitive or ignored), and the details the service answers must be that device's.
        """
        params = self.options
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
        details = details_of(self.client, device_id)
        if not details or details.get("id") in (None, ""):
            raise UserError("%s: no such device" % what)
        if str(details["id"]) != str(device_id):
            raise ApiError("the service answered the registration details of device %s when asked for device %s; "
                           "nothing was changed" % (details["id"], device_id))
        device = self.tenant.device(device_id)
        if device is None:
            raise UserError("%s: no such device" % what)
        return details, device

    def run(self):
        action = self.options["action"]
        for option in ("send_reg_email", "send_reg_sms"):
            if self.options[option] is not None and action != "resend":
                raise UserError("%s: only used with action=resend; action=%s sends nothing" % (option, action))
        send_email = self.options["send_reg_email"] is not False
        send_sms = bool(self.options["send_reg_sms"])
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
