"""Integration: the hm_devices inventory plugin with 1,000 seeded devices, groups, constructable options, cache."""

import json
import os
import shutil
import subprocess
import sys

from tests.support import ansible_env


def inventory(sim, config_path, *args):
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", str(config_path), "--list"]
    result = subprocess.run(cmd + list(args), env=ansible_env(sim), capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout, object_hook=unwrap_unsafe)


def unwrap_unsafe(obj):
    # ansible-inventory marks API-sourced strings as unsafe: {"__ansible_unsafe": value}.
    return obj["__ansible_unsafe"] if list(obj) == ["__ansible_unsafe"] else obj


def test_inventory_1000_devices_groups_and_cache(sim, tmp_path):
    sim.seed(devices=1000, rng_seed=9)
    expected = {d["email"]: d for d in sim.all_devices()}
    config = tmp_path / "hm.yml"
    config.write_text("""
plugin: secops.mobile_security.hm_devices
hostname: email
keyed_groups:
  - key: hm_model
    prefix: model
compose:
  hm_is_risky: hm_risk_code >= 2
groups:
  ios: hm_os_type == 'IOS'
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: %s
cache_timeout: 3600
""" % (tmp_path / "cache"))
    sim.reset_stats()
    data = inventory(sim, config)
    hostvars = data["_meta"]["hostvars"]
    assert sorted(hostvars) == sorted(expected)
    first_requests = sim.stats()["requests"]
    assert first_requests == 1 + 1 + 10  # token, groups, 10 pages of 100 devices

    for email, device in expected.items():
        path = "hm_group_ALL_" + device["groups"][0]["name"].replace("-", "_")
        assert email in data[path]["hosts"]
        risk = {"0": "none", "1": "low", "2": "medium", "3": "high"}[device["risk"]]
        assert email in data["hm_risk_" + risk]["hosts"]
        assert hostvars[email]["hm_id"] == device["internal_id"]
        assert hostvars[email]["hm_is_risky"] == (int(device["risk"]) >= 2)
    assert len(data["ios"]["hosts"]) == sum(1 for d in expected.values() if d["os_type"] == "IOS")
    assert set(data["model_Pixel_8"]["hosts"]) == {e for e, d in expected.items() if d["model"] == "Pixel 8"}
    statuses = {"-1": "processing", "0": "user_notified", "1": "active", "4": "inactive"}
    for status, name in statuses.items():
        assert len(data.get("hm_status_" + name, {}).get("hosts", [])) == sum(
            1 for d in expected.values() if d["status"] == status)

    sim.reset_stats()
    again = inventory(sim, config)
    assert sim.stats().get("requests", 0) == 0  # served from the cache
    assert sorted(again["_meta"]["hostvars"]) == sorted(expected)

    # An emptied cache is filled again from the API (ansible-inventory 2.16 has no --flush-cache).
    shutil.rmtree(tmp_path / "cache")
    inventory(sim, config)
    assert sim.stats()["requests"] == first_requests


def test_inventory_filters_and_bad_credentials(sim, tmp_path):
    sim.seed(devices=50, rng_seed=2)
    config = tmp_path / "hm_devices.yml"
    config.write_text("plugin: secops.mobile_security.hm_devices\nhostname: id\nrisk: [high]\n")
    data = inventory(sim, config)
    assert all(v["hm_risk_name"] == "high" for v in data["_meta"]["hostvars"].values())
    assert sorted(data["_meta"]["hostvars"]) == sorted(
        d["internal_id"] for d in sim.all_devices() if d["risk"] == "3")
    env = ansible_env(sim, {"HM_ACCESS_KEY": "wrong-secret-123456"})
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", str(config),
                             "--list"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "authentication failed" in " ".join(result.stderr.split())  # older cores wrap warnings
    assert "wrong-secret-123456" not in result.stderr + result.stdout


def test_credentials_from_a_lookup_are_templated_not_sent_literally(sim, tmp_path):
    sim.seed(devices=5, rng_seed=3)
    config = tmp_path / "hm.yml"
    config.write_text("plugin: secops.mobile_security.hm_devices\nhostname: id\n"
                      "client_id: \"{{ lookup('ansible.builtin.env', 'MY_HM_ID') }}\"\n"
                      "access_key: \"{{ lookup('ansible.builtin.env', 'MY_HM_SECRET') }}\"\n")
    env = ansible_env(sim, {"MY_HM_ID": "sim-client-id", "MY_HM_SECRET": "sim-access-key-0123456789"})
    for key in ("HM_CLIENT_ID", "HM_ACCESS_KEY"):
        env.pop(key, None)
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", str(config),
                             "--list"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(json.loads(result.stdout)["_meta"]["hostvars"]) == 5
