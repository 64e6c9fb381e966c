# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SmartPT targets: an endpoint (isolated / released) or an Azure AD user (blocked / unblocked) brought to a
state, or one raw action sent (smartpt_action). Reading a vendor's status answer is ``smartpt_status.py``'s;
the calls are ``smartpt_client.py``'s."""

from ansible_collections.secops.mobile_security.plugins.module_utils import smartpt_status
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ModuleTask
from ansible_collections.secops.mobile_security.plugins.module_utils.smartpt_client import (
    USER_PLATFORMS, check_action, target_field)
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email

STATES = {
    "endpoint": {"isolated": ("isolate", True), "released": ("releaseisolate", False)},
    "user": {"blocked": ("AzureADBlock", True), "unblocked": ("AzureADUnblock", False)},
}
READ_ONLY_ACTIONS = ("status", "AzureADStatus")


class Target(ModuleTask):
    """One SmartPT target: its state read first (status), the action sent only when it differs, and never in
    check mode; a raw action is sent as asked (read-only ones in check mode too)."""

    def validated_target(self):
        platform = self.options["platform"]
        email = validate_email(self.options["requester_email"], "requester_email")
        field = target_field(platform)
        other = "agent_id" if field == "upn" else "upn"
        target = self.options[field]
        if target is None or not target.strip():
            raise UserError("%s: is required for platform %s" % (field, platform))
        if self.options[other] is not None:
            raise UserError("%s: is not used by platform %s (give %s)" % (other, platform, field))
        if field == "upn":
            validate_email(target, "upn", "a user principal name (user@domain)")
        return platform, email, target.strip()

    def run(self):
        platform, email, target = self.validated_target()
        if self.options["action"]:
            self.run_raw(platform, email, target, self.options["action"])
        else:
            self.converge(platform, email, target, self.options["state"])

    def record(self, answer, action_sent):
        self.result.update(answer)
        self.result["action_sent"] = action_sent

    def run_raw(self, platform, email, target, action):
        check_action(platform, action)
        if action in READ_ONLY_ACTIONS:
            self.record(self.client.run(platform, action, email, target), None)
            return
        self.result["changed"] = True
        if self.check_mode:
            self.record({"status_code": None, "message": "check mode: %s not sent" % action, "action_result": None},
                        None)
            return
        self.record(self.client.run(platform, action, email, target), action)

    def converge(self, platform, email, target, state):
        kind = "user" if platform in USER_PLATFORMS else "endpoint"
        if state not in STATES[kind]:
            raise UserError("state: %r does not apply to platform %s (use %s)" % (
                state, platform, " or ".join(sorted(STATES[kind]))))
        action, wanted = STATES[kind][state]
        status_action = "AzureADStatus" if kind == "user" else "status"
        status = self.client.run(platform, status_action, email, target)
        if kind == "user":
            reading = smartpt_status.user_blocked(status["action_result"])
        else:
            reading = smartpt_status.endpoint_isolated(platform, status["action_result"])
        names = {flag: name for name, (_action, flag) in STATES[kind].items()}
        previous = names[reading] if reading is not None else "unknown"
        self.result["previous_state"] = previous
        if reading is None:
            self.warn("The %s status answer for %s could not be read; sending %s anyway. Answer: %r"
                      % (platform, target, action, status["action_result"]))
        if reading == wanted:
            self.record(status, None)
            return
        self.result["changed"] = True
        self.set_diff({"state": previous}, {"state": state})
        if self.check_mode:
            self.record(status, None)
            return
        self.record(self.client.run(platform, action, email, target), action)
