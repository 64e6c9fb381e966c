# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client of the SmartPT security-actions API."""

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError, server_message

ENDPOINT_PLATFORMS = {
    "wazuh": "/wazuh/agents",
    "paloalto": "/paloalto/endpoints",
    "cisco": "/cisco/computers",
    "cortex": "/cortex/endpoints",
    "defender": "/defender/machines",
}
USER_PLATFORMS = {"azuread": "/azuread/users"}
PLATFORM_PATHS = dict(ENDPOINT_PLATFORMS, **USER_PLATFORMS)

ENDPOINT_ACTIONS = ("isolate", "releaseisolate", "status")
USER_ACTIONS = ("AzureADBlock", "AzureADUnblock", "AzureADStatus", "AzureADSreport")
# Sending these twice does something twice (a second audit report); every other action is a state or a read,
# so repeating it after an answer in doubt is harmless.
NOT_IDEMPOTENT_ACTIONS = frozenset(("AzureADSreport",))


def actions_for(platform):
    return USER_ACTIONS if platform in USER_PLATFORMS else ENDPOINT_ACTIONS


def check_action(platform, action):
    """UserError unless ``action`` is one the platform takes."""
    if platform not in PLATFORM_PATHS:
        raise UserError("platform: %r is not one of %s" % (platform, ", ".join(sorted(PLATFORM_PATHS))))
    if action not in actions_for(platform):
        raise UserError("action: %r is not valid for platform %s (valid: %s)" % (
            action, platform, ", ".join(actions_for(platform))))


def target_field(platform):
    return "upn" if platform in USER_PLATFORMS else "agent_id"


class SmartptClient:
    def __init__(self, transport, company_key):
        self.transport = transport
        self._company_key = company_key

    def run(self, platform, action, requester_email, target):
        """POST one action; returns a dict with status_code, message and action_result."""
        check_action(platform, action)
        if not self._company_key:
            raise ApiError("company_key is required (or SMARTPT_COMPANY_KEY)")
        body = {"action": action, "Email": requester_email, target_field(platform): target}
        path = PLATFORM_PATHS[platform]
        try:
            status, answer = self.transport.send("POST", path, json_body=body, headers={"x-sha256": self._company_key},
                                                 idempotent=action not in NOT_IDEMPOTENT_ACTIONS)
        except ApiError as err:
            if err.status == 401:
                raise ApiError("SmartPT rejected the company key (Unauthorized)", "POST", path, 401, err.body)
            if err.ambiguous:
                raise ApiError("%s for %s may or may not have been sent (%s); it is not sent again automatically, "
                               "check before you repeat it" % (action, target, err.message), "POST", path, err.status,
                               err.body, ambiguous=True)
            raise
        return normalise_answer(status, answer)


def normalise_answer(http_status, answer):
    """The guide shows a flat {statusCode, message} and a nested {statusCode, body: {message, action_result}}."""
    answer = answer if isinstance(answer, dict) else {"message": answer}
    inner = answer.get("body")
    if isinstance(inner, str):
        inner = {"message": inner}
    inner = inner if isinstance(inner, dict) else {}
    status_code = answer.get("statusCode", http_status)
    try:
        status_code = int(status_code)
    except (TypeError, ValueError):
        status_code = http_status
    if status_code >= 400:
        raise ApiError(server_message(answer, "HTTP %d" % status_code), status=status_code, body=answer)
    action_result = inner.get("action_result", answer.get("action_result"))
    return {
        "status_code": status_code,
        "message": inner.get("message") or answer.get("message") or "",
        "action_result": action_result,
    }
