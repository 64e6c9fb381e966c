"""Routes of the SmartPT security-actions API.

The guide shows two answer shapes (a flat ``message`` for Azure AD block,
``body.message`` + ``body.action_result`` for endpoint actions); both are
produced here so the client is exercised on each. Status answers mimic each
vendor's own API, because SmartPT passes the vendor answer through.
"""

from .store import StoreError

ENDPOINT_PLATFORMS = {
    "/wazuh/agents": "wazuh",
    "/paloalto/endpoints": "paloalto",
    "/cisco/computers": "cisco",
    "/cortex/endpoints": "cortex",
    "/defender/machines": "defender",
}
USER_PATH = "/azuread/users"
ENDPOINT_ACTIONS = ("isolate", "releaseisolate", "status")
USER_ACTIONS = ("AzureADBlock", "AzureADUnblock", "AzureADStatus", "AzureADSreport")


class SmartptError(StoreError):
    pass


def is_smartpt_path(path):
    return path.rstrip("/") in ENDPOINT_PLATFORMS or path.rstrip("/") == USER_PATH


def _reply(status, message, action_result=None, flat=False):
    if flat:
        body = {"statusCode": status, "message": message}
        if action_result is not None:
            body["action_result"] = action_result
        return status, body
    return status, {"statusCode": status, "body": {"message": message, "action_result": action_result or {}}}


def handle(sim, path, headers, body):
    if headers.get("x-sha256") != sim.company_key:
        return _reply(401, "Unauthorized", flat=True) + (False,)
    if not isinstance(body, dict):
        return _reply(400, "Bad Request: body must be a JSON object", flat=True) + (False,)
    action = body.get("action")
    path = path.rstrip("/")
    if path == USER_PATH:
        return _user(sim, action, body)
    return _endpoint(sim, ENDPOINT_PLATFORMS[path], action, body)


def _user(sim, action, body):
    if action not in USER_ACTIONS:
        return _reply(400, "Bad Request: Unknown action '%s'" % action, flat=True) + (False,)
    upn = body.get("upn")
    if not upn:
        return _reply(400, "Bad Request: Missing 'upn' parameter", flat=True) + (False,)
    if not body.get("Email"):
        return _reply(400, "Bad Request: Missing 'Email' parameter", flat=True) + (False,)
    store = sim.store
    if action == "AzureADBlock":
        store.set_target_state("azuread", upn, "blocked")
        return _reply(200, "User %s was blocked successfully" % upn, flat=True) + (True,)
    if action == "AzureADUnblock":
        store.set_target_state("azuread", upn, "unblocked")
        return _reply(200, "User %s was unblocked successfully" % upn, flat=True) + (True,)
    if action == "AzureADSreport":
        return _reply(200, "Audit report for %s was sent to %s" % (upn, body["Email"]), flat=True) + (False,)
    blocked = store.target_state("azuread", upn, "unblocked") == "blocked"
    result = {"userPrincipalName": upn, "accountEnabled": not blocked}
    if sim.opaque_status:
        result = {"note": "status service returned no account data"}
    return _reply(200, "Action executed successfully", result) + (False,)


def _endpoint(sim, platform, action, body):
    if action not in ENDPOINT_ACTIONS:
        return _reply(400, "Bad Request: Unknown action '%s'" % action, flat=True) + (False,)
    agent_id = body.get("agent_id")
    if not agent_id:
        return _reply(400, "Bad Request: Missing 'agent_id' parameter", flat=True) + (False,)
    if not body.get("Email"):
        return _reply(400, "Bad Request: Missing 'Email' parameter", flat=True) + (False,)
    store = sim.store
    if action in ("isolate", "releaseisolate"):
        state = "isolated" if action == "isolate" else "released"
        store.set_target_state(platform, agent_id, state)
        return _reply(200, "Action executed successfully", _action_result(platform, agent_id, action)) + (True,)
    isolated = store.target_state(platform, agent_id, "released") == "isolated"
    result = {"opaque": True} if sim.opaque_status else _status_result(platform, agent_id, isolated)
    return _reply(200, "Action executed successfully", result) + (False,)


def _action_result(platform, agent_id, action):
    if platform == "wazuh":
        return {"data": {"affected_items": [agent_id], "total_affected_items": 1, "failed_items": []},
                "message": "AR command was sent to all agents", "error": 0}
    if platform in ("paloalto", "cortex"):
        return {"reply": {"action_id": abs(hash((agent_id, action))) % 100000, "endpoints_count": 1}}
    if platform == "cisco":
        return {"data": {"connector_guid": agent_id, "status": "pending_start" if action == "isolate" else "pending_stop"}}
    return {"id": "ma-%s" % agent_id, "type": "Isolate" if action == "isolate" else "Unisolate",
            "status": "Pending", "machineId": agent_id}


def _status_result(platform, agent_id, isolated):
    if platform == "wazuh":
        return {"data": {"affected_items": [{"id": agent_id, "status": "active", "isolated": isolated}],
                         "total_affected_items": 1}, "error": 0}
    if platform in ("paloalto", "cortex"):
        return {"reply": {"endpoints": [{"endpoint_id": agent_id,
                                         "is_isolated": "AGENT_ISOLATED" if isolated else "AGENT_UNISOLATED"}]}}
    if platform == "cisco":
        return {"data": {"available": True, "status": "isolated" if isolated else "not_isolated"}}
    return {"value": [{"machineId": agent_id, "type": "Isolate" if isolated else "Unisolate", "status": "Succeeded"}]}
