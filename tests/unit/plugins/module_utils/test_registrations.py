"""Registrations: calls 8 and 9 through the session's uniform get (one 404 rule), and the state class with a
fake tenant (the service answering another device's details is refused, nothing sent)."""

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import registrations
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import HarmonyMobileClient
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant

from tests.unit.plugins.module_utils.test_device_sync import FakeModule
from tests.unit.plugins.module_utils.test_harmony_client import FakeTransport


def test_details_of_a_device_that_is_not_there_is_none():
    def handler(method, path, params, body, headers):
        raise ApiError("not found", method, path, 404)

    client = HarmonyMobileClient(FakeTransport(handler), "cid", "key")
    assert registrations.details_of(client, "7") is None
    assert registrations.details_by_email(client, "a@x.com") is None


def test_details_of_another_device_are_refused_and_nothing_is_sent():
    sent = []

    def handler(method, path, params, body, headers):
        if method == "POST":
            sent.append(path)
        if path.endswith("get_registration_details"):
            return 200, {"id": "8", "device_hash": "h"}
        return 200, {"internal_id": "7", "email": "a@x.com", "name": "A", "groups": [], "status": "0"}

    client = HarmonyMobileClient(FakeTransport(handler), "cid", "key")
    options = {"action": "resend", "device_id": "7", "email": None, "mdm_uuid": None, "send_reg_email": None,
               "send_reg_sms": None}
    with pytest.raises(ApiError, match="answered the registration details of device 8 when asked for device 7"):
        registrations.Registration(FakeModule(options, Tenant(client), client)).run()
    assert sent == []
