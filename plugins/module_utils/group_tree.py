# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant's group tree: lookups, full paths, and the plan that turns one tree into another.

Group names are unique in a tenant (add-device refers to groups by name),
so a name identifies a group; ids are what the API's write calls take.
"""

from ansible_collections.secops.mobile_security.plugins.module_utils.paging import as_int
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import closest

ROOT_NAME = "ALL"
MAX_NAME_LENGTH = 255
# The group list's filter as the API names it (call 14): by name, used only to find a group after a create left
# in doubt; the answer is filtered again by name, so a service that ignores the filter widens nothing.
FILTERS = {"name": "name"}
FILTER_NAMES = frozenset(FILTERS.values())


def _parent_id(group):
    parent = group.get("parent")
    if isinstance(parent, dict):
        return as_int(parent.get("id", parent.get("ID")))
    return as_int(group.get("parent_id", parent))


class GroupTree:
    def __init__(self, groups):
        self.by_id = {}
        for group in groups:
            group_id = as_int(group.get("id", group.get("ID")))
            if group_id is None:
                continue
            self.by_id[group_id] = {"id": group_id, "name": group.get("name", group.get("Name")),
                                    "parent_id": _parent_id(group)}
        self.by_name = {g["name"]: g for g in self.by_id.values()}

    @property
    def root(self):
        root = self.by_name.get(ROOT_NAME)
        if root is None:
            roots = [g for g in self.by_id.values() if g["parent_id"] is None]
            root = roots[0] if len(roots) == 1 else None
        return root

    def ancestors(self, group_id):
        """Ids from the group's parent up to the root; stops on a loop in the data."""
        chain, seen = [], set([group_id])
        current = self.by_id.get(group_id)
        while current and current["parent_id"] is not None and current["parent_id"] not in seen:
            seen.add(current["parent_id"])
            chain.append(current["parent_id"])
            current = self.by_id.get(current["parent_id"])
        return chain

    def path(self, group_id):
        names = [self.by_id[i]["name"] for i in reversed(self.ancestors(group_id)) if i in self.by_id]
        return "/".join(names + [self.by_id[group_id]["name"]])

    def depth(self, group_id):
        return len(self.ancestors(group_id))

    def children(self, group_id):
        return sorted((g for g in self.by_id.values() if g["parent_id"] == group_id), key=lambda g: g["id"])

    def subtree_ids(self, group_id):
        """Ids of the group and of every group below it; a loop in the data is visited once."""
        ids, stack, seen = [], [group_id], set()
        while stack:
            current = stack.pop()
            if current in seen or current not in self.by_id:
                continue
            seen.add(current)
            ids.append(current)
            stack.extend(child["id"] for child in self.children(current))
        return ids

    def subtree_names(self, group_id):
        """Names of the group and of every group below it."""
        return [self.by_id[i]["name"] for i in self.subtree_ids(group_id)]

    def describe(self, group_id):
        group = self.by_id[group_id]
        parent = self.by_id.get(group["parent_id"])
        return {
            "id": group["id"],
            "name": group["name"],
            "parent_id": group["parent_id"],
            "parent_name": parent["name"] if parent else None,
            "path": self.path(group_id),
        }

    def resolve(self, reference, field):
        """A group from an id, a name or a full path (ALL/EMEA/Sales); UserError naming the field if none."""
        if isinstance(reference, bool) or reference is None:
            raise UserError("%s: %r is not a group name, id or path" % (field, reference))
        if isinstance(reference, int):
            found = self.by_id.get(reference)
        else:
            text = str(reference).strip()
            if not text:
                raise UserError("%s: must not be empty" % field)
            found = self.by_name.get(text)
            if found is None and "/" in text:
                found = next((g for g in self.by_id.values() if self.path(g["id"]) == text.strip("/")), None)
            by_id = self.by_id.get(int(text)) if text.isdigit() else None
            if found is not None and by_id is not None and by_id["id"] != found["id"]:
                # One value, two groups: acting on either could be the one the user did not mean.
                raise UserError("%s: %r is the name of group %s (id %d) and the id of group %s; nothing was changed. "
                                "Give the full path of the one you mean (%s or %s)" % (
                                    field, reference, found["name"], found["id"], by_id["name"],
                                    self.path(found["id"]), self.path(by_id["id"])))
            found = found or by_id
        if found is None:
            raise UserError("%s: group %r does not exist" % (field, reference))
        return found

    def closest_names(self, name, count=3):
        """The existing group names nearest to ``name`` (a misspelling's likely meaning), best first
        (``validation.closest``)."""
        return closest(name, self.by_name, count)

    def moved_scope(self, group_id, after):
        """Ids of the groups whose devices change scope when the group moves: itself and each group now below it
        that is still below it in ``after`` (the tree once the plan is applied; a sub-group moved elsewhere by
        the same plan counts in its own move)."""
        after_tree = after if isinstance(after, GroupTree) else GroupTree(after)
        return [i for i in self.subtree_ids(group_id)
                if i == group_id or (i in after_tree.by_id and group_id in after_tree.ancestors(i))]

    def would_cycle(self, group_id, new_parent_id):
        return new_parent_id == group_id or group_id in self.ancestors(new_parent_id)


