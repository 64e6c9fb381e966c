#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: hm_device_info
short_description: Find Harmony Mobile devices by id, email, MDM UUID, group, risk, status or status history
version_added: "1.0.0"
description:
  - Reads devices with the filters the external API documents, following every page.
  - Server-side filters (sent to the API) are O(mdm_uuid), O(groups) (C(groups__in) / C(groups__exact)),
    O(risk) (C(risk_in)), O(status) (C(status_in)) and O(status_during) (C(status) + C(time_gte) / C(time_lte)).
  - O(email) is filtered B(on the client), because the API documents no email filter; the module reads the
    whole device list for it.
  - Filters can be combined; they all apply (AND).
author:
  - secops.mobile_security contributors (@secops)
options:
  device_id:
    description:
      - Check Point's internal device id. Returns that device only (an empty list if it does not exist).
      - Other filters, except O(status_during), are then checked on that one device.
    type: str
  email:
    description: Devices of this user (client-side filter, case-insensitive).
    type: str
  mdm_uuid:
    description: The device's MDM unique identifier.
    type: str
  groups:
    description: Group names or numeric ids.
    type: list
    elements: str
  groups_match:
    description: V(any) returns devices in at least one of O(groups); V(all) devices in every one of them.
    type: str
    choices: [any, all]
    default: any
  risk:
    description: Risk levels, as names (V(none), V(low), V(medium), V(high)) or codes (V(0) to V(3)).
    type: list
    elements: str
  status:
    description:
      - Current statuses, as names (V(processing), V(user_notified), V(active), V(inactive)) or codes
        (V(-1), V(0), V(1), V(4)).
    type: list
    elements: str
  status_during:
    description: Devices that had one status at some time in a window.
    type: dict
    suboptions:
      status:
        description: A status name or code.
        type: str
        required: true
      from:
        description:
          - Start of the window, inclusive. Epoch milliseconds, or an ISO 8601 date/time (UTC when no zone is given).
        type: str
      to:
        description: End of the window, exclusive, in the same forms.
        type: str
  limit:
    description: Return at most this many devices (reading stops as soon as they are found).
    type: int
  fields:
    description:
      - Return only these fields of each device. All filters still apply, whichever fields are returned.
      - On a large tenant this is what keeps the task fast. Ansible's own handling of the module's result
        (scrubbing it of secrets, passing it to the controller, registering it) grows with the number of values
        returned, and soon outweighs reading the list. With four fields instead of eighteen, a 6,000-device list
        takes about half as long as a task (the WAN profile in C(docs/performance.md)).
      - Leave it out to get every field.
    type: list
    elements: str
    choices: [id, name, email, number, groups, group_ids, status_code, status_name, risk_code, risk_name,
              mdm_uuid, os_type, os_version, model, device_type, client_version, last_connection, mail_sent]
extends_documentation_fragment:
  - secops.mobile_security.attributes.info_module
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
'''

EXAMPLES = r'''
- name: High-risk devices
  secops.mobile_security.hm_device_info:
    risk: [high]
  register: risky

- name: Active or inactive devices in EMEA-Sales or EMEA-Support
  secops.mobile_security.hm_device_info:
    groups: [EMEA-Sales, EMEA-Support]
    status: [active, inactive]

- name: Devices that were inactive at some point last week
  secops.mobile_security.hm_device_info:
    status_during:
      status: inactive
      from: "2026-11-09T00:00:00Z"
      to: "2026-11-16T00:00:00Z"

- name: One user's devices
  secops.mobile_security.hm_device_info:
    email: ana@example.com

- name: By MDM id
  secops.mobile_security.hm_device_info:
    mdm_uuid: 4f1c2a9e-0000-4000-8000-000000000001

- name: A risk report of a large fleet, only the fields it needs
  secops.mobile_security.hm_device_info:
    fields: [id, email, risk_name, last_connection]
  register: fleet

- name: Users with a high-risk device
  ansible.builtin.debug:
    msg: "{{ fleet.devices | selectattr('risk_name', 'equalto', 'high') | map(attribute='email') | unique }}"
'''

RETURN = r'''
devices:
  description: Matching devices, in the API's order; with O(fields), only those fields of each.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Check Point's internal device id.
      type: str
    name:
      description: Device or user name.
      type: str
    email:
      description: User email.
      type: str
    number:
      description: Phone number.
      type: str
    groups:
      description: Group names.
      type: list
      elements: str
    group_ids:
      description: Group ids.
      type: list
      elements: int
    status_code:
      description: Status code (-1, 0, 1, 4).
      type: int
    status_name:
      description: Status name (processing, user_notified, active, inactive).
      type: str
    risk_code:
      description: Risk code (0 to 3).
      type: int
    risk_name:
      description: Risk name (none, low, medium, high).
      type: str
    mdm_uuid:
      description: MDM identifier, if the device came through an MDM.
      type: str
    os_type:
      description: Android or IOS.
      type: str
    os_version:
      description: Operating system version.
      type: str
    model:
      description: Device model.
      type: str
    device_type:
      description: Device type.
      type: str
    client_version:
      description: Harmony Mobile app version.
      type: str
    last_connection:
      description: When the device last contacted the service, as the API sends it.
      type: str
    mail_sent:
      description: Whether the registration email was sent.
      type: bool
