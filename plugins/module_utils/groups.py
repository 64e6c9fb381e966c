# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Groups' state and plan: one group brought to a state (:class:`GroupState`, hm_group) and a whole tree
(:class:`GroupHierarchySync`, hm_group_hierarchy). What a group is (names, paths, the tree, the pure
hierarchy plan) is ``group_tree.py``'s; every group delete goes through the one delete guard (``guards``)."""

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk, diffs, group_tree, guards, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import ROOT_NAME, validate_name
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ModuleTask

# Every action an item of hm_group_hierarchy can carry, for the summary (bulk.summary).
HIERARCHY_ACTIONS = ("create", "move", "delete")


class GroupState(ModuleTask):
    """One group (hm_group): created, renamed, moved, or deleted (only the group named, through the delete guard
    and only when it holds no devices unless ``force``); in check mode, what later tasks of the run may use."""

    def plan_for_later_tasks(self, created=None, deleted=None):
        """Check mode: the groups this task would create or delete ({name: path}), for later tasks of the run
        (docs/gitops.md)."""
        self.result["planned_groups"] = sorted(created or {})
        facts = run_plan.with_changes(self.options, self.check_mode, created or {}, deleted or {})
        if facts:
            self.result["ansible_facts"] = facts

    def run(self):
        self.result["planned_groups"] = []
        if self.options["state"] == "absent":
            # A delete acts on the group the task names, never on one found through another option.
            for option in ("new_name", "parent"):
                if self.options[option] is not None:
                    raise UserError("%s: %r cannot be used with state=absent, which deletes only the group named "
                                    "in name (%r)" % (option, self.options[option], self.options["name"]))
        elif self.options["force"]:
            raise UserError("force: applies only to state=absent")
        name = validate_name(self.options["name"])
        new_name = self.options["new_name"]
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

        if self.options["state"] == "absent":
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
        guards.check_deletes([before["path"]], len(tree.by_id) - 1, self.options["max_deletes"], "groups", "the tenant")
        guards.refuse_groups_holding_devices(self.tenant, [current], self.options["force"], "name")
        self.result["changed"] = True
        self.set_diff(before, None)
        if self.check_mode:
            self.plan_for_later_tasks(deleted={current["name"]: before["path"]})
        else:
            self.client.delete_group(current["id"])

    def ensure_present(self, tree, current, before, wanted_name):
        parent_ref = self.options["parent"]
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
            planned = run_plan.tenant_plan(self.options, self.check_mode).get(parent_ref) or {}
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


class GroupHierarchySync(ModuleTask):
    """A whole group tree (hm_group_hierarchy): the pure plan, the delete guard over every group it deletes,
    the writes in order with one result per item (a failed one ends the run, which a re-run continues), the
    report and diff; in check mode the plan, and what later tasks of the run may use."""

    def run(self):
        desired = group_tree.flatten(self.options["tree"])
        current = self.tenant.groups()
        ops = group_tree.plan(current, desired, purge=self.options["purge"])
        self.guard_deletes(ops, current, desired)
        touched = {op["name"] for op in ops}
        unchanged = sum(1 for name, _parent in desired if name not in touched)
        self.result["operations"] = ops
        self.result["changed"] = bool(ops)
        created = [op for op in ops if op["action"] == "create"]
        # Check mode: the groups this task would create and delete, for later tasks of the run (docs/gitops.md).
        self.result["planned_groups"] = [op["name"] for op in created] if self.check_mode else []
        facts = run_plan.with_changes(self.options, self.check_mode, {op["name"]: op["path"] for op in created},
                                      {op["name"]: op["path"] for op in ops if op["action"] == "delete"})
        if facts:
            self.result["ansible_facts"] = facts
        if self.check_mode:
            bulk.mark_planned(ops, HIERARCHY_ACTIONS)
            self.report(ops, unchanged)
            after = group_tree.apply_to_model(current, ops)
        else:
            self.apply(ops, current, unchanged)
            self.report(ops, unchanged)
            after = self.tenant.groups(refresh=True)
        # Both sides count the groups under ALL.
        self.set_diff(*diffs.groups_diff([op for op in ops if op.get("result") != bulk.FAILED],
                                         len(current) - 1, len(after) - 1))
        self.result["groups"] = self.describe_all(after)

    def report(self, ops, unchanged):
        for op in ops:
            # 1.0.0 called the action `op`; kept as a copy until 2.0.0 (changelog, docs/conventions.md).
            op["op"] = op["action"]
        self.result["summary"] = bulk.summary([op for op in ops if "result" in op], HIERARCHY_ACTIONS, unchanged)

    def guard_deletes(self, ops, current, desired):
        """The delete guard over every group the plan deletes, before any write (and in check mode)."""
        deletes = guards.deletes_in(ops)
        if not deletes:
            return
        guards.check_deletes([op["path"] for op in deletes], len(current) - 1, self.options["max_deletes"], "groups",
                             "the tenant", desired_field="tree", desired_count=len(desired))
        by_name = group_tree.GroupTree(current).by_name
        guards.refuse_groups_holding_devices(self.tenant, [by_name[op["name"]] for op in deletes],
                                             self.options["force"], "purge")

    def apply(self, ops, current, unchanged):
        # Ids are resolved as we go: a create's id is needed by its children's ops.
        ids = {name: group["id"] for name, group in group_tree.GroupTree(current).by_name.items()}
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
