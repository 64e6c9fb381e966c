#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_device_sync
short_description: Make the Harmony Mobile device list match a desired list, in one task
version_added: "1.0.0"
description:
  - The fast path for enrolling hundreds or thousands of devices. One paged read of the current devices,
    then only the adds and deletes that are needed, run with bounded concurrency.
  - Devices are matched by email (case-insensitive). Emails must be unique in the list; a user with
    several devices is managed with M(secops.mobile_security.hm_device) and its
    O(secops.mobile_security.hm_device#module:additional_device) option. When a user holds several devices, the
    one named as in the list is compared with it; if none is, the first is, and its name is reported as drift.
  - The API has no update call. A device that exists but differs (name, number or groups) is reported as
    drift and left alone, unless O(recreate=true) (delete + add, which costs the device its registration). In check
    mode drift counts as a change, so C(--check --diff) shows it; a real run reports only its writes.
  - Every entry is validated, and every group checked to exist, before the first write. A bad entry fails the
    task with nothing written.
  - One failed device does not stop the others; each gets an entry in RV(devices). The task fails at the end if any
    device failed (unless O(allow_partial=true)), and a re-run finishes the job.
  - 'Supports check mode (the plan is returned) and diff mode. The diff shows each device added, deleted, recreated
    or drifted, keyed by e-mail, with its name, number and groups; a deleted device is present before and absent
    after, an added one shows its groups, drift shows the old and the new value (C(groups: Field -> Presales (needs
    recreate=true\))).'
  - In check mode, groups that earlier tasks of the same run plan (M(secops.mobile_security.hm_group),
    M(secops.mobile_security.hm_group_hierarchy), the C(secops.mobile_security.group_hierarchy) role) count as
    existing, with no wiring between the tasks; see docs/gitops.md.
  - Two runs at the same time (an AWX schedule overlapping a manual run, two pipelines) converge on one device per
    user without a lock; see RV(duplicates_removed). Still, set the AWX job template to refuse simultaneous runs.
author:
  - secops.mobile_security contributors (@secops)
options:
  devices:
    description:
      - Desired devices. Each item has C(email) and C(name) (required), C(number) and C(groups) (list of
        group names, or one string separated by C(;) or C(|)).
      - The inventory-style keys C(hm_email), C(hm_name), C(hm_number) and C(hm_groups) are accepted too.
      - Combined with the entries of O(devices_file).
    type: list
    elements: dict
    default: []
  devices_file:
    description:
      - A CSV file (header C(email,name,number,groups)) or a YAML/JSON file holding a list of the same
        mappings, on the host that runs the module.
    type: path
  default_groups:
    description: Groups for entries that give none. Without it, the API puts such devices in C(ALL).
    type: list
    elements: str
  purge:
    description:
      - Delete devices that are not in the list, but only those in at least one of O(purge_groups).
    type: bool
    default: false
  purge_groups:
    description:
      - The groups that O(purge) may delete devices from, each with every group below it unless
        O(purge_subgroups=false). Required when O(purge=true), refused without it.
      - RV(purge_scope) shows, per group, which groups it covers, how many devices they hold and how many the
        purge deletes (in check mode, would delete).
    type: list
    elements: str
  purge_subgroups:
    description:
      - Whether a group in O(purge_groups) covers the groups below it (its whole subtree), as a tree is how a
        scope is usually meant. With V(false) only devices assigned to the named groups themselves are in scope
        (1.0.0's behaviour).
    type: bool
    default: true
    version_added: "1.1.0"
  max_deletes:
    description:
      - The most devices one run may delete (O(purge=true), O(remove_duplicates=true), O(recreate=true)),
        checked against the plan before anything is written (in check mode too). A count (V(25)), a percentage
        of the devices in scope (in O(purge_groups), the copies, the devices of the list) (V(20%), rounded down,
        so V(0%) allows none; see O(max_deletes_floor) for small scopes), or V(all).
      - With O(purge=true) an empty desired list (often a misspelt inventory group or file) is refused unless
        this is V(all).
      - The identical copies O(remove_duplicates) deletes count too, and the devices they belong to are part of the
        scope a percentage is taken of.
      - Each device O(recreate=true) deletes and adds again counts as a delete (the phone must register again),
        and the devices of the list are part of the scope. A reshuffled groups column with O(recreate=true) is
        refused here instead of un-registering the fleet.
      - The copies of a device this run's own adds made are not counted here, as they did not exist when the run
        read the list; RV(duplicates_removed) counts them.
    type: str
    default: "20%"
  recreate:
    description:
      - Delete and re-add devices that drifted from the list. The device loses its registration and must
        enrol again.
    type: bool
    default: false
  send_reg_email:
    description: Ask the service to email the registration invitation to added devices.
    type: bool
  send_reg_sms:
    description: Ask the service to text the registration invitation to added devices (needs C(number)).
    type: bool
  concurrency:
    description:
      - The most requests in flight at once (writes, and the pages of the device list).
      - The module finds the tenant's pace itself. It starts at 8 requests in flight and adds one per clean answer
        until the first rate-limit answer (HTTP 429); that halves it and pauses every request for C(Retry-After),
        and from then on it adds one each time that many answers came back clean. So this is a ceiling; lower it to
        be gentler on a shared tenant. See also O(rate_limit_wait).
    type: int
    default: 16
  remove_duplicates:
    description:
      - Delete identical copies of a device (same e-mail in any case, name, number and groups, not yet
        registered), keeping the oldest (lowest id) of each. Without it they are reported in RV(duplicates) and a
        warning, and left alone.
      - Copies appear when two runs added the same devices at the same moment before 1.1.0, or another tool did.
        Since 1.1.0 overlapping runs remove their own copies; see the notes.
    type: bool
    default: false
  allow_partial:
    description: Succeed even when some devices failed; their results say why.
    type: bool
    default: false
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
- name: Enrol the sales team
  secops.mobile_security.hm_device_sync:
    devices:
      - {email: ana@example.com, name: Ana Lima, groups: [EMEA-Sales]}
      - {email: bo@example.com, name: Bo Chen, number: "+4915112345678", groups: [EMEA-Sales]}
    send_reg_email: true

- name: Make EMEA-Sales hold exactly the devices of a CSV file
  secops.mobile_security.hm_device_sync:
    devices_file: /srv/hr/emea-sales.csv
    default_groups: [EMEA-Sales]
    purge: true
    purge_groups: [EMEA-Sales]
    concurrency: 8
  register: sync

- name: Show the summary
  ansible.builtin.debug:
    var: sync.summary
'''

RETURN = r'''
summary:
  description:
    - How many devices were added, deleted, recreated (successful writes only; in check mode, planned), left
      drifted, unchanged and failed. Every key is always present. The same shape as every bulk module's
      summary (docs/conventions.md).
  returned: always
  type: dict
  sample: {added: 12, deleted: 1, recreated: 0, drifted: 2, unchanged: 480, failed: 0}
devices:
  description:
    - One item per device that was added, deleted, recreated or found drifted. C(action) is C(add), C(delete),
      C(recreate) or C(drift); C(result) is C(ok), C(failed) (with C(error)), C(planned) in check mode, or
      C(skipped) for drift (reported, not written). The same item shape as every bulk module's.
  returned: always
  type: list
  elements: dict
  sample:
    - {action: add, email: ana@example.com, new_device_id: "1042", result: ok}
    - {action: drift, email: bo@example.com, device_id: "17", fields: [groups], result: skipped}
    - {action: add, email: cy@example.com, result: failed, error: "POST /app/SBM/external_api/v2/device/ failed (HTTP 400): ..."}
purge_scope:
  description:
    - Per group in O(purge_groups), the groups it covers (itself and, with O(purge_subgroups), every group
      below it), the devices they held before the run and how many of them the purge deleted (in check mode,
      would delete). Empty without O(purge_groups).
  returned: always
  type: list
  elements: dict
  sample:
    - {group: Corp, groups: [Corp, Corp-IT, Corp-IT-Helpdesk], devices: 40, deleted: 3}
duplicates:
  description: Users that held identical unregistered copies of a device when the run read the list.
  returned: always
  type: list
  elements: dict
  sample:
    - {email: ana@example.com, name: Ana Lima, device_ids: ["17", "42"], keep: "17"}
duplicates_removed:
  description:
    - Ids of identical copies of the devices this run added, deleted after its writes. A copy appears when
      another run added the same device at the same moment, or when a request timed out or its connection
      dropped and the service applied it anyway (then the module first waits O(timeout), at most 5 seconds).
    - Every run keeps the copy with the lowest id and removes the others created since it read the list, so
      overlapping runs end with one device per user whichever finishes first; devices older than the run are
      never touched.
  returned: when not in check mode
  type: list
  elements: str
total_before:
  description: Devices in the tenant before the run.
  returned: always
  type: int
total_after:
  description: Devices in the tenant after the run, counting only the writes that succeeded (in check mode, the
    plan's prediction; see RV(predicted)).
  returned: always
  type: int
predicted:
  description: True in check mode, where RV(summary), RV(total_after) and the diff are the plan, not what happened.
  returned: always
  type: bool
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import device_plan, device_sync, guards, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule
from ansible_collections.secops.mobile_security.plugins.module_utils.pacing import DEFAULT_CEILING


class DeviceSyncModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(
            dict(
                devices=dict(type="list", elements="dict", default=[]),
                devices_file=dict(type="path"),
                default_groups=dict(type="list", elements="str"),
                purge=dict(type="bool", default=False),
                purge_groups=dict(type="list", elements="str"),
                purge_subgroups=dict(type="bool", default=True),
                recreate=dict(type="bool", default=False),
                send_reg_email=dict(type="bool"),
                send_reg_sms=dict(type="bool"),
                concurrency=dict(type="int", default=DEFAULT_CEILING),
                **guards.option_specs(),
                remove_duplicates=dict(type="bool", default=False),
                allow_partial=dict(type="bool", default=False),
                planned_groups=dict(type="list", elements="str", default=[]),
                run_plan=run_plan.option_spec(),
            ),
            required_if=[("purge", True, ("purge_groups",))],
        )

    def execute(self):
        sync = device_sync.TenantSync(self)
        sync.run(*device_plan.desired_entries(self.params))
        if sync.failure:
            self.fail(sync.failure)


def main():
    DeviceSyncModule().run()


if __name__ == "__main__":
    main()