count:
  description: Number of devices returned.
  returned: always
  type: int
'''

import calendar
import datetime

from ansible_collections.secops.mobile_security.plugins.module_utils import codes, devices
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import GroupTree
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email, validate_mdm_uuid
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def epoch_ms(value, field):
    """Epoch milliseconds from digits or an ISO 8601 date/time."""
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    offset = datetime.timedelta(0)
    if text.endswith("Z"):
        text = text[:-1]
    elif len(text) > 6 and text[-6] in "+-" and text[-3] == ":":
        sign = 1 if text[-6] == "+" else -1
        offset = sign * datetime.timedelta(hours=int(text[-5:-3]), minutes=int(text[-2:]))
        text = text[:-6]
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.datetime.strptime(text, fmt) - offset
        except ValueError:
            continue
        return calendar.timegm(parsed.timetuple()) * 1000 + parsed.microsecond // 1000
    raise UserError("%s: %r is neither epoch milliseconds nor an ISO 8601 date/time" % (field, value))


class DeviceInfoModule(HarmonyMobileModule):
    def __init__(self):
        super(DeviceInfoModule, self).__init__(dict(
            device_id=dict(type="str"),
            email=dict(type="str"),
            mdm_uuid=dict(type="str"),
            groups=dict(type="list", elements="str"),
            groups_match=dict(type="str", choices=["any", "all"], default="any"),
            risk=dict(type="list", elements="str"),
            status=dict(type="list", elements="str"),
            status_during=dict(type="dict", options={
                "status": dict(type="str", required=True),
                "from": dict(type="str"),
                "to": dict(type="str"),
            }),
            limit=dict(type="int"),
            fields=dict(type="list", elements="str", choices=list(devices.FIELDS)),
        ), mutually_exclusive=[("device_id", "status_during")])

    def filters(self):
        params = self.params
        query = {}
        if params["mdm_uuid"] is not None:
            query["mdm__uuid"] = validate_mdm_uuid(params["mdm_uuid"])
        if params["groups"]:
            tree = GroupTree(self.client.list_groups())
            ids = [str(tree.resolve(g, "groups")["id"]) for g in params["groups"]]
            query["groups__exact" if params["groups_match"] == "all" else "groups__in"] = ",".join(ids)
        query.update(codes.risk_status_filters(params["risk"], params["status"]))
        window = params["status_during"]
        if window:
            query["status"] = codes.status_code(window["status"], "status_during.status")
            if window.get("from") is not None:
                query["time_gte"] = epoch_ms(window["from"], "status_during.from")
            if window.get("to") is not None:
                query["time_lte"] = epoch_ms(window["to"], "status_during.to")
            if "time_gte" not in query and "time_lte" not in query:
                raise UserError("status_during: give from, to or both")
            if query.get("time_gte") is not None and query.get("time_lte") is not None \
                    and query["time_gte"] >= query["time_lte"]:
                raise UserError("status_during: from (%s) must be before to (%s)" % (window["from"], window["to"]))
        return query

    def execute(self):
        if self.params["fields"] == []:
            raise UserError("fields: [] would return devices without a single field; name at least one, or leave "
                            "fields out for all of them")
        limit = self.limit()
        email = validate_email(self.params["email"]) if self.params["email"] is not None else None
        query = self.filters()
        if self.params["device_id"] is not None:
            raw = self.client.get_device(self.params["device_id"])
            found = [devices.normalise(d) for d in self.client.with_groups([raw] if raw else [])]
            found = [d for d in found if self.matches_locally(d, query, email)]
        else:
            found = []
            # With a client-side email filter the server cannot stop early at `limit`.
            for raw in self.client.list_devices(query, max_items=None if email else limit):
                if email is None or devices.email_key(raw.get("email")) == devices.email_key(email):
                    found.append(raw)
                    if limit is not None and len(found) >= limit:
                        break
            found = [devices.normalise(d) for d in self.client.with_groups(found)]
        self.result["devices"] = devices.select_fields(found[:limit] if limit else found, self.params["fields"])
        self.result["count"] = len(self.result["devices"])

    @staticmethod
    def matches_locally(device, query, email):
        """With device_id the API returns one device unfiltered; apply the other filters here."""
        if email is not None and devices.email_key(device["email"]) != devices.email_key(email):
            return False
        if "mdm__uuid" in query and device["mdm_uuid"] != query["mdm__uuid"]:
            return False
        if "risk_in" in query and str(device["risk_code"]) not in query["risk_in"].split(","):
            return False
        if "status_in" in query and str(device["status_code"]) not in query["status_in"].split(","):
            return False
        group_ids = set(str(i) for i in device["group_ids"])
        if "groups__in" in query and not group_ids.intersection(query["groups__in"].split(",")):
            return False
        if "groups__exact" in query and not set(query["groups__exact"].split(",")) <= group_ids:
            return False
        return True


def main():
    DeviceInfoModule().run()


if __name__ == "__main__":
    main()
