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
      - When the group exists and O(parent) is not given, its parent is left as it is. Give it to move the group.
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
  description: Before and after state of the group (diff mode).
  returned: when diff mode is on
  type: dict
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

from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import ROOT_NAME, validate_name
from ansible_collections.secops.mobile_security.plugins.module_utils import guards, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


class GroupModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(
            name=dict(type="str", required=True),
            parent=dict(type="str"),
            new_name=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            force=dict(type="bool", default=False),
            max_deletes=guards.option_spec(),
            run_plan=run_plan.option_spec(),
        ))

    def plan_for_later_tasks(self, created=None, deleted=None):
        """Check mode: the groups this task would create or delete ({name: path}), for later tasks of the run
        (docs/gitops.md)."""
        self.result["planned_groups"] = sorted(created or {})
        facts = run_plan.with_changes(self.params, self.check_mode, created or {}, deleted or {})
        if facts:
            self.result["ansible_facts"] = facts

    def execute(self):
        self.result["planned_groups"] = []
        if self.params["state"] == "absent":
            # A delete acts on the group the task names, never on one found through another option.
            for option in ("new_name", "parent"):
                if self.params[option] is not None:
                    raise UserError("%s: %r cannot be used with state=absent, which deletes only the group named "
                                    "in name (%r)" % (option, self.params[option], self.params["name"]))
        elif self.params["force"]:
            raise UserError("force: applies only to state=absent")
        name = validate_name(self.params["name"])
        new_name = self.params["new_name"]
        if new_name is not None:
            validate_name(new_name, "new_name")
        if ROOT_NAME in (name, new_name):
            raise UserError("name: the root group %r cannot be created, renamed or deleted" % ROOT_NAME)

        tree = self.tenant.group_tree()
        current = tree.by_name.get(name)
        if current is None and new_name is not None:
            current = tree.by_name.get(new_name)
        elif current is not None and new_name is not None and new_name != name and new_name in tree.by_name:
            raise UserError("new_name: a group named %r already exists" % new_name)
        before = tree.describe(current["id"]) if current else None

        if self.params["state"] == "absent":
            self.ensure_absent(tree, current, before)
        else:
            self.ensure_present(tree, current, before, new_name or name)

    def ensure_absent(self, tree, current, before):
        self.result["group"] = {}
        if current is None:
            return
        children = tree.children(current["id"])
        if children:
            raise UserError("name: group %r still has %d sub-group(s) (%s); delete or move them first" % (
                current["name"], len(children), ", ".join(c["name"] for c in children)))
        guards.check_deletes([before["path"]], len(tree.by_id) - 1, self.params["max_deletes"], "groups", "the tenant")
        guards.refuse_groups_holding_devices(self.tenant, [current], self.params["force"], "name")
        self.result["changed"] = True
        self.set_diff(before, None)
        if self.check_mode:
            self.plan_for_later_tasks(deleted={current["name"]: before["path"]})
        else:
            self.client.delete_group(current["id"])

    def ensure_present(self, tree, current, before, wanted_name):
        parent_ref = self.params["parent"]
        parent = self.parent(tree, parent_ref) if parent_ref is not None else None

        if current is None:
            parent = parent or tree.root
            after = {"id": None, "name": wanted_name, "parent_id": parent["id"], "parent_name": parent["name"],
                     "path": self.path_under(tree, parent, wanted_name)}
            self.result["changed"] = True
            self.set_diff(None, after)
            if self.check_mode:
                self.result["group"] = after
                self.plan_for_later_tasks(created={wanted_name: after["path"]})
                return
            created = self.client.add_group(wanted_name, parent["id"])
            self.result["group"] = self.reread(created.get("id"), wanted_name)
            return

        changes = {}
        if current["name"] != wanted_name:
            changes["name"] = wanted_name
        if parent is not None and parent["id"] != current["parent_id"]:
            if not parent.get("planned") and tree.would_cycle(current["id"], parent["id"]):
                raise UserError("parent: moving %r under %r would create a cycle (%r is inside %r)" % (
                    current["name"], parent["name"], parent["name"], current["name"]))
            changes["parent_id"] = parent["id"]
        if not changes:
            self.result["group"] = before
            return
        after = dict(before, name=wanted_name)
        if "parent_id" in changes:
            after.update(parent_id=parent["id"], parent_name=parent["name"],
                         path=self.path_under(tree, parent, wanted_name))
        else:
            after["path"] = before["path"].rsplit("/", 1)[0] + "/" + wanted_name
        self.result["changed"] = True
        self.set_diff(before, after)
        if self.check_mode:
            self.result["group"] = after
            if "name" in changes:
                self.plan_for_later_tasks(created={wanted_name: after["path"]},
                                          deleted={current["name"]: before["path"]})
            return
        self.client.edit_group(current["id"], **changes)
        self.result["group"] = self.reread(current["id"], wanted_name)

    def parent(self, tree, parent_ref):
        """The parent group; in check mode it may be one an earlier task of the run plans to create."""
        try:
            return tree.resolve(parent_ref, "parent")
        except UserError:
            planned = run_plan.tenant_plan(self.params, self.check_mode).get(parent_ref) or {}
            if planned.get("action") != "create":
                raise
        return {"id": None, "name": parent_ref, "path": planned.get("path") or parent_ref, "planned": True}

    @staticmethod
    def path_under(tree, parent, name):
        # A parent an earlier task plans has no id yet; its own path is in that task's result.
        return (parent["path"] if parent.get("planned") else tree.path(parent["id"])) + "/" + name

    def reread(self, group_id, name):
        tree = self.tenant.group_tree(refresh=True)
        group = tree.by_id.get(int(group_id)) if str(group_id).isdigit() else None
        group = group or tree.by_name.get(name)
        if group is None:
            raise UserError("name: group %r was written but is not in the group list afterwards" % name)
        return tree.describe(group["id"])


def main():
    GroupModule().run()


if __name__ == "__main__":
    main()
