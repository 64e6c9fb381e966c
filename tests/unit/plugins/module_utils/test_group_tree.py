"""Group tree lookups and the hierarchy plan, including a property test of plan + apply."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.secops.mobile_security.plugins.module_utils import group_tree, validation

CURRENT = [
    {"id": 1, "name": "ALL", "parent": None},
    {"id": 2, "name": "EMEA", "parent": {"id": 1, "name": "ALL"}},
    {"id": 3, "name": "Sales", "parent": {"id": 2, "name": "EMEA"}},
    {"id": 4, "name": "Old", "parent": {"id": 1, "name": "ALL"}},
]


def test_paths_and_resolution():
    tree = group_tree.GroupTree(CURRENT)
    assert tree.path(3) == "ALL/EMEA/Sales"
    assert tree.resolve("Sales", "parent")["id"] == 3
    assert tree.resolve("ALL/EMEA/Sales", "parent")["id"] == 3
    assert tree.resolve("2", "parent")["id"] == 2
    assert tree.resolve(4, "parent")["name"] == "Old"
    with pytest.raises(ValueError, match=r"parent: group 'Nope' does not exist"):
        tree.resolve("Nope", "parent")
    assert tree.would_cycle(2, 3) and tree.would_cycle(2, 2) and not tree.would_cycle(3, 4)


def test_flatten_validates_and_orders_parents_first():
    flat = group_tree.flatten([{"name": "A", "children": [{"name": "B", "children": ["C"]}]}, "D"])
    assert flat == [("A", "ALL"), ("B", "A"), ("C", "B"), ("D", "ALL")]
    with pytest.raises(ValueError, match=r"tree\[1\]\.name: 'A' appears twice"):
        group_tree.flatten(["A", "A"])
    with pytest.raises(ValueError, match=r"tree\[0\]\.name: must not be empty"):
        group_tree.flatten([{"name": ""}])
    with pytest.raises(ValueError, match="unknown keys parent"):
        group_tree.flatten([{"name": "A", "parent": "X"}])
    with pytest.raises(ValueError, match="'ALL' is the root"):
        group_tree.flatten(["ALL"])


def test_plan_creates_moves_and_purges_in_safe_order():
    desired = group_tree.flatten([{"name": "AMER", "children": [{"name": "Sales", "children": ["Team"]}]}, "EMEA"])
    ops = group_tree.plan(CURRENT, desired, purge=True)
    # Every item is identified by name and path, as docs/conventions.md says.
    assert ops == [
        {"action": "create", "name": "AMER", "path": "ALL/AMER", "parent": "ALL"},
        {"action": "move", "name": "Sales", "path": "ALL/AMER/Sales", "parent": "AMER", "from": "EMEA",
         "from_path": "ALL/EMEA/Sales"},
        {"action": "create", "name": "Team", "path": "ALL/AMER/Sales/Team", "parent": "Sales"},
        {"action": "delete", "name": "Old", "path": "ALL/Old"},
    ]
    assert group_tree.plan(CURRENT, [("EMEA", "ALL"), ("Sales", "EMEA")]) == []


def test_plan_swapping_parent_and_child_has_no_cycle():
    desired = group_tree.flatten([{"name": "Sales", "children": ["EMEA"]}])
    after = group_tree.apply_to_model(CURRENT, group_tree.plan(CURRENT, desired))
    assert "ALL/Sales/EMEA" in group_tree.paths(after)


NAMES = ["g%d" % i for i in range(12)]


@st.composite
def forests(draw):
    """A random forest over a subset of NAMES, as (name, parent_name) parents first."""
    chosen = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=len(NAMES)))
    flat = []
    for index, name in enumerate(chosen):
        parent = draw(st.sampled_from(["ALL"] + chosen[:index]))
        flat.append((name, parent))
    return flat


def as_groups(flat):
    ids = {"ALL": 1}
    groups = [{"id": 1, "name": "ALL", "parent": None}]
    for index, (name, parent) in enumerate(flat, start=2):
        ids[name] = index
        groups.append({"id": index, "name": name, "parent": {"id": ids[parent]}})
    return groups


def pairs(groups):
    tree = group_tree.GroupTree(groups)
    return sorted((g["name"], tree.by_id[g["parent_id"]]["name"]) for g in tree.by_id.values() if g["parent_id"])


@settings(max_examples=300, deadline=None)
@given(current=forests(), desired=forests(), purge=st.booleans())
def test_plan_then_apply_reaches_desired_and_replans_empty(current, desired, purge):
    groups = as_groups(current)
    ops = group_tree.plan(groups, desired, purge=purge)
    after = group_tree.apply_to_model(groups, ops)  # raises if a child would be deleted before its parent
    got = dict(pairs(after))
    for name, parent in desired:
        assert got[name] == parent
    if purge:
        assert sorted(got) == sorted(name for name, _parent in desired)
    else:
        assert set(got) == set(name for name, _parent in desired) | set(name for name, _parent in current)
    assert group_tree.plan(after, desired, purge=purge) == []


def test_subtree_names_cover_every_level_below_and_survive_a_loop():
    tree = group_tree.GroupTree([{"id": 1, "name": "ALL"}, {"id": 2, "name": "Corp", "parent_id": 1},
                                 {"id": 3, "name": "Corp-IT", "parent_id": 2},
                                 {"id": 4, "name": "Corp-IT-Helpdesk", "parent_id": 3},
                                 {"id": 5, "name": "Other", "parent_id": 1},
                                 {"id": 6, "name": "LoopA", "parent_id": 7}, {"id": 7, "name": "LoopB", "parent_id": 6}])
    assert sorted(tree.subtree_names(2)) == ["Corp", "Corp-IT", "Corp-IT-Helpdesk"]
    assert tree.subtree_names(4) == ["Corp-IT-Helpdesk"]
    assert sorted(tree.subtree_names(6)) == ["LoopA", "LoopB"]


def test_a_value_that_is_one_group_s_name_and_another_s_id_is_refused_naming_both():
    tree = group_tree.GroupTree(CURRENT + [{"id": 5, "name": "2", "parent": {"id": 1}}])
    with pytest.raises(ValueError, match=r"parent: '2' is the name of group 2 \(id 5\) and the id of group EMEA; "
                                         r"nothing was changed. Give the full path of the one you mean \(ALL/2 or "
                                         r"ALL/EMEA\)"):
        tree.resolve("2", "parent")
    assert tree.resolve("5", "parent")["name"] == "2"  # the name of the same group as the id: no doubt
    assert tree.resolve("ALL/EMEA", "parent")["id"] == 2


def test_closest_names_to_a_misspelling_ignore_case():
    tree = group_tree.GroupTree(CURRENT)
    assert tree.closest_names("Salse") == ["Sales"]
    assert tree.closest_names("emea") == ["EMEA"]
    assert tree.closest_names("Zzyzx") == []


def test_closest_names_take_o_for_0_and_l_for_1_and_break_ties_in_sort_order():
    """"Seed-O" (letter O) meant "Seed-0": difflib alone ranked it last of five equally close names."""
    tree = group_tree.GroupTree([{"id": 1, "name": "ALL", "parent": None}] + [
        {"id": 10 + i, "name": "Seed-%d" % i, "parent": {"id": 1}} for i in range(5)])
    assert tree.closest_names("Seed-O") == ["Seed-0", "Seed-1", "Seed-2"]
    assert tree.closest_names("seed-l") == ["Seed-1", "Seed-0", "Seed-2"]
    # The same letters in another case come before a confusable character.
    assert validation.closest("Seed-O", ["Seed-0", "seed-o", "Seed-4"]) == ["seed-o", "Seed-0", "Seed-4"]


def test_a_moved_group_s_scope_is_what_stays_below_it():
    current = CURRENT + [{"id": 5, "name": "Field", "parent": {"id": 3}},
                         {"id": 6, "name": "Desk", "parent": {"id": 3}}]
    tree = group_tree.GroupTree(current)
    ops = group_tree.plan(current, [("Old", "ALL"), ("Sales", "Old"), ("Field", "Sales"), ("Desk", "Old"),
                                    ("EMEA", "ALL")])
    assert [(op["action"], op["name"]) for op in ops] == [("move", "Sales"), ("move", "Desk")]
    after = group_tree.apply_to_model(current, ops)
    # Desk leaves Sales in the same plan: its devices change scope with Desk's move, not Sales'.
    assert sorted(tree.moved_scope(3, after)) == [3, 5]
    assert tree.moved_scope(6, after) == [6]
