#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_group_hierarchy
short_description: Make the Harmony Mobile group tree match a nested description in one task
version_added: "1.0.0"
description:
  - Reads the tenant's groups once, plans the creates, moves and (optionally) deletes that make the tree
    match O(tree), and applies them in a safe order. Parents come before children when creating or moving,
    children before parents when deleting.
  - Idempotent; a second run with the same O(tree) makes no change. A run stopped halfway is finished by the next run.
  - Group names are unique in a tenant, so a group of O(tree) that exists elsewhere (another play built its own
    C(EMEA)) is moved. A move changes the policy scope of every device in the group and below it, so moves are
    bounded by O(max_moves); by default a group that holds devices is never moved, and the run fails before
    writing anything, naming the group, its path before and after and how many devices would change scope.
  - Supports check mode (the plan is returned, nothing is written) and diff mode (each group created, moved or
    deleted, with its path before and after).
  - Used by the C(secops.mobile_security.group_hierarchy) role.
author:
  - secops.mobile_security contributors (@secops)
options:
  tree:
    description:
      - The groups under C(ALL), nested. Each item is a mapping with C(name) and optional C(children)
        (a list of the same), or just a name.
      - Names must be unique across the whole tree, as in the tenant.
    type: list
    elements: raw
    required: true
  purge:
    description:
      - Delete every group that is not in O(tree) (except C(ALL)), deepest first.
      - Named C(prune) before 1.1.0; that name works until 2.0.0 and warns. C(purge) is the collection's one
        word for deleting what the desired state does not name (as in M(secops.mobile_security.hm_device_sync)).
      - Refused, before anything is written, when it would delete more groups than O(max_deletes) allows, when
        O(tree) is empty (unless O(max_deletes=all)), or when a group to delete still holds devices (unless
        O(force=true)).
    type: bool
    default: false
    aliases: [prune]
    version_added: "1.1.0"
  max_deletes:
    description:
      - The most groups one run may purge; a count (V(3)), a percentage of the tenant's groups other than
        C(ALL) (V(20%), rounded down, so V(0%) allows none; see O(max_deletes_floor) for small scopes), or V(all).
    type: str
    default: "20%"
  force:
    description:
      - Purge groups even though devices are still in them. B(What the service does with those devices is not
        documented:) it may move them to C(ALL) or delete them.
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
- name: Regions and teams
  secops.mobile_security.hm_group_hierarchy:
    tree:
      - name: EMEA
        children:
          - name: EMEA-Sales
          - name: EMEA-Support
      - name: AMER
        children:
          - AMER-Sales
    purge: false
  register: groups_result

- name: Adopt the tenant's existing EMEA (and the devices in it) into this tree on purpose
  secops.mobile_security.hm_group_hierarchy:
    tree:
      - name: Customer-A
        children: [EMEA]
    max_moves: 1

- name: Show what changed
  ansible.builtin.debug:
    var: groups_result.operations
'''

RETURN = r'''
operations:
  description:
    - One item per group created, moved or deleted, identified by C(name) and C(path) (after the operation; for a
      delete, before it; a move also has C(from) and C(from_path)). C(action) is C(create), C(move) or C(delete); C(result) is
      C(ok), C(failed) (with C(error)), or C(planned) in check mode. The same item shape as every bulk
      module's (docs/conventions.md).
    - C(op), 1.0.0's name of C(action), is kept as a copy until 2.0.0.
    - A move also has C(devices), how many devices (in the group and in the sub-groups that stay below it) change
      scope with it; the run warns of each move that changes a device's scope.
    - A failed write stops the run (later operations depend on it); operations after it have no C(result). A run
      refused by a guard (O(max_deletes), O(max_moves), devices in a group to purge) returns the operations it
      refused, none with a C(result).
  returned: always
  type: list
  elements: dict
  sample:
    - {action: create, name: EMEA, path: ALL/EMEA, parent: ALL, result: ok}
    - {action: move, name: Sales, path: ALL/EMEA/Sales, parent: EMEA, from: ALL, from_path: ALL/Sales, devices: 0,
       result: ok}
    - {action: delete, name: Old, path: ALL/Old, result: failed, error: "DELETE ... failed (HTTP 400): ..."}
summary:
  description:
    - Groups created, moved and deleted (successful writes only; in check mode, planned), groups of the tree
      already in place (C(unchanged)) and failed writes. Every key is always present; the same shape as every
      bulk module's summary.
  returned: always
  type: dict
  sample: {created: 2, moved: 1, deleted: 0, unchanged: 7, failed: 0}
groups:
  description: Every group after the run, with id, name, parent and full path.
  returned: always
  type: list
  elements: dict
diff:
  description:
    - The groups the run creates, moves or deletes, keyed by name, each with its C(path); C(count) is the number of
      groups under C(ALL). A created group is only on the after side, a deleted one only on the before side, a moved
      one on both with its old and new path and C(devices), how many devices change scope (docs/conventions.md).
  returned: when diff mode is on
  type: dict
  sample:
    before: {count: 3, groups: {Field: {path: ALL/Sales/Field, devices: 4}, Old: {path: ALL/Old}}}
    after: {count: 3, groups: {Field: {path: ALL/Ops/Field, devices: 4}, Desk: {path: ALL/Ops/Desk}}}
planned_groups:
  description:
    - In check mode, the groups this task would create; pass them to a later task's
      O(secops.mobile_security.hm_device_sync#module:planned_groups) so the whole play can be previewed with
      C(--check --diff) on a tenant that does not have them yet. Empty otherwise.
    - Later tasks of the same run see them without that wiring (docs/gitops.md).
  returned: always
  type: list
  elements: str
  sample: [EMEA, EMEA-Sales]
tenant:
  description: The tenant the task worked on, never the key (the fields are described in the notes above).
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import groups, guards, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule


class GroupHierarchyModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(
            tree=dict(type="list", elements="raw", required=True),
            purge=dict(type="bool", default=False, aliases=["prune"], deprecated_aliases=[
                dict(name="prune", version="2.0.0", collection_name="secops.mobile_security")]),
            **guards.option_specs(),
            max_moves=groups.max_moves_spec(),
            force=dict(type="bool", default=False),
            run_plan=run_plan.option_spec(),
        ))

    def execute(self):
        groups.GroupHierarchySync(self).run()


def main():
    GroupHierarchyModule().run()


if __name__ == "__main__":
    main()
