# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Groups' state and plan: one group brought to a state (:class:`GroupState`, hm_group) and a whole tree
(:class:`GroupHierarchySync`, hm_group_hierarchy). What a group is (names, paths, the tree, the pure
hierarchy plan) is ``group_tree.py``'s; every group delete goes through the one delete guard (``guards``)."""

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk, diffs, group_tree, guards, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import Selection
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import ROOT_NAME, validate_name
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ModuleTask

# Every action an item of hm_group_hierarchy can carry, for the summary (bulk.summary).
HIERARCHY_ACTIONS = ("create", "move", "delete")
# max_moves' default: any number of moves of groups that hold no device (in them or below them), none of a group
# that does. Where a group sits decides the policy its devices get, so moving one changes their scope.
EMPTY_GROUPS = "empty_groups"


def max_moves_spec():
    """``max_moves`` as every module that moves groups takes it (doc fragment ``group_moves``)."""
    return dict(type="str", default=EMPTY_GROUPS)


def moves_allowed(value, field="max_moves"):
    """What ``max_moves`` allows: a count, None for ``all``, or ``EMPTY_GROUPS``."""
    text = str(value if value is not None else EMPTY_GROUPS).strip().lower()
    if text in ("all", EMPTY_GROUPS):
        return None if text == "all" else EMPTY_GROUPS
    if text.isdigit():
        return int(text)
    raise UserError("%s: %r is not a count (1), %s (the default: only groups that hold no devices) or 'all'" % (
        field, value, EMPTY_GROUPS))


def devices_changing_scope(count):
    return "%d device%s change%s scope" % (count, "" if count == 1 else "s", "s" if count == 1 else "")


def describe_move(move):
    """A move in words: the group, its path before and after, and how many devices change scope."""
    return "%s from %s to %s (%s)" % (move["name"], move["from_path"], move["path"], devices_changing_scope(
        move["devices"]))


def count_moved_devices(tenant, scopes):
    """{group name: devices whose scope its move changes} for ``scopes`` ({name: group ids moving with it}).

    One read of the devices of every group concerned, each record checked (``Tenant.devices``), never a total the
    service reports; a device is counted once per move however many of the moving groups hold it."""
    every_id = frozenset().union(*scopes.values()) if scopes else frozenset()
    if not every_id:
        return {name: 0 for name in scopes}
    held = [set(device.get("group_ids") or ()) for device in
            tenant.devices(Selection(group_sets=[every_id]))[0]]
    return {name: sum(1 for ids in held if ids & set(scope)) for name, scope in scopes.items()}


