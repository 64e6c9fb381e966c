# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs a device plan's writes with bounded concurrency: one result per operation, and one failure never stops
the batch. Deletes go through the run's delete gate; an add left in doubt is looked for before it is sent again."""

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk
from ansible_collections.secops.mobile_security.plugins.module_utils.device_copies import find_created
from ansible_collections.secops.mobile_security.plugins.module_utils.device_plan import WRITE_ACTIONS
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError


class SyncRunner:
    """Runs the write operations of a plan with bounded concurrency; one result per operation."""

    def __init__(self, tenant, gate, send_reg_email=None, send_reg_sms=None):
        self.tenant = tenant
        self.gate = gate
        self.client = tenant.client
        self.concurrency = self.client.concurrency
        self.send_reg_email = send_reg_email
        self.send_reg_sms = send_reg_sms

    def run(self, ops):
        writes = [op for op in ops if op["action"] in WRITE_ACTIONS]
        if not writes:
            return ops
        # One token before the threads start, so they share it instead of racing to log in.
        self.client.ensure_token()
        if self.concurrency == 1 or len(writes) == 1:
            for op in writes:
                self.run_one(op)
        else:
            with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
                list(pool.map(self.run_one, writes))
        return ops

    def run_one(self, op):
        try:
            if op["action"] in ("delete", "recreate"):
                self.gate.delete_admitted(op["device_id"])
            if op["action"] in ("add", "recreate"):
                entry = op["entry"]
                op["new_device_id"] = self.client.add_device(
                    entry["name"], entry["email"], entry.get("number"), entry.get("groups"),
                    self.send_reg_email, self.send_reg_sms,
                    find_created=find_created(self.tenant, entry, op.get("known_ids", ())))
            bulk.succeeded(op)
        except (ApiError, UserError) as err:
            bulk.failed(op, err)
        return op
