# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Modules that reference groups (hm_device, hm_device_sync); they also take RUN_PLAN.
    DOCUMENTATION = r'''
options:
  planned_groups:
    description:
      - Group names that count as existing in check mode, in addition to those earlier tasks of the run plan.
      - Not needed for groups that M(secops.mobile_security.hm_group), M(secops.mobile_security.hm_group_hierarchy)
        or the C(secops.mobile_security.group_hierarchy) role plan earlier in the same run on the same host and for
        the same tenant count as existing in check mode without any wiring (docs/gitops.md). Use it for
        groups that something else creates before the real run.
      - A group that is neither in the tenant nor planned is still an error naming the entry.
      - Outside check mode it is ignored, since by then the groups exist or the task fails.
    type: list
    elements: str
    default: []
'''

    # Every module the run-plan action plugin serves (the group modules, and hm_device, hm_device_sync).
    RUN_PLAN = r'''
options:
  run_plan:
    description:
      - Filled in by the collection's action plugin, never by the user (a value set in the task is refused).
      - In check mode, the groups earlier tasks of the same run on this host plan to create or delete, per tenant
        (gateway and client id), taken from the host fact C(secops_mobile_security_plan) that
        M(secops.mobile_security.hm_group) and M(secops.mobile_security.hm_group_hierarchy) leave. See docs/gitops.md.
    type: dict
    default: {}
'''
