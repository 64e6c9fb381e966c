# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  planned_groups:
    description:
      - Group names that an earlier task of this run plans to create, usually the C(planned_groups) that
        M(secops.mobile_security.hm_group) or M(secops.mobile_security.hm_group_hierarchy) returned.
      - In check mode these count as existing, so a whole provisioning play can be previewed with
        C(--check --diff) against a tenant that does not have the groups yet. A group that is neither in the
        tenant nor planned is still an error naming the entry.
      - Outside check mode it is ignored, since by then the earlier task has created the groups.
    type: list
    elements: str
    default: []
'''
