#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_audit_info
short_description: Read the Harmony Mobile audit trail past a cursor, by time or by module
version_added: "1.0.0"
description:
  - Reads audit entries (API v3) filtered by id (C(id__gt)) and time (C(time__gt)), following every page,
    oldest first.
  - O(module) is matched here, in any case, and never sent to the service, whose match may be case-sensitive and
    would then return too few.
  - Every filter is also checked on each entry returned, so a service that ignores one cannot widen the answer.
  - Returns RV(newest_id) to store and pass as O(since_id) next time.
author:
  - secops.mobile_security contributors (@secops)
options:
  since_id:
    description: Only entries with a greater id.
    type: str
  from:
    description:
      - Only entries at or after this time. ISO 8601, C(MM/DD/YYYY HH:MM:SS), the guide's C(YYYY-MM-DD HH:MM:SS),
        epoch milliseconds, or an age such as V(24h) (UTC when no zone is given).
      - O(time_after) is its deprecated alias (until 2.0.0).
    type: str
    aliases: [time_after]
    version_added: "1.2.0"
  to:
    description: Only entries at or before this time, in the same forms as O(from).
    type: str
    version_added: "1.2.0"
  module:
    description: Only entries of this dashboard module, for example V(Policy) (any case, checked on each entry).
    type: str
  limit:
    description: Return at most this many entries (the oldest); RV(newest_id) is then the last one returned.
    type: int
extends_documentation_fragment:
  - secops.mobile_security.attributes.info_module
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
'''

EXAMPLES = r'''
- name: Policy changes in July
  secops.mobile_security.hm_audit_info:
    from: "2026-07-01T00:00:00Z"
    to: "2026-07-31T23:59:59Z"
    module: Policy
  register: policy_changes

- name: Everything of the last day
  secops.mobile_security.hm_audit_info:
    from: 24h

- name: Everything since the last stored id
  secops.mobile_security.hm_audit_info:
    since_id: "{{ last_audit_id }}"
'''

RETURN = r'''
audits:
  description: Audit entries, oldest first (id, category, event_details, event_details_params, module, severity, admin_user, time).
  returned: always
  type: list
  elements: dict
newest_id:
  description: The highest id read (O(since_id) when there was nothing new); null when there are no entries.
  returned: always
  type: int
count:
  description: Number of entries returned.
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
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


class AuditInfoModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(
            since_id=dict(type="str"),
            **{"from": dict(type="str", aliases=["time_after"],
                            deprecated_aliases=[dict(name="time_after", version="2.0.0",
                                                     collection_name="secops.mobile_security")]),
               "to": dict(type="str")},
            module=dict(type="str"),
            limit=dict(type="int"),
        ))

    def execute(self):
        module = self.params["module"]
        if module is not None and not module.strip():
            raise UserError("module: must not be empty")
        start, end = times.window(self.params["from"], self.params["to"], "from", "to")
        audits, newest = log_entries.audits(self.client, since_id=log_entries.cursor(self.params["since_id"], "since_id"),
                                            start=start, end=end, module=module.strip() if module else None,
                                            limit=self.limit())
        self.result.update(audits=audits, newest_id=newest, count=len(audits))


def main():
    AuditInfoModule().run()


if __name__ == "__main__":
    main()
