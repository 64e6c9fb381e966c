#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_device_info
short_description: Find Harmony Mobile devices by id, email, MDM UUID, group, risk, status or status history
version_added: "1.0.0"
description:
  - Reads devices with the filters the external API documents, following every page.
  - B(Every filter is checked on every device the service returns), so a service that ignores or misreads a
    filter can never widen the selection. Filters are also sent to the service where that cannot make it
    return too few (O(risk) as C(risk_in), O(status) as C(status_in), O(groups) as C(groups__in),
    O(mdm_uuid) as C(mdm__uuid)), to read less. When the service returned devices a filter excludes, the
    module warns once, naming the filter.
  - O(email) is never sent (the service may match it case-sensitively); the module reads the whole device
    list for it. An O(mdm_uuid) the service finds nothing for is looked for in the whole list as well.
  - Filters can be combined; they all apply (AND).
author:
  - secops.mobile_security contributors (@secops)
options:
  device_id:
    description:
      - Check Point's internal device id. Returns that device only (an empty list if it does not exist).
      - The other filters are then checked on that one device; O(email) must be that device's user's.
    type: str
  email:
    description:
      - Devices of this user (client-side filter, case-insensitive).
      - With O(device_id), a check of that device instead (the identity rule); when the device is another
        user's, the task fails naming the e-mail given and the device's own.
    type: str
  mdm_uuid:
    description: The device's MDM unique identifier.
    type: str
  groups:
    description:
      - Group names, full paths (V(ALL/EMEA/Sales)) or numeric ids.
      - A group means its sub-groups too (O(subgroups)), as in the inventory's groups and a purge scope.
    type: list
    elements: str
  groups_match:
    description: V(any) returns devices in at least one of O(groups); V(all) devices in every one of them.
    type: str
    choices: [any, all]
    default: any
  subgroups:
    description:
      - V(true) counts a device in a sub-group (at any depth) of a named group as in that group; V(false)
        only devices assigned to the named group itself.
    type: bool
    default: true
    version_added: "1.2.0"
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
    description:
      - Devices that had one status at some time in a window (call 5 of the guide).
      - Device records carry no status history, so the window cannot be checked here. The module first asks the
        service two small questions that must have no answer (the same status in a window in 1970, and a status
        that does not exist in the same window). A service that returns devices for the first ignores windows; for
        the second, it ignores the status, and only devices whose status is that one now are kept. Either way the
        module warns and returns RV(window_enforced=false).
      - The guide allows two readings of which devices "had" the status during the window - those that changed
        into it inside the window, or those in it at any time in the window. The module tells which one the service
        uses from its own answers and returns it as RV(status_reading).
    type: dict
    suboptions:
      status:
        description: A status name or code.
        type: str
        required: true
      from:
        description:
          - Start of the window, inclusive. ISO 8601, C(MM/DD/YYYY HH:MM:SS), epoch milliseconds, or an age
            such as V(24h) or V(7d) (UTC when no zone is given).
        type: str
      to:
        description: End of the window, inclusive, in the same forms.
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

- name: Active or inactive devices in EMEA-Sales or EMEA-Support (or their sub-groups)
  secops.mobile_security.hm_device_info:
    groups: [EMEA-Sales, EMEA-Support]
    status: [active, inactive]

- name: Devices assigned to EMEA-Sales itself, not to its sub-groups
  secops.mobile_security.hm_device_info:
    groups: [EMEA-Sales]
    subgroups: false

- name: Devices that were inactive at some point last week
  secops.mobile_security.hm_device_info:
    status_during:
      status: inactive
      from: "2026-11-09T00:00:00Z"
      to: "2026-11-16T00:00:00Z"
  register: inactive_last_week

- name: Only trust that answer when the service applied the window
  ansible.builtin.assert:
    that: inactive_last_week.window_enforced

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
window_enforced:
  description:
    - With O(status_during), whether the service applied the time window and its status. V(false) means it ignored
      the window (shown by a window in 1970 that had devices), and the devices are then those of the status the
      service returned, not checked against the window; or it ignored the status (shown by a status that does not
      exist that had devices), and only devices whose status is the window's now are kept. A warning says which.
  returned: when O(status_during) is given
  type: bool
status_reading:
  description:
    - With O(status_during), which reading of call 5 the service's own answers show. V(entered) means the devices
      returned are those that changed into the status inside the window (a status-history row's time);
      V(in_status), those in the status at any time in the window. V(unknown) when it cannot be told (no device
      is in the status now, the service ignored the window, or its answers fit neither reading).
    - The module asks for the devices in the status now (the selection's, else the tenant's; at most 201 of them
      are read), then for that status in a window of ten minutes either side of now (docs/api-notes.md, section
      "Call 5 - two readings"), narrowed to the status and, when more than 200 devices are in it, to one of
      their groups. Under V(in_status) that window returns every device of the status in the group, so on a large
      tenant whose devices share one group it costs a read of that group's devices in the status, not a request
      or two. Besides, two probes that must return nothing, up to three single devices and one page of an
      earlier window.
  returned: when O(status_during) is given
  type: str
  choices: [entered, in_status, unknown]
  sample: entered
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import devices
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import GROUPS_MATCH
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


class DeviceInfoModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(
            device_id=dict(type="str"),
            email=dict(type="str"),
            mdm_uuid=dict(type="str"),
            groups=dict(type="list", elements="str"),
            groups_match=dict(type="str", choices=list(GROUPS_MATCH), default="any"),
            subgroups=dict(type="bool", default=True),
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

    def execute(self):
        params = self.params
        if params["fields"] == []:
            raise UserError("fields: [] would return devices without a single field; name at least one, or leave "
                            "fields out for all of them")
        limit = self.limit()
        selection = self.tenant.selection(risk=params["risk"], status=params["status"], groups=params["groups"],
                                          groups_match=params["groups_match"], subgroups=params["subgroups"],
                                          mdm_uuid=params["mdm_uuid"], email=params["email"])
        if params["device_id"] is not None:
            device = self.tenant.device(params["device_id"])
            if device is not None:
                # The e-mail given beside an id is a check of that id, not a filter that quietly returns nothing.
                devices.check_identity(device, email=params["email"], outcome="nothing was returned", verb="read")
            found = [device] if device and selection.matches(device) else []
        else:
            window = params["status_during"]
            if window:
                window = self.tenant.status_window(window["status"], window.get("from"), window.get("to"))
            found, window_enforced = self.tenant.devices(selection, window, limit)
            if window:
                self.result["window_enforced"] = window_enforced
                self.result["status_reading"] = self.tenant.window_reading(window, selection)
        self.result["devices"] = devices.select_fields(found, params["fields"])
        self.result["count"] = len(found)


def main():
    DeviceInfoModule().run()


if __name__ == "__main__":
    main()
