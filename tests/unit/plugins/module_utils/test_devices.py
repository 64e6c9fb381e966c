"""Devices as modules return them: every field, and only the fields asked for."""

from ansible_collections.secops.mobile_security.plugins.module_utils import devices


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
