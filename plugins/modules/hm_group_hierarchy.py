#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
  - Supports check mode (the plan is returned, nothing is written) and diff mode (group paths before and after).
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
        C(ALL) (V(20%); a percentage never blocks fewer than 5 deletes), or V(all).
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

- name: Show what changed
  ansible.builtin.debug:
    var: groups_result.operations
'''

RETURN = r'''
operations:
  description:
    - One item per group created, moved or deleted. C(action) is C(create), C(move) or C(delete); C(result) is
      C(ok), C(failed) (with C(error)), or C(planned) in check mode. The same item shape as every bulk
      module's (docs/conventions.md).
    - C(op), 1.0.0's name of C(action), is kept as a copy until 2.0.0.
    - A failed write stops the run (later operations depend on it); operations after it have no C(result).
  returned: always
  type: list
  elements: dict
  sample:
    - {action: create, name: EMEA, parent: ALL, result: ok}
    - {action: move, name: Sales, parent: EMEA, from: ALL, result: ok}
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
  description: Group paths before and after.
  returned: when diff mode is on
  type: dict
planned_groups:
  description:
    - In check mode, the groups this task would create; pass them to a later task's
      O(secops.mobile_security.hm_device_sync#module:planned_groups) so the whole play can be previewed with
      C(--check --diff) on a tenant that does not have them yet. Empty otherwise.
  returned: always
  type: list
  elements: str
  sample: [EMEA, EMEA-Sales]
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk, group_tree
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.guards import DEFAULT_MAX_DELETES, max_deletes_allowed
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule

ITEM_ACTIONS = ("create", "move", "delete")


class GroupHierarchyModule(HarmonyMobileModule):
    def __init__(self):
        super(GroupHierarchyModule, self).__init__(dict(
            tree=dict(type="list", elements="raw", required=True),
            purge=dict(type="bool", default=False, aliases=["prune"], deprecated_aliases=[
                dict(name="prune", version="2.0.0", collection_name="secops.mobile_security")]),
            max_deletes=dict(type="str", default=DEFAULT_MAX_DELETES),
            force=dict(type="bool", default=False),
        ))

    def execute(self):
        desired = group_tree.flatten(self.params["tree"])
        current = self.client.list_groups()
        ops = group_tree.plan(current, desired, purge=self.params["purge"])
        if self.params["purge"]:
            self.purge_guard(ops, current, desired)
        touched = set(op["name"] for op in ops)
        unchanged = sum(1 for name, _parent in desired if name not in touched)
        self.result["operations"] = ops
        self.result["changed"] = bool(ops)
        # Check mode: the groups this task would create, for later tasks' planned_groups.
        self.result["planned_groups"] = [op["name"] for op in ops if op["action"] == "create"] if self.check_mode else []
        before_paths = group_tree.paths(current)
        if self.check_mode:
            bulk.mark_planned(ops, ITEM_ACTIONS)
            self.report(ops, unchanged)
            after = group_tree.apply_to_model(current, ops)
            self.set_diff({"paths": before_paths}, {"paths": group_tree.paths(after)})
            self.result["groups"] = self.describe_all(after)
            return
        self.apply(ops, current, unchanged)
        self.report(ops, unchanged)
        after = self.client.list_groups()
        self.set_diff({"paths": before_paths}, {"paths": group_tree.paths(after)})
        self.result["groups"] = self.describe_all(after)

    def report(self, ops, unchanged):
        for op in ops:
            # 1.0.0 called the action `op`; kept as a copy until 2.0.0 (changelog, docs/conventions.md).
            op["op"] = op["action"]
        self.result["summary"] = bulk.summary([op for op in ops if "result" in op], ITEM_ACTIONS, unchanged)

    def purge_guard(self, ops, current, desired):
        """Refuse a purge the user cannot have meant, before any write (and in check mode)."""
        deletes = [op["name"] for op in ops if op["action"] == "delete"]
        if not deletes:
            return
        existing = len(current) - 1  # ALL is never deleted
        allowed = max_deletes_allowed(self.params["max_deletes"], existing)
        if not desired and allowed is not None:
            raise UserError("tree: empty with purge: true, which would delete all %d group(s); to do that on "
                            "purpose, set max_deletes: all" % len(deletes))
        if allowed is not None and len(deletes) > allowed:
            raise UserError("max_deletes: the purge would delete %d of the %d group(s) (%s), more than max_deletes "
                            "%s allows (%d); nothing was changed" % (len(deletes), existing, ", ".join(deletes[:10]),
                                                                     self.params["max_deletes"], allowed))
        if self.params["force"]:
            return
        groups = group_tree.GroupTree(current).by_name
        held = [(name, self.client.device_count({"groups__in": str(groups[name]["id"])})) for name in deletes]
        held = [(name, count) for name, count in held if count]
        if held:
            raise UserError("purge: these groups still hold devices: %s; move the devices first, or set force: true "
                            "to purge anyway (the service may move those devices to ALL or delete them)" % ", ".join(
                                "%s (%d)" % pair for pair in held))

    def apply(self, ops, current, unchanged):
        # Ids are resolved as we go: a create's id is needed by its children's ops.
        ids = dict((name, group["id"]) for name, group in group_tree.GroupTree(current).by_name.items())
        for op in ops:
            try:
                if op["action"] == "create":
                    created = self.client.add_group(op["name"], ids[op["parent"]])
                    ids[op["name"]] = int(created["id"])
                elif op["action"] == "move":
                    self.client.edit_group(ids[op["name"]], parent_id=ids[op["parent"]])
                else:
                    self.client.delete_group(ids.pop(op["name"]))
                bulk.succeeded(op)
            except ApiError as err:
                bulk.failed(op, err)
                self.report(ops, unchanged)
                self.fail("%s of group %r failed: %s. A re-run continues from the current state." % (
                    op["action"], op["name"], err), api_error=err.to_result())

    @staticmethod
    def describe_all(groups):
        tree = group_tree.GroupTree(groups)
        return sorted((tree.describe(i) for i in tree.by_id), key=lambda g: g["path"])


def main():
    GroupHierarchyModule().run()


if __name__ == "__main__":
    main()
