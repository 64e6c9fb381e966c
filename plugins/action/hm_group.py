# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs hm_group with the groups earlier tasks of a check-mode run plan (plugins/plugin_utils/run_plan.py)."""

from ansible_collections.secops.mobile_security.plugins.plugin_utils.run_plan import PlanningAction


class ActionModule(PlanningAction):
    pass
