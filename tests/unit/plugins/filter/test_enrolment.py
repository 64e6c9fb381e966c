"""The hm_device_entries filter: inventory hosts with hm_* variables as hm_device_sync entries."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.secops.mobile_security.plugins.filter.enrolment import FilterModule, hm_device_entries


def test_hosts_with_an_email_become_entries_and_the_name_defaults_to_the_host():
    hostvars = {"ana-phone": {"hm_email": "ana@example.com", "hm_groups": ["Sales"], "hm_number": ""},
                "bo-phone": {"hm_email": "bo@example.com", "hm_name": "Bo phone", "hm_number": "+1555"},
                "printer": {"ansible_host": "10.0.0.5"}}
    assert hm_device_entries(["ana-phone", "bo-phone", "printer"], hostvars) == [
        {"email": "ana@example.com", "name": "ana-phone", "groups": ["Sales"]},
        {"email": "bo@example.com", "name": "Bo phone", "number": "+1555"}]
    assert hm_device_entries("ana-phone", hostvars)[0]["email"] == "ana@example.com"
    assert hm_device_entries(None, hostvars) == []


def test_a_host_missing_from_hostvars_is_named():
    with pytest.raises(AnsibleFilterError, match="host 'ghost' is not in hostvars"):
        hm_device_entries(["ghost"], {})


def test_the_filter_is_registered_under_its_documented_name():
    assert FilterModule().filters() == {"hm_device_entries": hm_device_entries}
