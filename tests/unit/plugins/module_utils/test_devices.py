"""Devices as modules return them: every field, and only the fields asked for."""

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import devices
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


def test_fields_are_every_key_a_returned_device_has_and_the_choices_hm_device_info_documents():
    import yaml
    from ansible_collections.secops.mobile_security.plugins.modules import hm_device_info
    record = devices.normalise({"id": 7, "email": "a@example.com", "groups": [{"id": 1, "name": "G"}]})
    assert devices.FIELDS == tuple(record)
    options = yaml.safe_load(hm_device_info.DOCUMENTATION)["options"]
    assert options["fields"]["choices"] == list(devices.FIELDS)
    documented = yaml.safe_load(hm_device_info.RETURN)["devices"]["contains"]
    assert sorted(documented) == sorted(devices.FIELDS)


def test_select_fields_keeps_only_those_asked_for_and_none_means_all():
    records = [devices.normalise({"id": 7, "email": "a@example.com", "risk": "3"})]
    assert devices.select_fields(records, None) is records
    assert devices.select_fields(records, ["email", "risk_name"]) == [{"email": "a@example.com", "risk_name": "high"}]


def test_mapped_by_email_matches_as_the_identity_rule_does():
    found = [{"id": "1", "email": "Ana.0@Example.com"}, {"id": "2", "email": " bo@x.com "}, {"id": "3", "email": "c@x.com"}]
    paired = devices.mapped_by_email(found, {"ana.0@example.com": {"agent_id": "001"}, "BO@X.COM": {"upn": "bo"}}, "m")
    assert paired == {"mapped": [{"email": "Ana.0@Example.com", "device_id": "1", "target": {"agent_id": "001"}},
                                 {"email": " bo@x.com ", "device_id": "2", "target": {"upn": "bo"}}],
                      "unmapped": ["c@x.com"]}


def test_mapped_by_email_refuses_one_user_with_two_targets():
    with pytest.raises(UserError, match="'a@x.com' and 'A@x.com' are the same user's e-mail"):
        devices.mapped_by_email([], {"a@x.com": {"agent_id": "1"}, "A@x.com": {"agent_id": "2"}}, "mapping")
    assert devices.mapped_by_email([], {"a@x.com": {"agent_id": "1"}, "A@x.com": {"agent_id": "1"}}, "m")["mapped"] == []
