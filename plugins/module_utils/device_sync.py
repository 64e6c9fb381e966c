# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hm_device_sync's state class: read the tenant, plan (``device_plan``), one delete gate over every delete, the
writes (``sync_runner``; none in check mode), the check for copies after adds (``device_copies``), and the report:
one result per device, and one failure never stops the batch."""

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk, device_input, diffs, guards, run_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.device_copies import (
    copy_deletes, identical_copies, settle_seconds, verify_adds)
from ansible_collections.secops.mobile_security.plugins.module_utils.device_plan import (
    ITEM_ACTIONS, WRITE_ACTIONS, apply_to_model, delete_label, plan)
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ModuleTask
from ansible_collections.secops.mobile_security.plugins.module_utils.sync_runner import SyncRunner


class TenantSync(ModuleTask):
    """One sync of a tenant's devices to a list: read, plan, one guard over every delete, the writes (none in
    check mode), the check for copies after adds, and the report. ``failure`` says why a run that wrote what
    it could must still fail."""

    failure = None

    def run(self, fields, entries):
        """Sync ``entries`` (with ``fields``, their labels for messages), into the module's result and diff."""
        current = self.tenant.snapshot()[1]
        gate = guards.DeleteGate(self.client, "devices", self.options)
        tree = self.tenant.group_tree()
        known = run_plan.known_groups(tree.by_name, self.options, self.check_mode)
        device_input.check_groups(entries, fields, known, self.check_mode,
                                  extra=[(name, "purge_groups") for name in self.options["purge_groups"] or []])
        scopes = self.purge_scopes(tree)
        scope_names = sorted(set().union(*scopes.values())) if scopes else []
        ops = plan(current, entries, self.options["purge"], scope_names, self.options["recreate"])
        copies = self.report_copies(current)
        if self.options["remove_duplicates"]:
            ops += copy_deletes(copies, ops)
        # Before the guard, so that a refusal reports the items it refused (none with a result yet).
        self.result["devices"] = [self.public(op) for op in ops if op["action"] != "unchanged"]
        # Every delete of the run is planned now: the one guard sees them all, before any write.
        self.guard_deletes(gate, ops, current, scopes, scope_names, copies, len(entries))
        writes = [op for op in ops if op["action"] in WRITE_ACTIONS]
        drifted = [op for op in ops if op["action"] == "drift"]
        if drifted:
            self.warn("%d device(s) differ from the list and were left as they are (recreate=false): %s" % (
                len(drifted), ", ".join(op["email"] for op in drifted[:10])))
        if self.check_mode:
            bulk.mark_planned(ops, WRITE_ACTIONS)
        else:
            SyncRunner(self.tenant, gate, self.options["send_reg_email"], self.options["send_reg_sms"]).run(ops)
            for op in drifted:
                op["result"] = bulk.SKIPPED
        # What happened: in check mode the plan, otherwise only the writes that succeeded.
        done = [op for op in ops if op.get("result") != bulk.FAILED]
        done_writes = [op for op in done if op["action"] in WRITE_ACTIONS]
        after_model = apply_to_model(current, done)
        if not self.check_mode:
            adds = [(op["entry"], op.get("known_ids", ()))
                    for op in ops if op["action"] in ("add", "recreate") and op.get("result") == bulk.OK]
            self.result["duplicates_removed"] = verify_adds(
                self.tenant, gate, adds, settle_seconds(self.client), expected_total=len(after_model))
        # A plan shows drift as a change (the tenant differs from the list); a run reports only its writes.
        self.result["changed"] = bool(done_writes) or (self.check_mode and bool(drifted))
        self.result["predicted"] = self.check_mode
        self.result["total_before"] = len(current)
        self.result["total_after"] = len(after_model)
        self.result["purge_scope"] = self.purge_report(scopes, current, done_writes)
        self.set_diff(*diffs.devices_diff(current, done_writes + drifted, len(current), len(after_model)))
        reported = [self.public(op) for op in ops if op["action"] != "unchanged"]
        unchanged = sum(1 for op in ops if op["action"] == "unchanged")
        self.result["summary"] = bulk.summary(reported, ITEM_ACTIONS, unchanged)
        self.result["devices"] = reported
        failed = [op for op in reported if op.get("result") == bulk.FAILED]
        if failed and not self.options["allow_partial"]:
            self.failure = ("%d of %d device writes failed (first: %s: %s); the other %d were written and a re-run "
                            "continues from here" % (len(failed), len(writes), failed[0]["email"], failed[0]["error"],
                                                     len(writes) - len(failed)))

    def guard_deletes(self, gate, ops, current, scopes, scope_names, copies, desired_count):
        """The delete gate admits every delete of the plan, or refuses the run: the purge's, the identical copies'
        and the recreates' (a recreate deletes the device first: the phone must register again)."""
        deletes = guards.deletes_in(ops)
        scope = set(scope_names)
        in_scope = set(d["id"] for d in current if scope.intersection(d.get("groups") or []))
        where = []
        if scope_names:
            where.append("purge_groups (%s)" % ", ".join(sorted(scopes)))
        if self.options["remove_duplicates"] and copies:
            in_scope.update(d["id"] for found in copies for d in found)
            where.append("identical copies")
        if self.options["recreate"]:
            # What a recreate may touch: every device the list names.
            in_scope.update(op["device_id"] for op in ops if op.get("device_id") and op["action"] != "delete")
            where.append("the devices of the list (recreate)")
        # Recreates alone delete only devices the list names: the floor may reach the whole scope for them, never
        # for a purge's or the copies' deletes.
        gate.admit([(op["device_id"], delete_label(op)) for op in deletes], len(in_scope),
                   " and ".join(where) or "the tenant",
                   desired_field="devices" if self.options["purge"] else None, desired_count=desired_count,
                   named=all(op["action"] == "recreate" for op in deletes))

    def purge_scopes(self, tree):
        """{purge group named by the user: names of the groups its purge covers} (itself, and with
        purge_subgroups every group below it)."""
        scopes = {}
        for name in self.options["purge_groups"] or []:
            group = tree.by_name.get(name)
            scopes[name] = set(tree.subtree_names(group["id"]) if group and self.options["purge_subgroups"] else [name])
        return scopes

    @staticmethod
    def purge_report(scopes, current, done_writes):
        deleted = set(op["device_id"] for op in done_writes if op["action"] == "delete")
        report = []
        for name in sorted(scopes):
            in_scope = [d for d in current if scopes[name].intersection(d.get("groups") or [])]
            report.append({"group": name, "groups": sorted(scopes[name]), "devices": len(in_scope),
                           "deleted": sum(1 for d in in_scope if d["id"] in deleted)})
        return report

    def report_copies(self, current):
        """Users holding identical unregistered copies (overlapping runs of 1.0.0, or another tool), in the result
        and, unless remove_duplicates deletes them, a warning."""
        copies = identical_copies(current)
        self.result["duplicates"] = [{"email": found[0]["email"], "name": found[0]["name"],
                                      "device_ids": [d["id"] for d in found], "keep": found[0]["id"]} for found in copies]
        if copies and not self.options["remove_duplicates"]:
            self.warn("%d user(s) hold identical copies of a device (first: %s, ids %s); set "
                      "remove_duplicates: true to keep only the oldest copy of each" % (
                          len(copies), copies[0][0]["email"], ", ".join(d["id"] for d in copies[0])))
        return copies

    @staticmethod
    def public(op):
        return {k: v for k, v in op.items() if k not in ("entry", "known_ids")}
