"""Integration: the hm_devices inventory plugin with 1,000 seeded devices, groups, constructable options, cache."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.simulator.variants import VARIANTS
from tests.support import ansible_env, one_line


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
        group = "hm_group_" + device["groups"][0]["name"].replace("-", "_")
        assert email in data[group]["hosts"]
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
    assert "authentication failed" in one_line(result.stderr)  # older cores wrap warnings
    assert "wrong-secret-123456" not in result.stderr + result.stdout

    # Connection settings are checked as the modules check them (one client factory).
    for extra_env, message in (({"HM_REGION": "mars"}, "region: 'mars' is not one of ap, eu, in, us"),
                               ({"HM_REGION": "us"}, "region: 'us' and gateway_url: '%s' are both set" % sim.url),
                               ({"HM_GATEWAY_URL": "gw.example.com"}, "gateway_url: 'gw.example.com' is not an http")):
        result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i",
                                 str(config), "--list"], env=ansible_env(sim, extra_env), capture_output=True,
                                text=True, timeout=120, check=False)
        assert message in one_line(result.stderr), result.stderr[-2000:]


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


GROUPS = "/app/SBM/external_api/v1/groups/"


def make_tree(sim, tree, parent_id=None):
    """Create {name: subtree} below parent_id through the API; returns {name: id}."""
    ids = {}
    for name, children in tree.items():
        body = {"name": name} if parent_id is None else {"name": name, "parent_id": parent_id}
        created = sim.api("POST", GROUPS, json=body)
        ids[name] = int(created["id"])
        ids.update(make_tree(sim, children, ids[name]))
    return ids


def test_inventory_groups_mirror_the_tree_with_short_names(sim, tmp_path):
    ids = make_tree(sim, {"Corp": {"Corp-IT": {"Corp-IT-SOC": {}, "Corp-IT-Helpdesk": {}}},
                          "EMEA Sales": {}, "EMEA-Sales": {"Team 1": {}}})
    for email, group in (("soc@example.com", "Corp-IT-SOC"), ("help@example.com", "Corp-IT-Helpdesk"),
                         ("it@example.com", "Corp-IT"), ("s1@example.com", "EMEA Sales"),
                         ("s2@example.com", "Team 1")):
        sim.api("POST", "/app/SBM/external_api/v2/device/", json={"name": email, "email": email, "groups": [group]})
    config = tmp_path / "hm.yml"
    config.write_text("plugin: secops.mobile_security.hm_devices\n")
    data = inventory(sim, config)

    # Short names from the group's own name; the path only where two names collide once sanitised.
    assert data["hm_group_Corp"]["children"] == ["hm_group_Corp_IT"]
    assert sorted(data["hm_group_Corp_IT"]["children"]) == ["hm_group_Corp_IT_Helpdesk", "hm_group_Corp_IT_SOC"]
    assert data["hm_group_Corp_IT"]["hosts"] == ["it@example.com"]
    assert data["hm_group_Corp_IT_SOC"]["hosts"] == ["soc@example.com"]
    # "EMEA Sales" and "EMEA-Sales" sanitise alike, and so do their paths: the id settles it.
    collided = sorted(g for g in data if "EMEA" in g)
    assert collided == sorted("hm_group_ALL_EMEA_Sales_%d" % ids[n] for n in ("EMEA Sales", "EMEA-Sales"))
    assert data["hm_group_ALL_EMEA_Sales_%d" % ids["EMEA Sales"]]["hosts"] == ["s1@example.com"]
    assert data["hm_group_Team_1"]["hosts"] == ["s2@example.com"]
    assert "hm_group_Corp" in data["hm_group_ALL"]["children"]

    # A parent contains every device of its subtree, as Ansible resolves group membership.
    graph = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible"), "-i", str(config),
                            "hm_group_Corp", "--list-hosts"], env=ansible_env(sim), capture_output=True, text=True,
                           timeout=300, check=False)
    assert graph.returncode == 0, graph.stderr[-2000:]
    listed = sorted(line.strip() for line in graph.stdout.splitlines()[1:])
    assert listed == ["help@example.com", "it@example.com", "soc@example.com"]

    # 1.0.0's flat path names, behind an option for one release, with a deprecation warning.
    config.write_text("plugin: secops.mobile_security.hm_devices\ngroup_layout: flat\n")
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", str(config), "--list"]
    flat_run = subprocess.run(cmd, env=ansible_env(sim), capture_output=True, text=True, timeout=300, check=False)
    assert flat_run.returncode == 0, flat_run.stderr[-2000:]
    assert "[DEPRECATION WARNING]" in flat_run.stderr and "group_layout: tree" in one_line(flat_run.stderr)
    flat = json.loads(flat_run.stdout, object_hook=unwrap_unsafe)
    assert flat["hm_group_ALL_Corp_Corp_IT_Corp_IT_SOC"]["hosts"] == ["soc@example.com"]
    # Corp holds no device directly and has no children there, so it is empty (ansible-inventory omits it).
    assert flat.get("hm_group_ALL_Corp", {}) == {}


@pytest.mark.parametrize("device_filters", VARIANTS["device_filters"])
def test_risk_and_status_options_hold_whatever_the_service_does_with_the_filters(sim, tmp_path, device_filters):
    sim.seed(devices=120, rng_seed=4)
    sim.variants(device_filters=device_filters)
    expected = [d["email"] for d in sim.all_devices() if d["risk"] == "3" and d["status"] in ("1", "4")]
    config = tmp_path / "hm.yml"
    config.write_text("plugin: secops.mobile_security.hm_devices\nrisk: [high]\nstatus: [active, inactive]\n")
    data = inventory(sim, config)
    assert sorted(data["_meta"]["hostvars"]) == sorted(expected) and expected
    assert sorted(data["hm_risk_high"]["hosts"]) == sorted(expected)
    assert not any(data.get("hm_risk_" + level, {}).get("hosts") for level in ("none", "low", "medium"))
    assert not any(data.get("hm_status_" + s, {}).get("hosts") for s in ("processing", "user_notified"))
