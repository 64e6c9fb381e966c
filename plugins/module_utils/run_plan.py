# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The groups earlier tasks of a check-mode run plan to create or delete, per tenant (docs/gitops.md).

A check-mode run writes nothing, so a device task that names a group an earlier task of the same run
would create finds no such group in the tenant. The group modules return what they plan as the host
fact ``FACT``; the action plugin of every module that plans (``plugins/plugin_utils/run_plan.py``) hands
this run's plan to the module as ``run_plan`` and stores the module's updated plan back as the fact. The
plan is keyed by tenant (gateway and client id), so one tenant's planned groups never satisfy another's
references; a real run never uses it.
"""

from ansible_collections.secops.mobile_security.plugins.module_utils.clients import tenant_key

FACT = "secops_mobile_security_plan"
OPTION = "run_plan"


def option_spec():
    """The ``run_plan`` option (documented in the ``planned_groups`` doc fragment)."""
    return dict(type="dict", default={})


def tenant_plan(params, check_mode):
    """{group name: {"action": "create" | "delete", "path": ...}} that earlier tasks of this check-mode run plan in
    this module's tenant."""
    if not check_mode:
        return {}
    tenants = (params.get(OPTION) or {}).get("tenants") or {}
    return dict(tenants.get(tenant_key(params)) or {})


def known_groups(existing, params, check_mode):
    """Group names a task may reference: the tenant's, and in check mode those earlier tasks plan to create
    (less those they plan to delete) and the explicit ``planned_groups``."""
    known = set(existing)
    if not check_mode:
        return known
    for name, planned in tenant_plan(params, check_mode).items():
        if planned.get("action") == "create":
            known.add(name)
        else:
            known.discard(name)
    return known | set(params.get("planned_groups") or ())


def with_changes(params, check_mode, created=(), deleted=()):
    """The run's plan with this task's group creates and deletes added, as the fact to return (check mode only).

    ``created``/``deleted``: {group name: its path} (after the create, before the delete).
    ``{FACT: {"tenants": {tenant: {group: {"action", "path"}}}}}``; a later task's plan of the same group wins.
    """
    if not check_mode:
        return {}
    tenants = dict((params.get(OPTION) or {}).get("tenants") or {})
    key = tenant_key(params)
    plan = dict(tenants.get(key) or {})
    plan.update((name, {"action": "delete", "path": path}) for name, path in dict(deleted).items())
    plan.update((name, {"action": "create", "path": path}) for name, path in dict(created).items())
    tenants[key] = plan
    return {FACT: {"tenants": tenants}}