def check_moves(moves, max_moves, warn, check_mode):
    """Refuse, before any write (and in check mode), moves beyond ``max_moves``; warn of each allowed move that
    changes devices' scope. ``moves``: move items with ``name``, ``from_path``, ``path`` and ``devices``."""
    if not moves:
        return
    allowed = moves_allowed(max_moves)
    if allowed == EMPTY_GROUPS:
        refused = [move for move in moves if move["devices"]]
        if refused:
            raise UserError(
                "max_moves: the run would move %s, which already exist%s elsewhere in the tenant and hold%s devices; "
                "nothing was changed. max_moves %s (the default) moves no group that holds devices, in it or below "
                "it: where a group sits decides the policy its devices get. If another group of that name was meant, "
                "rename one of them (group names are unique in a tenant); to move on purpose, set "
                "max_moves: %d (a count, or all)" % (
                    "; ".join(describe_move(move) for move in refused), "s" if len(refused) == 1 else "",
                    "s" if len(refused) == 1 else "", EMPTY_GROUPS, len(moves)))
    elif allowed is not None and len(moves) > allowed:
        raise UserError("max_moves: the run would move %d groups that already exist elsewhere in the tenant (%s), "
                        "more than max_moves %s allows; nothing was changed. Check the tree, or raise max_moves (a "
                        "count, or all)" % (len(moves), "; ".join(describe_move(move) for move in moves), max_moves))
    for move in moves:
        if move["devices"]:
            warn("%s group %s" % ("would move" if check_mode else "moving", describe_move(move)))


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
        moves_allowed(self.options["max_moves"])
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
            name = self.options["name"]
            planned = run_plan.tenant_plan(self.options, self.check_mode).get(name) or {}
            if planned.get("action") == "create":
                # Check mode: an earlier task of the run creates it, so the real run deletes it; the preview says so.
                self.result["changed"] = True
                self.set_diff({"name": name, "path": planned.get("path")}, None)
                self.plan_for_later_tasks(deleted={name: planned.get("path")})
                self.result["msg"] = "would delete group %r, which an earlier task of this run plans to create" % name
                return
            # Most often a misspelling: saying so keeps the user from believing the group they meant is gone.
            near = tree.closest_names(name)
            self.result["msg"] = "group %r does not exist; nothing was deleted. %s" % (
                self.options["name"], "Closest existing group names: %s" % ", ".join(near) if near
                else "No existing group has a similar name")
            return
        children = tree.children(current["id"])
        if children:
            raise UserError("name: group %r still has %d sub-group(s) (%s); delete or move them first" % (
                current["name"], len(children), ", ".join(c["name"] for c in children)))
        gate = guards.DeleteGate(self.client, "groups", self.options)
        gate.admit([(current["id"], before["path"])], len(tree.by_id) - 1, "the tenant", named=True)
        guards.refuse_groups_holding_devices(self.tenant, [current], self.options["force"], "name")
        self.result["changed"] = True
        self.set_diff(before, None)
        if self.check_mode:
            self.plan_for_later_tasks(deleted={current["name"]: before["path"]})
        else:
            gate.delete_admitted(current["id"])

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
            devices = self.guard_move(tree, current, before, after)
            self.set_diff(dict(before, devices=devices), dict(after, devices=devices))
        else:
            after["path"] = before["path"].rsplit("/", 1)[0] + "/" + wanted_name
            self.set_diff(before, after)
        self.result["changed"] = True
        if self.check_mode:
            self.result["group"] = after
            if "name" in changes:
                self.plan_for_later_tasks(created={wanted_name: after["path"]},
                                          deleted={current["name"]: before["path"]})
            return
        self.client.edit_group(current["id"], **changes)
        self.result["group"] = self.reread(current["id"], wanted_name)

    def guard_move(self, tree, current, before, after):
        """The move within ``max_moves`` (the whole sub-tree moves with the group), before any write and in check
        mode, reported in the result's ``move`` and ``msg``; returns how many devices change scope."""
        devices = count_moved_devices(self.tenant, {current["name"]: tree.subtree_ids(current["id"])})[current["name"]]
        move = {"name": current["name"], "from_path": before["path"], "path": after["path"], "devices": devices}
        self.result["move"] = move
        check_moves([move], self.options["max_moves"], self.warn, self.check_mode)
        self.result["msg"] = "%s group %s" % ("would move" if self.check_mode else "moved", describe_move(move))
        return devices

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
        moves_allowed(self.options["max_moves"])
        current = self.tenant.groups()
        ops = group_tree.plan(current, desired, purge=self.options["purge"])
        # Before any guard, so that a refusal reports the plan it refused.
        self.result["operations"] = ops
        self.guard_deletes(ops, current, desired)
        self.guard_moves(ops, current)
        touched = {op["name"] for op in ops}
        unchanged = sum(1 for name, _parent in desired if name not in touched)
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
        """The delete gate admits every group the plan deletes, or refuses the run, before any write (and in check
        mode); ``apply`` deletes through it."""
        deletes = guards.deletes_in(ops)
        self.delete_gate = guards.DeleteGate(self.client, "groups", self.options)
        if not deletes:
            return
        by_name = group_tree.GroupTree(current).by_name
        self.delete_gate.admit([(by_name[op["name"]]["id"], op["path"]) for op in deletes], len(current) - 1,
                               "the tenant", desired_field="tree", desired_count=len(desired))
        guards.refuse_groups_holding_devices(self.tenant, [by_name[op["name"]] for op in deletes],
                                             self.options["force"], "purge")

    def guard_moves(self, ops, current):
        """How many devices each move takes to another scope, and ``max_moves`` over every move, before any write
        (and in check mode)."""
        moves = [op for op in ops if op["action"] == "move"]
        if not moves:
            return
        tree = group_tree.GroupTree(current)
        after = group_tree.GroupTree(group_tree.apply_to_model(current, ops))
        counts = count_moved_devices(self.tenant, {op["name"]: tree.moved_scope(tree.by_name[op["name"]]["id"], after)
                                                   for op in moves})
        for op in moves:
            op["devices"] = counts[op["name"]]
        check_moves(moves, self.options["max_moves"], self.warn, self.check_mode)

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
                    self.delete_gate.delete_admitted(ids.pop(op["name"]))
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
