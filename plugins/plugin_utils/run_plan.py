# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of every module that plans groups or references them (docs/gitops.md).

In check mode it hands the module the plan that earlier tasks of this run left in the host fact
``secops_mobile_security_plan`` (module option ``run_plan``), and stores the plan the module returns back
as that fact, marked with this run. A plan left by another run (a fact cache, an earlier job) is never
used, nor is any plan outside check mode. The module itself decides which tenant it talks to, so the
credentials and gateway may come from options, module_defaults or the environment.
"""

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.secops.mobile_security.plugins.module_utils.run_plan import FACT, OPTION


def this_run(task):
    """An id shared by every task of one ansible-playbook run and no other run: the run-wide part of the
    task's uuid (host and a per-run random number; the last part counts the run's objects)."""
    return task._uuid.rsplit("-", 1)[0]


def earlier_plan(task_vars, run):
    """The plan earlier tasks of this run left on this host, or None."""
    plan = (task_vars.get("ansible_facts") or {}).get(FACT) or task_vars.get(FACT)
    if isinstance(plan, dict) and plan.get("run") == run:
        return {"tenants": plan.get("tenants") or {}}
    return None


class PlanningAction(ActionBase):
    """Run the module of the same name with this run's plan; keep the plan it returns."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        if args.get(OPTION):
            raise AnsibleActionFail("%s: is filled in by the collection from the plans of earlier tasks of the run; "
                                    "to name groups that something else creates, use planned_groups" % OPTION)
        args.pop(OPTION, None)
        run = this_run(self._task)
        if self._play_context.check_mode:
            plan = earlier_plan(task_vars, run)
            if plan:
                args[OPTION] = plan
        # As ansible.builtin.normal runs modules: async works as it did before the modules had an action plugin.
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(module_args=args, task_vars=task_vars, wrap_async=wrap_async))
        planned = (result.get("ansible_facts") or {}).get(FACT)
        if isinstance(planned, dict):
            planned["run"] = run
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
