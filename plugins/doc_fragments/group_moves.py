# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # max_moves as every module that moves groups takes it (module_utils/groups.py, check_moves).
    DOCUMENTATION = r'''
options:
  max_moves:
    description:
      - How many groups that already exist elsewhere in the tenant one run may move, checked against the whole
        plan before anything is written (in check mode too); a run beyond it writes nothing and says which groups,
        their paths before and after, and how many devices would change scope.
      - Where a group sits decides the policy its devices get, so a move changes the scope of every device in the
        group and in its sub-groups. Group names are unique in a tenant, so a tree or task that names a group
        another play built elsewhere (both have an C(EMEA)) moves that group.
      - V(empty_groups) (the default) moves any group that holds no devices (in it or below it) and refuses any
        that does. A count (V(1)) allows that many moves, with or without devices; V(0) moves nothing. V(all)
        allows every move.
      - Every move is reported with its path before and after and how many devices change scope (C(from_path),
        C(path) and C(devices) in the result and the diff), and a move that changes devices' scope is also a
        warning.
    type: str
    default: empty_groups
    version_added: "1.2.0"
'''