def validate_name(name, field="name"):
    if not isinstance(name, str) or not name.strip():
        raise UserError("%s: must not be empty" % field)
    if name != name.strip():
        raise UserError("%s: %r has leading or trailing spaces" % (field, name))
    if len(name) > MAX_NAME_LENGTH:
        raise UserError("%s: is %d characters long, the limit is %d" % (field, len(name), MAX_NAME_LENGTH))
    if "/" in name:
        raise UserError("%s: %r contains '/', which separates path levels" % (field, name))
    return name


def flatten(tree, field="tree"):
    """[(name, parent_name)] parents first, from nested [{name, children: [...]}]; validates as it goes."""
    flat, seen = [], {}

    def walk(nodes, parent, where):
        if nodes is None:
            return
        if not isinstance(nodes, list):
            raise UserError("%s: expected a list of groups, got %s" % (where, type(nodes).__name__))
        for index, node in enumerate(nodes):
            here = "%s[%d]" % (where, index)
            if isinstance(node, str):
                node = {"name": node}
            if not isinstance(node, dict):
                raise UserError("%s: expected a mapping with 'name', got %r" % (here, node))
            unknown = set(node) - set(("name", "children"))
            if unknown:
                raise UserError("%s: unknown keys %s (allowed: name, children)" % (here, ", ".join(sorted(unknown))))
            name = validate_name(node.get("name"), here + ".name")
            if name == ROOT_NAME:
                raise UserError("%s.name: %r is the root and cannot be declared" % (here, ROOT_NAME))
            if name in seen:
                raise UserError("%s.name: %r appears twice (also at %s); group names are unique" % (
                    here, name, seen[name]))
            seen[name] = here
            flat.append((name, parent))
            walk(node.get("children"), name, here + ".children")

    walk(tree, ROOT_NAME, field)
    return flat


def plan(current_groups, desired, purge=False):
    """Operations that turn the current groups into ``desired`` [(name, parent_name)].

    Creates and moves run parents first (so a group's new parent is already in
    place, which also rules out cycles); deletes run deepest first.
    Operations are dicts identified by ``name`` and ``path`` (the group's path after the operation; before it
    for a delete): {"action": "create"|"move"|"delete", "name", "path", "parent"}; a move also has ``from`` (the
    old parent) and ``from_path``.
    """
    tree = GroupTree(current_groups)
    desired_names = set(name for name, _parent in desired)
    new_paths = {ROOT_NAME: ROOT_NAME}
    ops = []
    for name, parent in desired:
        new_paths[name] = new_paths.get(parent, parent) + "/" + name
        existing = tree.by_name.get(name)
        if existing is None:
            ops.append({"action": "create", "name": name, "path": new_paths[name], "parent": parent})
            continue
        current_parent = tree.by_id.get(existing["parent_id"])
        if current_parent is None or current_parent["name"] != parent:
            ops.append({"action": "move", "name": name, "path": new_paths[name], "parent": parent,
                        "from": current_parent["name"] if current_parent else None,
                        "from_path": tree.path(existing["id"])})
    if purge:
        doomed = [g for g in tree.by_id.values() if g["name"] not in desired_names and g["name"] != ROOT_NAME
                  and g["parent_id"] is not None]
        doomed.sort(key=lambda g: (-tree.depth(g["id"]), g["name"]))
        ops.extend({"action": "delete", "name": g["name"], "path": tree.path(g["id"])} for g in doomed)
    return ops


def apply_to_model(current_groups, ops):
    """Apply a plan to plain data (no API): what the tenant looks like afterwards. Used by tests and diff."""
    rows = {g["id"]: {"id": g["id"], "name": g["name"], "parent_id": g["parent_id"]}
            for g in GroupTree(current_groups).by_id.values()}
    by_name = {r["name"]: r for r in rows.values()}
    next_id = max(list(rows) + [0]) + 1
    for op in ops:
        if op["action"] == "create":
            row = {"id": next_id, "name": op["name"], "parent_id": by_name[op["parent"]]["id"]}
            rows[next_id] = by_name[op["name"]] = row
            next_id += 1
        elif op["action"] == "move":
            by_name[op["name"]]["parent_id"] = by_name[op["parent"]]["id"]
        elif op["action"] == "delete":
            row = by_name.pop(op["name"])
            if any(r["parent_id"] == row["id"] for r in rows.values() if r["id"] != row["id"]):
                # A plan always deletes children first; anything else is a bug here, not the user's input.
                raise AssertionError("planner invariant broken: delete of %r before its children" % op["name"])
            del rows[row["id"]]
    return list(rows.values())


def paths(groups):
    tree = GroupTree(groups)
    return sorted(tree.path(i) for i in tree.by_id)
