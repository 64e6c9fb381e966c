#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

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
  - Alerts come in several shapes on the live service (severity words such as V(HIGH), V(High) or V(Critical);
    times as C(MM/DD/YYYY HH:MM:SS), ISO 8601, C(No data) or null; C(device_id) as a string or a number;
    C(device_rooted) as V(false) or V("False")). Each alert keeps its raw fields and gains normalised ones
    (RV(alerts[].severity_level), RV(alerts[].event_time), RV(alerts[].updated_time), RV(alerts[].is_rooted),
    RV(alerts[].device_internal_id)).
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
    description:
      - Keep only alerts of these severities, in any vocabulary and case-insensitively; V(high) matches
        C(HIGH), C(High) and C(3).
      - "Known words: V(none) (also C(No Risk), C(Info), C(Informational), C(0)); V(low) (C(1));
        V(medium) (C(Med), C(Moderate), C(2)); V(high) (C(3)); V(critical) (C(Crit), C(Severe), C(Very High), C(4))."
      - Any other word matches alerts with exactly that word, ignoring case.
    type: list
    elements: str
  updated_from:
    description:
      - Only alerts last updated at or after this time (the API's C(backend_last_updated__gte)).
      - An ISO 8601 time (V(2026-11-23T08:00:00Z); no offset means UTC), C(MM/DD/YYYY HH:MM:SS) (UTC), epoch
        milliseconds, or an age such as V(30m), V(24h) or V(7d).
      - The bound is also checked on every alert returned, in case a service ignores the filter.
      - The API guide does not list this filter (production connectors use it), so the module also filters on
        its side; alerts whose C(backend_last_updated) is C(No data) or null are left out.
    type: str
  updated_to:
    description: Only alerts last updated at or before this time (C(backend_last_updated__lte)); same forms as
      O(updated_from).
    type: str
  limit:
    description:
      - Return at most this many alerts (the oldest ones); RV(newest_id) is then the last one returned, so
        the next call continues from there.
    type: int
extends_documentation_fragment:
  - secops.mobile_security.attributes.info_module
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
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

- name: High and critical alerts of the last 24 hours, whatever words the tenant uses
  secops.mobile_security.hm_alert_info:
    severity: [high, critical]
    updated_from: 24h
  register: recent

- name: Show when each happened, in UTC
  ansible.builtin.debug:
    msg: "{{ item.severity_level }} {{ item.event }} at {{ item.event_time | default('unknown', true) }}"
  loop: "{{ recent.alerts }}"
'''

RETURN = r'''
alerts:
  description: Alerts, oldest first, with the API's fields as they came (id, event, severity, device_id, email,
    details, ...) and the normalised fields below.
  returned: always
  type: list
  elements: dict
  contains:
    severity_level:
      description: The severity as one of V(none), V(low), V(medium), V(high), V(critical); an unknown word is
        kept as it came.
      type: str
      sample: critical
    event_time:
      description: C(event_timestamp) as ISO 8601 UTC; null when the alert has no usable time.
      type: str
      sample: "2023-02-22T02:22:20Z"
    updated_time:
      description: C(backend_last_updated) as ISO 8601 UTC, or null.
      type: str
      sample: "2023-02-22T02:25:00Z"
    is_rooted:
      description: C(device_rooted) as a real bool (the string C("False") is false); null when absent.
      type: bool
      sample: false
    device_internal_id:
      description: C(device_id) as a string, or null.
      type: str
      sample: "2"
newest_id:
  description: The highest alert id read (O(since_id) when there was nothing new); null when there are no alerts.
  returned: always
  type: int
  sample: 1207
count:
  description: Number of alerts returned.
  returned: always
  type: int
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import log_entries, times
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule


class AlertInfoModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(
            since_id=dict(type="str"),
            before_id=dict(type="str"),
            severity=dict(type="list", elements="str"),
            updated_from=dict(type="str"),
            updated_to=dict(type="str"),
            limit=dict(type="int"),
        ))

    def execute(self):
        updated_from, updated_to = times.window(self.params["updated_from"], self.params["updated_to"],
                                                "updated_from", "updated_to")
        alerts, newest = log_entries.alerts(
            self.client,
            since_id=log_entries.cursor(self.params["since_id"], "since_id"),
            before_id=log_entries.cursor(self.params["before_id"], "before_id"),
            severity=self.params["severity"], updated_from=updated_from, updated_to=updated_to, limit=self.limit())
        self.result.update(alerts=alerts, newest_id=newest, count=len(alerts))


def main():
    AlertInfoModule().run()


if __name__ == "__main__":
    main()
