#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: hm_alert_info
short_description: Read Harmony Mobile dashboard alerts past a cursor
version_added: "1.0.0"
description:
  - Reads alerts (API v3) with ids greater than O(since_id), following every page, oldest first.
  - Returns RV(newest_id); store it and pass it as O(since_id) next time to read only new alerts.
  - O(severity) is filtered on the client (the API documents no severity filter). RV(newest_id) still
    covers every alert read, so filtered-out alerts are not read again.
author:
  - secops.mobile_security contributors (@secops)
options:
  since_id:
    description: Only alerts with a greater id (the API's C(id__gt)). Omit to read all alerts.
    type: str
  before_id:
    description: Only alerts with a smaller id (C(id__lt), as public integrations use it for older alerts).
    type: str
  severity:
    description: Keep only these severities (case-insensitive), for example V(HIGH).
    type: list
    elements: str
  limit:
    description:
      - Return at most this many alerts (the oldest ones); RV(newest_id) is then the last one returned, so
        the next call continues from there.
    type: int
extends_documentation_fragment:
  - secops.mobile_security.attributes.info_module
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
'''

EXAMPLES = r'''
- name: Read new alerts since the stored cursor
  secops.mobile_security.hm_alert_info:
    since_id: "{{ lookup('ansible.builtin.file', '/var/lib/soc/hm_alert_cursor', errors='ignore') | default('0', true) }}"
  register: new_alerts

- name: Store the cursor
  ansible.builtin.copy:
    content: "{{ new_alerts.newest_id }}"
    dest: /var/lib/soc/hm_alert_cursor
    mode: "0600"

- name: High-severity alerts only
  secops.mobile_security.hm_alert_info:
    severity: [HIGH]
'''

RETURN = r'''
alerts:
  description: Alerts, oldest first, with the API's fields (id, event, severity, device_id, email, details, ...).
  returned: always
  type: list
  elements: dict
newest_id:
  description: The highest alert id read (O(since_id) when there was nothing new); null when there are no alerts.
  returned: always
  type: int
  sample: 1207
count:
  description: Number of alerts returned.
  returned: always
  type: int
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import log_entries
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule


class AlertInfoModule(HarmonyMobileModule):
    def __init__(self):
        super(AlertInfoModule, self).__init__(dict(
            since_id=dict(type="str"),
            before_id=dict(type="str"),
            severity=dict(type="list", elements="str"),
            limit=dict(type="int"),
        ))

    def execute(self):
        since_id = log_entries.cursor(self.params["since_id"], "since_id")
        before_id = log_entries.cursor(self.params["before_id"], "before_id")
        limit = self.limit()
        wanted = set(s.strip().upper() for s in self.params["severity"] or [])
        keep = (lambda a: str(a.get("severity", "")).upper() in wanted) if wanted else None
        filters = {"id__lt": before_id} if before_id is not None else {}
        alerts, newest = log_entries.read(self.client, "alert", filters, since_id, limit, keep)
        self.result.update(alerts=alerts, newest_id=newest, count=len(alerts))


def main():
    AlertInfoModule().run()


if __name__ == "__main__":
    main()
