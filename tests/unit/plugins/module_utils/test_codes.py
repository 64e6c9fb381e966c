"""Status/risk code reading and SmartPT vendor status interpretation."""

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import codes, smartpt_status
from ansible_collections.secops.mobile_security.plugins.module_utils.smartpt_client import normalise_answer
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError


@pytest.mark.parametrize("value,code", [("high", 3), ("HIGH", 3), ("3", 3), (3, 3), ("none", 0), ("no risk", 0)])
def test_risk_codes(value, code):
    assert codes.risk_code(value) == code


@pytest.mark.parametrize("value,code", [("active", 1), ("-1", -1), (4, 4), ("user_notified", 0), ("provisioned", 0)])
def test_status_codes(value, code):
    assert codes.status_code(value) == code


@pytest.mark.parametrize("value", ["extreme", "7", True, ""])
def test_bad_codes_name_field_and_value(value):
    with pytest.raises(ValueError, match=r"^risk_in: "):
        codes.risk_code(value, "risk_in")


def test_describe():
    assert codes.describe("3", codes.RISK_NAMES) == (3, "high")
    assert codes.describe(9, codes.RISK_NAMES) == (9, None)
    assert codes.describe(None, codes.RISK_NAMES) == (None, None)


@pytest.mark.parametrize("platform,result,expected", [
    ("wazuh", {"data": {"affected_items": [{"id": "1", "isolated": True}]}}, True),
    ("wazuh", {"data": {"affected_items": [{"id": "1", "isolated": False}]}}, False),
    ("cortex", {"reply": {"endpoints": [{"is_isolated": "AGENT_ISOLATED"}]}}, True),
    ("paloalto", {"reply": {"endpoints": [{"is_isolated": "AGENT_UNISOLATED"}]}}, False),
    ("cisco", {"data": {"status": "not_isolated"}}, False),
    ("cisco", {"data": {"status": "isolated"}}, True),
    ("defender", {"value": [{"type": "Isolate", "status": "Succeeded"}]}, True),
    ("defender", {"value": [{"type": "Unisolate", "status": "Succeeded"}]}, False),
    ("defender", {"value": [{"type": "Isolate", "status": "Pending"}]}, None),
    ("wazuh", {"opaque": True}, None),
    ("cisco", "text", None),
])
def test_endpoint_isolated(platform, result, expected):
    assert smartpt_status.endpoint_isolated(platform, result) is expected


def test_user_blocked():
    assert smartpt_status.user_blocked({"accountEnabled": False}) is True
    assert smartpt_status.user_blocked({"user": {"accountEnabled": True}}) is False
    assert smartpt_status.user_blocked({"note": "x"}) is None


def test_normalise_both_documented_shapes():
    flat = normalise_answer(200, {"statusCode": 200, "message": "User u was blocked successfully"})
    assert flat == {"status_code": 200, "message": "User u was blocked successfully", "action_result": None}
    nested = normalise_answer(200, {"statusCode": 200, "body": {"message": "ok", "action_result": {"a": 1}}})
    assert nested["action_result"] == {"a": 1} and nested["message"] == "ok"
    with pytest.raises(ApiError, match="Missing 'upn'"):
        normalise_answer(200, {"statusCode": 400, "message": "Bad Request: Missing 'upn' parameter"})
