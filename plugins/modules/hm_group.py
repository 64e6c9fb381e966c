#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_group
short_description: Create, rename, move and delete Harmony Mobile device groups
version_added: "1.0.0"
description:
  - Manages one group of the Check Point Harmony Mobile tenant through the Infinity Portal external API.
  - Group names are unique in a tenant, so O(name) identifies the group.
  - Idempotent; supports check mode and diff mode.
author:
  - secops.mobile_security contributors (@secops)
options:
  name:
    description:
      - Name of the group. With O(new_name), the group's current name.
    type: str
    required: true
  parent:
    description:
      - Parent group, as a name (V(EMEA)), a full path (V(ALL/EMEA)) or a numeric id.
      - When the group is created and O(parent) is not given, it is created under V(ALL).
      - When the group exists and O(parent) is not given, its parent is left as it is. Give it to move the group;
        the move is bounded by O(max_moves) (by default a group that holds devices, in it or below it, is not
        moved) and reported in RV(move), RV(msg) and the diff, with how many devices change scope.
      - A value that is both one group's name and another group's id (a group named V(12) beside group 12) is
        refused naming both; give the full path of the one you mean.
    type: str
  new_name:
    description:
      - Rename the group to this name. Idempotent; if a group named O(new_name) already exists
        and O(name) does not, the rename is taken as done.
    type: str
  state:
    description:
      - V(present) creates or updates the group; V(absent) deletes the group named O(name), and only that one
        (O(new_name) and O(parent) are refused with it).
      - A group that still has sub-groups is not deleted; delete or move them first (the
        M(secops.mobile_security.hm_group_hierarchy) module orders this for you).
      - A group that still holds devices is not deleted unless O(force=true); the error says how many.
      - The delete counts against O(max_deletes), whose scope is the tenant's groups other than C(ALL).
      - A group that is not there is not an error. The task is unchanged and RV(msg) says so, naming the
        closest existing group names, the likeliest first (compared without case, with O and 0, l and 1 taken for
        one another, so C(Seed-O) names C(Seed-0) first; most often the name was misspelt). In check mode, a
        group an earlier task of the run plans to create is a planned delete (changed, and RV(msg) says so).
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), delete the group even though devices are still in it.
      - B(What the service does with those devices is not documented:) it may move them to C(ALL) or delete
        them. Move them first (M(secops.mobile_security.hm_device_sync)) unless you accept either.
      - Sub-groups are never deleted by this option.
    type: bool
    default: false
extends_documentation_fragment:
  - secops.mobile_security.attributes
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
  - secops.mobile_security.group_moves
  - secops.mobile_security.delete_guard
  - secops.mobile_security.planned_groups.run_plan
'''

EXAMPLES = r'''
- name: Create EMEA under ALL
  secops.mobile_security.hm_group:
    name: EMEA
    client_id: "{{ hm_client_id }}"
    access_key: "{{ hm_access_key }}"

- name: Create Sales under EMEA, credentials from HM_CLIENT_ID / HM_ACCESS_KEY
  secops.mobile_security.hm_group:
    name: Sales
    parent: EMEA

- name: Move Sales under ALL/AMER
  secops.mobile_security.hm_group:
    name: Sales
    parent: ALL/AMER

- name: Move EMEA although devices are in it (their policy scope changes with it)
  secops.mobile_security.hm_group:
    name: EMEA
    parent: Customer-A
    max_moves: 1

- name: Rename Sales to Field Sales
  secops.mobile_security.hm_group:
    name: Sales
    new_name: Field Sales

- name: Delete the group
  secops.mobile_security.hm_group:
    name: Field Sales
    state: absent
'''

RETURN = r'''
group:
  description: The group after the task; empty when O(state=absent).
  returned: always
  type: dict
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
      description: Id of the parent group.
      type: int
      sample: 2
    parent_name:
      description: Name of the parent group.
      type: str
      sample: EMEA
    path:
      description: Full path from the root group.
      type: str
      sample: ALL/EMEA/Sales
diff:
  description:
    - Before and after state of the group (diff mode); a move also shows C(devices), how many devices change
      scope, on both sides.
  returned: when diff mode is on
  type: dict
move:
  description:
    - The move the task made (in check mode, would make) or refused. The group, its path before and after and how
      many devices, in it and in its sub-groups, change scope. Only when the group's parent changes.
  returned: when the group is moved
  type: dict
  sample: {name: EMEA, from_path: ALL/Customer-A/Sales/EMEA, path: ALL/EMEA, devices: 3}
msg:
  description:
    - What a move did, in words; or, with O(state=absent) on a group that is not there, that nothing was deleted
      and the closest existing group names (in check mode, on a group an earlier task plans to create, that the
      run would delete it).
  returned: when the group is moved, or not there with O(state=absent)
  type: str
  sample: "group 'Salse' does not exist; nothing was deleted. Closest existing group names: Sales"
planned_groups:
  description:
    - In check mode, the group this task would create or rename to; pass it to a later task's
      O(secops.mobile_security.hm_device#module:planned_groups) so the whole play can be previewed. Empty otherwise.
    - Later tasks of the same run see it without that wiring (docs/gitops.md).
  returned: always
  type: list
  elements: str
  sample: [EMEA-Sales]
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import groups, guards, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule


class GroupModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(
            name=dict(type="str", required=True),
            parent=dict(type="str"),
            new_name=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            force=dict(type="bool", default=False),
            **guards.option_specs(),
            max_moves=groups.max_moves_spec(),
            run_plan=run_plan.option_spec(),
        ))

    def execute(self):
        groups.GroupState(self).run()


def main():
    GroupModule().run()


if __name__ == "__main__":
    main()
