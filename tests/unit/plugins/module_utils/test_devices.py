"""Device records as some tenants send them: mdm null, no groups, e-mails in any case."""

from ansible_collections.secops.mobile_security.plugins.module_utils import devices
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import API_ROOT, HarmonyMobileClient

from tests.unit.plugins.module_utils.test_harmony_client import FakeTransport

GROUPS = [{"id": 1, "name": "ALL", "parent": None}, {"id": 2, "name": "Sales", "parent": {"id": 1, "name": "ALL"}},
          {"id": 3, "name": "Support", "parent": {"id": 1, "name": "ALL"}}]
MEMBERS = {"1": ["10"], "2": ["11", "12"], "3": ["12"]}
RECORDS = [{"internal_id": "10", "name": "Ana", "email": "Ana.Lima@Example.com", "mdm": None, "risk": "0", "status": "1"},
           {"internal_id": "11", "name": "Bo", "email": "bo@example.com", "mdm": None, "risk": "3", "status": "0"},
           {"internal_id": "12", "name": "Cy", "email": "cy@example.com", "mdm": {"uuid": "m-1"}, "os_type": "Android_4_x"}]


def page(objects):
    return 200, {"meta": {"offset": 0, "total_count": len(objects)}, "objects": objects}


def tenant(method, path, params, body, headers):
    params = params or {}
    if path == API_ROOT + "/v1/groups/":
        return page(GROUPS)
    if path == API_ROOT + "/v1/device_status/":
        if "groups__in" in params:
            return page([dict(r) for r in RECORDS if r["internal_id"] in MEMBERS[params["groups__in"]]])
        return page([dict(r) for r in RECORDS])
    raise AssertionError(path)


def test_records_without_groups_get_them_from_one_list_per_group():
    transport = FakeTransport(tenant)
    client = HarmonyMobileClient(transport, "cid", "key")
    found = [devices.normalise(d) for d in client.with_groups(list(client.list_devices()))]
    assert [(d["id"], d["groups"], d["group_ids"]) for d in found] == [
        ("10", ["ALL"], [1]), ("11", ["Sales"], [2]), ("12", ["Sales", "Support"], [2, 3])]
    assert [d["mdm_uuid"] for d in found] == [None, None, "m-1"]
    assert found[2]["os_type"] == "Android_4_x"


def test_records_with_groups_cost_no_extra_request():
    records = [dict(r, groups=[{"id": 2, "name": "Sales"}]) for r in RECORDS]
    transport = FakeTransport(lambda *a: (200, {"meta": {"total_count": 3, "offset": 0}, "objects": records}))
    client = HarmonyMobileClient(transport, "cid", "key")
    assert [d["groups"] for d in client.with_groups(list(client.list_devices()))] == [[{"id": 2, "name": "Sales"}]] * 3
    assert len(transport.api_calls()) == 1


def test_devices_of_a_user_are_found_whatever_the_case_of_the_email():
    client = HarmonyMobileClient(FakeTransport(tenant), "cid", "key")
    assert [d["internal_id"] for d in client.devices_with_email("ana.lima@example.COM")] == ["10"]
    assert client.devices_with_email("nobody@example.com") == []


def test_drift_compares_filled_in_groups():
    client = HarmonyMobileClient(FakeTransport(tenant), "cid", "key")
    current = devices.normalise(client.devices_with_email("cy@example.com")[0])
    assert devices.drift({"name": "Cy", "groups": ["Support", "Sales"]}, current) == []
    assert devices.drift({"name": "Cy", "groups": ["Sales"]}, current) == ["groups"]


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
