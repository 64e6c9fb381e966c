#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: hm_audit_info
short_description: Read the Harmony Mobile audit trail past a cursor, by time or by module
version_added: "1.0.0"
description:
  - Reads audit entries (API v3) filtered by id (C(id__gt)), time (C(time__gt)) and module, following every page,
    oldest first.
  - Returns RV(newest_id) to store and pass as O(since_id) next time.
author:
  - secops.mobile_security contributors (@secops)
options:
  since_id:
    description: Only entries with a greater id.
    type: str
  time_after:
    description: Only entries after this time, C(YYYY-MM-DD HH:MM:SS) as the guide writes it (UTC).
    type: str
  module:
    description: Only entries of this dashboard module, for example V(Policy).
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
- name: Policy changes since the first of July
  secops.mobile_security.hm_audit_info:
    time_after: "2026-07-01 00:00:00"
    module: Policy
  register: policy_changes

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
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import log_entries
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


class AuditInfoModule(HarmonyMobileModule):
    def __init__(self):
        super(AuditInfoModule, self).__init__(dict(
            since_id=dict(type="str"),
            time_after=dict(type="str"),
            module=dict(type="str"),
            limit=dict(type="int"),
        ))

    def execute(self):
        limit = self.limit()
        filters = {}
        if self.params["time_after"] is not None:
            filters["time__gt"] = log_entries.audit_time(self.params["time_after"])
        if self.params["module"] is not None:
            if not self.params["module"].strip():
                raise UserError("module: must not be empty")
            filters["module"] = self.params["module"].strip()
        since_id = log_entries.cursor(self.params["since_id"], "since_id")
        audits, newest = log_entries.read(self.client, "audit", filters, since_id, limit)
        self.result.update(audits=audits, newest_id=newest, count=len(audits))


def main():
    AuditInfoModule().run()


if __name__ == "__main__":
    main()
