#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_registration_hygiene
short_description: Remind Harmony Mobile users who never registered, and optionally delete their devices
version_added: "1.2.0"
description:
  - Resends the registration invitation (the guide's call 6) to every device in C(user_notified) status for more
    than O(resend_after_days) days, at most once per O(resend_every_days) days per device; made to run on a
    schedule (an AWX job template with a weekly schedule, see extensions/awx/README.md).
  - With O(delete_after_days), deletes each device in C(user_notified) for more than that many days instead
    (call 11, by id). Every delete is planned first and checked against O(max_deletes) before anything is written,
    in check mode too; a run over it writes nothing, not even its resends, and says why. The scope of a
    percentage of O(max_deletes) is the devices in O(groups), or the tenant. The device is read again
    just before its delete, and one that registered meanwhile is kept.
  - How long a device has been in C(user_notified) comes from call 5 (devices that had a status during a time
    window); the records carry no time of their last status change. The guide allows two readings of call 5 (a
    change into the status inside the window, or the status at any time in it); the module tells which one the
    service uses from its own answers (RV(status_reading)) and reads the waits under it, with status 0 now on
    each device's own record. When the waits cannot be told exactly (the service ignores the window, or its
    answers fit neither reading) the task fails and changes nothing unless O(force=true); with no device in
    C(user_notified) there is nothing to do, whatever the reading.
  - When a device was last reminded comes from O(state_file) and/or, with O(audit_resends=true), the audit trail
    (call 19). The guide does not say that the audit trail records resends, so one of them must be given.
  - Check mode and diff show each device that would get a resend and each that would be deleted.
author:
  - secops.mobile_security contributors (@secops)
options:
  resend_after_days:
    description: Resend to devices in C(user_notified) for more than this many days (1 or more).
    type: int
    default: 7
  resend_every_days:
    description: Resend to one device at most once in this many days (1 or more).
    type: int
    default: 7
  delete_after_days:
    description:
      - Delete devices in C(user_notified) for more than this many days (more than O(resend_after_days)), each by
        id, within O(max_deletes). Not given (the default), nothing is deleted.
    type: int
  groups:
    description: Only devices in these groups (names, full paths or ids), each with its sub-groups. Empty, the tenant.
    type: list
    elements: str
    default: []
  send_reg_email:
    description: Resend the invitation by e-mail.
    type: bool
    default: true
  send_reg_sms:
    description: Resend the invitation by SMS too (to devices with a phone number).
    type: bool
    default: false
  state_file:
    description:
      - JSON file (written 0600) that records this module's resends per tenant. Required unless
        O(audit_resends=true). In AWX, put it on storage that outlives the job (a path exposed to jobs), not in
        the project or the job's private directory, which every job gets afresh.
    type: path
  audit_resends:
    description:
      - Also read earlier resends from the audit trail of the last O(resend_every_days) days (entries whose
        C(event_details) names a resend and whose C(event_details_params) carry C(device_id)). Set it when your
        tenant's audit trail shows resends (check with M(secops.mobile_security.hm_audit_info)).
    type: bool
    default: false
  force:
    description:
      - Act although how long devices have waited cannot be told (the service ignores call 5's time window, or
        RV(status_reading) is V(unknown)). Every device in C(user_notified) now is then taken
        as older than O(resend_after_days) and, with O(delete_after_days), O(delete_after_days) (deletes still
        within O(max_deletes)).
    type: bool
    default: false
extends_documentation_fragment:
  - secops.mobile_security.attributes
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
  - secops.mobile_security.delete_guard
'''

EXAMPLES = r'''
- name: Weekly reminders by e-mail and SMS, once a week at most
  secops.mobile_security.hm_registration_hygiene:
    resend_after_days: 7
    resend_every_days: 7
    send_reg_sms: true
    state_file: /var/lib/awx/hygiene/resends.json

- name: Also delete what nobody registered in 60 days, at most 10 devices a run, in EMEA only
  secops.mobile_security.hm_registration_hygiene:
    resend_after_days: 7
    delete_after_days: 60
    max_deletes: 10
    groups: [EMEA]
    state_file: /var/lib/awx/hygiene/resends.json
'''

RETURN = r'''
devices:
  description:
    - One item per device resent to or deleted. C(action) is C(resend) or C(delete); C(result) is C(ok),
      C(failed) (with C(error)), C(planned) in check mode, or C(skipped) (with C(reason)) for a device to delete
      that registered meanwhile or is gone. The same item shape as every bulk module's.
  returned: always
  type: list
  elements: dict
  sample:
    - {action: resend, email: ana@example.com, device_id: "17", send_reg_email: true, send_reg_sms: false, last_resend: null, result: ok}
    - {action: delete, email: bo@example.com, device_id: "9", reason: never registered, result: planned}
summary:
  description: How many devices were resent to, deleted, left (resent within O(resend_every_days), or skipped), and failed.
  returned: always
  type: dict
  sample: {resent: 3, deleted: 1, unchanged: 5, failed: 0}
waiting:
  description: Devices past O(resend_after_days) not resent because their last resend is recent, with its time and the next one.
  returned: always
  type: list
  elements: dict
  sample:
    - {email: cy@example.com, device_id: "21", last_resend: "2026-12-01T08:00:00Z", next_resend: "2026-12-08T08:00:00Z"}
window_enforced:
  description:
    - Whether the service applied every call-5 window it was asked (bounds and status). With an ignored status
      under reading V(entered) the waits are still exact and the run goes on; otherwise V(false) comes with a
      failed task, or with O(force=true).
  returned: when the devices were read
  type: bool
status_reading:
  description:
    - Which reading of call 5 the service's own answers show - V(entered) (a change into the status inside the
      window), V(in_status) (the status at any time in it), or V(unknown). With V(unknown) nothing is resent or
      deleted unless O(force=true), except that no device in C(user_notified) means nothing to do.
  returned: when the devices were read
  type: str
  choices: [entered, in_status, unknown]
  sample: entered
predicted:
  description: True in check mode, where RV(devices) and RV(summary) are the plan.
  returned: always
  type: bool
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import guards, registration_hygiene
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule


class RegistrationHygieneModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(
            resend_after_days=dict(type="int", default=registration_hygiene.DEFAULTS["resend_after_days"]),
            resend_every_days=dict(type="int", default=registration_hygiene.DEFAULTS["resend_every_days"]),
            delete_after_days=dict(type="int"),
            **guards.option_specs(),
            groups=dict(type="list", elements="str", default=[]),
            send_reg_email=dict(type="bool", default=registration_hygiene.DEFAULTS["send_reg_email"]),
            send_reg_sms=dict(type="bool", default=registration_hygiene.DEFAULTS["send_reg_sms"]),
            state_file=dict(type="path"),
            audit_resends=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
        ))

    def execute(self):
        registration_hygiene.HygieneRun(self).run()


def main():
    RegistrationHygieneModule().run()


if __name__ == "__main__":
    main()
