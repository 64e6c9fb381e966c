"""An expired token in every form a gateway may use: one re-login, one retry, never a success or a parse error."""

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import HarmonyMobileClient
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_session import is_logout_body

from tests.unit.plugins.module_utils.test_harmony_client import FakeTransport

LOGOUT = {"success": False, "message": "Authentication required", "forceLogout": True}
FORMS = {
    "plain-401": (401, {"message": "Unauthorized"}),
    "logout-401": (401, LOGOUT),
    "logout-403": (403, LOGOUT),
    "logout-200": (200, LOGOUT),
    "success-false-403": (403, {"success": False, "message": "Token expired"}),
    "force-logout-string-200": (200, {"forceLogout": "true", "message": "x"}),
}


def expired_once(status, body):
    """Rejects the first token in the given form, then answers a page."""

    def handler(method, path, params, json_body, headers):
        if headers["Authorization"] == "Bearer tok-1":
            if status >= 400:
                raise ApiError("rejected", method, path, status, body)
            return status, body
        return 200, {"meta": {"total_count": 1, "offset": 0}, "objects": [{"id": 1, "name": "g"}]}

    return handler


@pytest.mark.parametrize("form", sorted(FORMS))
def test_each_expiry_form_gets_one_relogin_and_one_retry(form):
    transport = FakeTransport(expired_once(*FORMS[form]))
    client = HarmonyMobileClient(transport, "cid", "key")
    assert client.list_groups() == [{"id": 1, "name": "g"}]
    assert transport.tokens == 2
    assert len(transport.api_calls()) == 2


@pytest.mark.parametrize("form", sorted(FORMS))
def test_each_expiry_form_that_persists_fails_clearly(form):
    status, body = FORMS[form]

    def always(method, path, params, json_body, headers):
        if status >= 400:
            raise ApiError("rejected", method, path, status, body)
        return status, body

    transport = FakeTransport(always)
    client = HarmonyMobileClient(transport, "cid", "key")
    with pytest.raises(ApiError) as info:
        client.list_groups()
    assert transport.tokens == 2 and len(transport.api_calls()) == 2
    assert info.value.status == status
    if form != "plain-401":
        assert "login" in str(info.value) or "token" in str(info.value)


def test_a_write_refused_with_a_logout_body_is_sent_once_more_after_login():
    sent = []

    def handler(method, path, params, json_body, headers):
        sent.append(headers["Authorization"])
        if headers["Authorization"] == "Bearer tok-1":
            return 200, LOGOUT
        return 201, {"device_id": "77"}

    transport = FakeTransport(handler)
    client = HarmonyMobileClient(transport, "cid", "key")
    assert client.add_device("Ana", "ana@example.com") == "77"
    assert sent == ["Bearer tok-1", "Bearer tok-2"]


def test_403_without_a_logout_body_is_a_permission_error_not_a_relogin():
    def handler(method, path, params, json_body, headers):
        raise ApiError("Forbidden: no access to this service", method, path, 403, {"message": "Forbidden"})

    transport = FakeTransport(handler)
    with pytest.raises(ApiError, match="Forbidden"):
        HarmonyMobileClient(transport, "cid", "key").list_groups()
    assert transport.tokens == 1


@pytest.mark.parametrize("body,expected", [
    (LOGOUT, True),
    ({"success": False, "message": "Group name already exists"}, False),
    ({"success": False, "message": "Session expired, please log in"}, True),
    ({"meta": {}, "objects": []}, False),
    ([], False), ("text", False), (None, False),
])
def test_logout_body_recognition(body, expected):
    assert is_logout_body(body) is expected
