#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_group_info
short_description: List Harmony Mobile device groups with their full paths
version_added: "1.0.0"
description:
  - Returns every group of the tenant, or one group by name, each with its full path such as C(ALL/EMEA/Sales).
author:
  - secops.mobile_security contributors (@secops)
options:
  name:
    description:
      - Return only the group with this name (an empty list if there is none).
    type: str
extends_documentation_fragment:
  - secops.mobile_security.attributes.info_module
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
'''

EXAMPLES = r'''
- name: All groups
  secops.mobile_security.hm_group_info:
  register: hm_groups

- name: Print every path
  ansible.builtin.debug:
    msg: "{{ hm_groups.groups | map(attribute='path') | list }}"

- name: One group
  secops.mobile_security.hm_group_info:
    name: Sales
  register: sales

- name: Fail when Sales is missing
  ansible.builtin.assert:
    that: sales.groups | length == 1
'''

RETURN = r'''
groups:
  description: Groups, sorted by path.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Group id.
      type: int
      sample: 4
    name:
      description: Group name.
      type: str
      sample: Sales
    parent_id:
      description: Id of the parent group; null for the root group C(ALL).
      type: int
      sample: 2
    parent_name:
      description: Name of the parent group.
      type: str
      sample: EMEA
    path:
      description: Full path from the root.
      type: str
      sample: ALL/EMEA/Sales
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule


class GroupInfoModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(name=dict(type="str")))

    def execute(self):
        name = self.params["name"]
        tree = self.tenant.group_tree()
        ids = list(tree.by_id)
        if name is not None:
            ids = [g["id"] for g in tree.by_id.values() if g["name"] == name]
        self.result["groups"] = sorted((tree.describe(i) for i in ids), key=lambda g: g["path"])


def main():
    GroupInfoModule().run()


if __name__ == "__main__":
    main()
