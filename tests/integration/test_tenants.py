"""Many tenants from one controller: one inventory host per tenant (playbooks/tenants), against one simulator
serving 20 tenants, each at its own path with its own credentials, data and tokens. The simulator refuses and
counts any token or credentials of one tenant used at another's path, so its records prove nothing crossed."""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time

import ansible_runner
import pytest
import requests
import yaml

from tests.integration.test_inventory import unwrap_unsafe
from tests.support import COLLECTIONS_ROOT, REPO_ROOT, SIM_ACCESS_KEY, SIM_CLIENT_ID, Simulator, ansible_env, one_line

TENANTS_DIR = os.path.join(REPO_ROOT, "playbooks", "tenants")
BASELINE = os.path.join(TENANTS_DIR, "baseline.yml")
COUNT = 20


@pytest.fixture(scope="module")
def tenant_sim(tmp_path_factory):
    sim = Simulator(str(tmp_path_factory.mktemp("tenants")), extra_args=["--tenants", str(COUNT)]).start()
    yield sim
    sim.stop()


def customers(sim):
    return [t for t in sim.control("GET", "tenants") if t["name"] != "default"]


def desired_devices(name, index):
    """Each tenant its own list: 1 to 3 users of its own domain, one of them a manager."""
    entries = [{"email": "user%d@%s.example.com" % (j, name), "name": "User %d of %s" % (j, name),
                "number": "+1555%03d%04d" % (index, j)} for j in range(1 + index % 3)]
    entries[0]["groups"] = ["Corporate-Managers"]
    return entries


def write_inventory(directory, sim, tenants, overrides=None):
    """The example's group_vars, and one host per tenant with its connection in its host vars."""
    os.makedirs(directory, exist_ok=True)
    shutil.copytree(os.path.join(TENANTS_DIR, "group_vars"), os.path.join(directory, "group_vars"),
                    dirs_exist_ok=True)
    hosts = {}
    for index, tenant in enumerate(tenants):
        hosts[tenant["name"]] = dict({
            "hm_gateway_url": sim.url + tenant["path"], "hm_client_id": tenant["client_id"],
            "hm_access_key": tenant["access_key"], "tenant_devices": desired_devices(tenant["name"], index),
        }, **(overrides or {}).get(tenant["name"], {}))
        for key in [k for k, v in hosts[tenant["name"]].items() if v is None]:
            del hosts[tenant["name"]][key]
    path = os.path.join(directory, "inventory.yml")
    with open(path, "w") as handle:
        yaml.safe_dump({"tenants": {"hosts": hosts, "vars": example_vars()}}, handle)
    return path


def example_vars():
    """The connection settings of the example inventory (local connection, the controller's Python)."""
    with open(os.path.join(TENANTS_DIR, "inventory.yml")) as handle:
        return yaml.safe_load(handle)["tenants"]["vars"]


@pytest.fixture(autouse=True)
def venv_on_path(monkeypatch):
    """ansible-runner looks for ansible-playbook on PATH: the one next to this Python."""
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))


def run_baseline(private, inventory, sim, forks=10, limit=None):
    """The baseline play as AWX runs a job: ansible-runner, its events. The controller's HM_* variables hold
    the default tenant's credentials: a task that fell back to them would touch the wrong customer."""
    os.makedirs(os.path.join(private, "env"), exist_ok=True)
    envvars = {"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT, "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
               "HM_TOKEN_CACHE_PATH": os.path.join(private, "tokens.json"),
               "HM_GATEWAY_URL": sim.url, "HM_CLIENT_ID": SIM_CLIENT_ID, "HM_ACCESS_KEY": SIM_ACCESS_KEY}
    runner = ansible_runner.run(private_data_dir=private, playbook=BASELINE, inventory=inventory, forks=forks,
                                limit=limit, envvars=envvars, quiet=True, timeout=600)
    events = list(runner.events)
    stats = [e for e in events if e["event"] == "playbook_on_stats"][-1]["event_data"]
    return runner, events, stats


def module_results(events, module):
    return [(e["event_data"]["host"], e["event_data"]["res"]) for e in events
            if e["event"] in ("runner_on_ok", "runner_on_failed") and e["event_data"].get("task_action") == module]


def tenant_api(sim, tenant, path):
    """A read of one tenant's data with its own credentials at its own path."""
    base = sim.url + tenant["path"]
    token = requests.post(base + "/auth/external", json={"clientId": tenant["client_id"],
                                                         "accessKey": tenant["access_key"]}, timeout=30)
    token = token.json()["data"]["token"]
    found, offset = [], 0
    while True:
        page = requests.get(base + path, params={"limit": 100, "offset": offset}, timeout=30,
                            headers={"Authorization": "Bearer " + token}).json()
        found += page["objects"]
        offset += len(page["objects"])
        if not page["objects"] or offset >= page["meta"]["total_count"]:
            return found


def assert_own_results_only(events, tenants):
    """Every result names its own tenant and holds only its own devices (by e-mail domain and id range)."""
    by_name = dict((t["name"], t) for t in tenants)
    synced = module_results(events, "secops.mobile_security.hm_device_sync")
    assert synced
    for host, res in synced + module_results(events, "secops.mobile_security.hm_group_hierarchy"):
        tenant = by_name[host]
        assert res["tenant"]["name"] == host and res["tenant"]["client_id"] == tenant["client_id"], res["tenant"]
        assert res["tenant"]["gateway_url"].endswith(tenant["path"]) and res["tenant"]["tenant_id"] == tenant["tenant_id"]
        assert tenant["access_key"] not in json.dumps(res)
    for host, res in synced:
        for item in res.get("devices", []):
            assert item["email"].endswith("@%s.example.com" % host), (host, item)
            if item.get("device_id"):
                assert by_name[host]["id_base"] < int(item["device_id"]) < by_name[host]["id_base"] + 1000000


def test_twenty_tenants_with_forks_reach_their_own_state_and_nothing_crosses(tenant_sim, tmp_path):
    sim = tenant_sim
    tenants = customers(sim)
    assert len(tenants) == COUNT
    inventory = write_inventory(str(tmp_path / "inv"), sim, tenants)
    sim.reset_stats()
    runner, events, stats = run_baseline(str(tmp_path / "first"), inventory, sim)
    assert runner.rc == 0 and not stats["failures"] and not stats["dark"], runner.stdout.read()[-3000:]
    assert sorted(stats["ok"]) == sorted(t["name"] for t in tenants)
    assert sorted(stats["changed"]) == sorted(t["name"] for t in tenants)
    assert_own_results_only(events, tenants)

    records = sim.stats()
    assert records["cross_tenant"] == 0
    # The controller's HM_* credentials (the default tenant's) were never used.
    assert not records["tenants"]["default"].get("token_requests") and records["state"]["devices"] == 0
    for index, tenant in enumerate(tenants):
        counted = records["tenants"][tenant["name"]]
        assert counted["token_requests"] >= 1 and counted.get("token_refused", 0) == 0
        emails = sorted(d["email"] for d in tenant_api(sim, tenant, "/app/SBM/external_api/v1/device_status/"))
        assert emails == sorted(d["email"] for d in desired_devices(tenant["name"], index))
        groups = sorted(g["name"] for g in tenant_api(sim, tenant, "/app/SBM/external_api/v1/groups/"))
        assert groups == ["ALL", "BYOD", "Corporate", "Corporate-Managers", "Corporate-Staff"]

    runner, events, stats = run_baseline(str(tmp_path / "second"), inventory, sim)
    assert runner.rc == 0 and not stats["failures"] and not stats["changed"], stats
    assert len(stats["ok"]) == COUNT and sim.stats()["cross_tenant"] == 0


def test_one_tenant_failing_fails_alone_and_a_limited_rerun_converges(tenant_sim, tmp_path):
    sim = tenant_sim
    tenants = customers(sim)[:5]
    ok, bad_key, outage, throttled, no_key = (t["name"] for t in tenants)
    quick = {"hm_retries": 1, "hm_rate_limit_wait": 1}
    inventory = write_inventory(str(tmp_path / "inv"), sim, tenants, {
        bad_key: {"hm_access_key": "not-the-key"}, outage: quick, throttled: quick, no_key: {"hm_access_key": None}})
    sim.control("POST", "tenants/%s" % outage, {"fault": "outage"})
    sim.control("POST", "tenants/%s" % throttled, {"fault": "rate-limit"})
    sim.reset_stats()
    try:
        runner, events, stats = run_baseline(str(tmp_path / "failing"), inventory, sim, forks=5)
    finally:
        for name in (outage, throttled):
            sim.control("POST", "tenants/%s" % name, {"fault": None})
    assert runner.rc != 0
    assert sorted(stats["failures"]) == sorted([bad_key, outage, throttled, no_key]), stats
    assert ok in stats["ok"] and ok not in stats["failures"]
    failed = dict((e["event_data"]["host"], e["event_data"]["res"]) for e in events if e["event"] == "runner_on_failed")
    assert "authentication failed for client_id %s" % tenants[1]["client_id"] in failed[bad_key]["msg"]
    assert failed[bad_key]["tenant"]["name"] == bad_key
    assert failed[no_key]["msg"].startswith("tenant %s: access_key not set" % no_key)
    assert failed[outage]["tenant"]["name"] == outage and failed[throttled]["tenant"]["name"] == throttled
    records = sim.stats()
    # The key-less tenant did not fall back to the controller's HM_ACCESS_KEY (the default tenant's).
    assert not records["tenants"]["default"].get("token_requests") and records["cross_tenant"] == 0

    # Fixed credentials, service back: a re-run limited to the failed hosts converges them.
    inventory = write_inventory(str(tmp_path / "inv"), sim, tenants)
    limit = ",".join(sorted(stats["failures"]))
    runner, events, stats = run_baseline(str(tmp_path / "rerun"), inventory, sim, forks=5, limit=limit)
    assert runner.rc == 0 and not stats["failures"] and sorted(stats["ok"]) == limit.split(","), stats
    runner, events, stats = run_baseline(str(tmp_path / "whole"), inventory, sim, forks=5)
    assert runner.rc == 0 and not stats["failures"] and not stats["changed"] and len(stats["ok"]) == 5


def awx_slices(hosts, count):
    """The hosts of each slice as AWX computes them: hosts ordered by name, slice n (1-based) takes every
    count-th host from index n - 1 (Inventory.get_script_data in awx/main/models/inventory.py)."""
    ordered = sorted(hosts)
    return [ordered[number - 1::count] for number in range(1, count + 1)]


def test_awx_job_slices_handle_every_tenant_exactly_once(tenant_sim, tmp_path):
    sim = tenant_sim
    tenants = customers(sim)
    inventory = write_inventory(str(tmp_path / "inv"), sim, tenants)
    slices = awx_slices([t["name"] for t in tenants], 3)
    assert sorted(sum(slices, [])) == sorted(t["name"] for t in tenants)
    sim.reset_stats()
    handled = []
    for number, hosts in enumerate(slices, 1):
        # Each slice is its own job on its own execution node: its own private data dir and token cache.
        runner, events, stats = run_baseline(str(tmp_path / ("slice%d" % number)), inventory, sim,
                                             limit=",".join(hosts))
        assert runner.rc == 0 and not stats["failures"], stats
        assert sorted(stats["ok"]) == sorted(hosts)
        handled += [host for host, _res in module_results(events, "secops.mobile_security.hm_device_sync")]
        assert_own_results_only(events, tenants)
    assert sorted(handled) == sorted(t["name"] for t in tenants)  # each tenant once, no tenant twice
    records = sim.stats()
    assert records["cross_tenant"] == 0
    # One login per tenant: every tenant was worked on by exactly one slice (one job, one token cache).
    assert dict((t["name"], records["tenants"][t["name"]]["token_requests"]) for t in tenants) == dict(
        (t["name"], 1) for t in tenants)


def inventory_list(sources, env):
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "--list"]
    for source in sources:
        cmd += ["-i", str(source)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout, object_hook=unwrap_unsafe), one_line(result.stderr)


def shared_user(sim, tenants, email="sam@mssp.example.com"):
    """MSSP staff enrolled in two customers' tenants: the same e-mail in both, a different device in each."""
    ids = []
    for tenant in tenants:
        base = sim.url + tenant["path"]
        token = requests.post(base + "/auth/external", json={"clientId": tenant["client_id"],
                                                             "accessKey": tenant["access_key"]}, timeout=30)
        answer = requests.post(base + "/app/SBM/external_api/v2/device/", timeout=30,
                               headers={"Authorization": "Bearer " + token.json()["data"]["token"]},
                               json={"name": "Sam Staff", "email": email, "number": "+15550000999"})
        assert answer.status_code < 300, answer.text
        ids.append(answer.json())
    return ids


def test_two_inventory_files_for_two_tenants_never_merge_a_host(tenant_sim, tmp_path):
    sim = tenant_sim
    first, second = customers(sim)[18:20]
    shared_user(sim, (first, second))
    env = ansible_env(None, {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
    for key in [k for k in env if k.startswith("HM_")]:
        del env[key]
    sources = []
    for tenant, prefix in ((first, "a_"), (second, "b_")):
        source = tmp_path / ("%s.hm_devices.yml" % tenant["name"])
        source.write_text("plugin: secops.mobile_security.hm_devices\ngateway_url: %s\nclient_id: %s\n"
                          "access_key: %s\ngroup_prefix: %s\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
                          "cache_connection: %s\n" % (
                              sim.url + tenant["path"], tenant["client_id"], tenant["access_key"], prefix,
                              tmp_path / "cache"))
        sources.append(source)

    # Without tenant_name: the second tenant's copy of the shared user gets its own host, with a warning.
    data, warnings = inventory_list(sources, env)
    hostvars = data["_meta"]["hostvars"]
    kept = hostvars["sam@mssp.example.com"]
    qualified = hostvars["%s_sam@mssp.example.com" % second["client_id"]]
    assert kept["hm_tenant"]["client_id"] == first["client_id"] and first["id_base"] < int(kept["hm_id"]) < second["id_base"]
    assert qualified["hm_tenant"]["client_id"] == second["client_id"] and int(qualified["hm_id"]) > second["id_base"]
    assert "host 'sam@mssp.example.com' already comes from %s" % first["client_id"] in warnings
    assert "sam@mssp.example.com" not in data.get("b_risk_none", {}).get("hosts", [])
    for host, hv in hostvars.items():
        tenant = first if hv["hm_tenant"]["client_id"] == first["client_id"] else second
        assert tenant["id_base"] < int(hv["hm_id"]) < tenant["id_base"] + 1000000, host

    # With tenant_name in each file: every host is named by its tenant, and each tenant has its group.
    for source, tenant in zip(sources, (first, second)):
        source.write_text(source.read_text() + "tenant_name: %s\n" % tenant["name"])
    data, warnings = inventory_list(sources, env)
    hostvars = data["_meta"]["hostvars"]
    assert "already comes from" not in warnings
    for tenant, prefix in ((first, "a_"), (second, "b_")):
        host = "%s_sam@mssp.example.com" % tenant["name"]
        assert hostvars[host]["hm_tenant"]["name"] == tenant["name"]
        assert host in data["%stenant_%s" % (prefix, tenant["name"])]["hosts"]
        assert all(h.startswith(tenant["name"] + "_") for h in data["%stenant_%s" % (prefix, tenant["name"])]["hosts"])


def test_the_inventory_cache_is_kept_per_tenant(tenant_sim, tmp_path):
    """One file, credentials from the environment: switching them to another tenant must not serve the first
    tenant's cached devices."""
    sim = tenant_sim
    first, second = customers(sim)[16:18]
    for tenant in (first, second):
        sim.control("POST", "seed?tenant=%s" % tenant["name"], {"devices": 3, "groups": [],
                                                                "email_domain": "%s.example.com" % tenant["name"]})
    source = tmp_path / "hm_devices.yml"
    source.write_text("plugin: secops.mobile_security.hm_devices\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
                      "cache_connection: %s\ncache_timeout: 3600\n" % (tmp_path / "cache"))
    seen = []
    for tenant in (first, second, first):
        env = ansible_env(None, {"HM_GATEWAY_URL": sim.url + tenant["path"], "HM_CLIENT_ID": tenant["client_id"],
                                 "HM_ACCESS_KEY": tenant["access_key"], "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
        data, _warnings = inventory_list([source], env)
        ids = [int(hv["hm_id"]) for hv in data["_meta"]["hostvars"].values()]
        assert ids and all(tenant["id_base"] < i < tenant["id_base"] + 1000000 for i in ids)
        assert set(hv["hm_tenant"]["client_id"] for hv in data["_meta"]["hostvars"].values()) <= {tenant["client_id"]}
        seen.append(sorted(ids))
    assert seen[0] == seen[2] and seen[0] != seen[1]


def tenant_source_args(sim, tenant, cursor_file):
    return {"tenant_name": tenant["name"], "gateway_url": sim.url + tenant["path"], "client_id": tenant["client_id"],
            "access_key": tenant["access_key"], "interval": 0.1, "cursor_file": cursor_file, "start": "all"}


def test_two_alert_sources_in_one_process_stay_apart(tenant_sim, tmp_path, monkeypatch):
    from tests.integration.test_eda_source import hm_alerts

    sim = tenant_sim
    first, second = customers(sim)[10:12]
    for tenant, count in ((first, 3), (second, 2)):
        sim.control("POST", "alerts?tenant=%s" % tenant["name"], {"alerts": [
            {"severity": "HIGH", "event": "test", "details": "%s-%d" % (tenant["name"], i)} for i in range(count)]})
    # The process's HM_* variables name the default tenant: neither source may use them.
    monkeypatch.setenv("HM_GATEWAY_URL", sim.url)
    monkeypatch.setenv("HM_CLIENT_ID", SIM_CLIENT_ID)
    monkeypatch.setenv("HM_ACCESS_KEY", SIM_ACCESS_KEY)
    cursors = dict((t["name"], str(tmp_path / ("%s.cursor" % t["name"]))) for t in (first, second))

    async def scenario():
        queue = asyncio.Queue()  # one queue, as ansible-rulebook merges its sources
        tasks = [asyncio.ensure_future(hm_alerts.main(queue, tenant_source_args(sim, t, cursors[t["name"]])))
                 for t in (first, second)]
        events = []
        while len(events) < 5:
            events.append(await asyncio.wait_for(queue.get(), 15))
        await asyncio.sleep(0.5)
        assert queue.empty()
        for task in tasks:
            task.cancel()
        return events

    events = asyncio.run(scenario())
    for tenant, count in ((first, 3), (second, 2)):
        own = [e for e in events if e["hm_tenant"]["name"] == tenant["name"]]
        assert sorted(e["hm_alert"]["details"] for e in own) == ["%s-%d" % (tenant["name"], i) for i in range(count)]
        assert all(e["hm_tenant"]["client_id"] == tenant["client_id"] and
                   e["hm_tenant"]["tenant_id"] == tenant["tenant_id"] for e in own)
        assert json.load(open(cursors[tenant["name"]]))["newest_id"] == max(e["hm_alert"]["id"] for e in own)
    assert sim.stats()["cross_tenant"] == 0

    # One tenant's cursor file is refused for another (its ids would skip or repeat the other's alerts).
    with pytest.raises(ValueError) as err:
        hm_alerts.AlertPoller(tenant_source_args(sim, second, cursors[first["name"]]))
    assert "holds the cursor of another tenant" in str(err.value) and first["client_id"] in str(err.value)
    # A named tenant without its key does not take the process's HM_ACCESS_KEY.
    args = tenant_source_args(sim, first, None)
    del args["access_key"]
    with pytest.raises(ValueError) as err:
        hm_alerts.AlertPoller(args)
    assert str(err.value).startswith("tenant %s: access_key not set" % first["name"])


RULEBOOK = os.path.join(REPO_ROOT, "extensions", "eda", "rulebooks", "isolate_on_high_risk_tenants.yml")
PLAY = "PLAY [Isolate high-risk mobile users' endpoints]"


@pytest.mark.skipif(not os.path.exists(os.path.join(os.path.dirname(sys.executable), "ansible-rulebook"))
                    or shutil.which("java") is None, reason="ansible-rulebook needs its package and a Java runtime")
def test_one_rulebook_watches_two_tenants_and_isolates_with_each_tenants_mapping(tenant_sim, tmp_path):
    from tests.integration.test_rulebook import ALERT_ROUTE
    from tests.support import SIM_COMPANY_KEY

    sim = tenant_sim
    acme, globex = customers(sim)[12:14]
    # The same user is at high risk in both tenants; each tenant maps them to its own endpoint.
    for tenant, device in zip((acme, globex), shared_user(sim, (acme, globex), "shared@mssp.example.com")):
        sim.control("POST", "devices/%s?tenant=%s" % (device["device_id"], tenant["name"]), {"status": 1, "risk": 3})
    hosts = {}
    for name, tenant, agent in (("acme", acme, "A-1"), ("globex", globex, "G-1")):
        hosts[name] = {"hm_gateway_url": sim.url + tenant["path"], "hm_client_id": tenant["client_id"],
                       "hm_access_key": tenant["access_key"], "smartpt_api_url": sim.url,
                       "smartpt_company_key": SIM_COMPANY_KEY,
                       "tenant_device_mapping": {"shared@mssp.example.com": {"platform": "wazuh", "agent_id": agent}}}
    shutil.copytree(os.path.join(TENANTS_DIR, "group_vars"), str(tmp_path / "group_vars"))
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump({"tenants": {"hosts": hosts, "vars": example_vars()}}))
    (tmp_path / "vars.yml").write_text(yaml.safe_dump(dict(
        hm_alerts_interval=0.5, hm_alerts_cursor_dir=str(tmp_path),
        **dict((name, {"gateway_url": hosts[name]["hm_gateway_url"], "client_id": hosts[name]["hm_client_id"],
                       "access_key": hosts[name]["hm_access_key"]}) for name in hosts))))
    env = ansible_env(sim, {"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
                            "HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")})
    output = []
    polls = sim.stats()["by_route"].get(ALERT_ROUTE, 0)
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "ansible-rulebook"), "-r", RULEBOOK,
                             "-i", str(tmp_path / "inventory.yml"), "--vars", str(tmp_path / "vars.yml")],
                            cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()

    def wait(condition, timeout=120):
        deadline = time.time() + timeout
        while not condition():
            assert time.time() < deadline and proc.poll() is None, "".join(output)[-4000:]
            time.sleep(0.2)

    def isolated():
        return dict(((t["platform"], t["target"]), t["state"]) for t in sim.control("GET", "smartpt"))

    try:
        # Both sources have made their first read (where "latest" starts).
        wait(lambda: sim.stats()["by_route"].get(ALERT_ROUTE, 0) >= polls + 2)
        sim.control("POST", "alerts?tenant=%s" % acme["name"], {"alerts": [
            {"severity": "HIGH", "event": "acme", "email": "shared@mssp.example.com"}]})
        wait(lambda: "".join(output).count("PLAY RECAP") >= 1)
        assert isolated() == {("wazuh", "A-1"): "isolated"}, "".join(output)[-4000:]
        sim.control("POST", "alerts?tenant=%s" % globex["name"], {"alerts": [
            {"severity": "Critical", "event": "globex", "email": "shared@mssp.example.com"},
            {"severity": "Low", "event": "globex"}]})
        wait(lambda: "".join(output).count("PLAY RECAP") >= 2)
        time.sleep(2)
    finally:
        proc.terminate()
        proc.wait(30)
    text = "".join(output)
    assert text.count(PLAY) == 2, text[-4000:]
    assert isolated() == {("wazuh", "A-1"): "isolated", ("wazuh", "G-1"): "isolated"}
    # Each run worked on its own tenant's host only, and no token crossed.
    runs = text.split(PLAY)[1:]
    assert "ok: [acme]" in runs[0] and "[globex]" not in runs[0]
    assert "ok: [globex]" in runs[1] and "[acme]" not in runs[1]
    assert sim.stats()["cross_tenant"] == 0


def test_hosts_named_by_id_from_two_gateways_with_the_same_ids_never_merge(tmp_path):
    # Two separate services number their devices alike (1, 2, 3 in each): hostname: id collides on every host.
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    sims = [Simulator(str(tmp_path / name)).start() for name in ("one", "two")]
    try:
        for sim in sims:
            sim.seed(devices=3, rng_seed=len(sim.url))
        env = ansible_env(None, {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
        for key in [k for k in env if k.startswith("HM_")]:
            del env[key]
        sources = []
        for index, sim in enumerate(sims):
            source = tmp_path / ("%d.hm_devices.yml" % index)
            source.write_text("plugin: secops.mobile_security.hm_devices\ngateway_url: %s\nclient_id: %s\n"
                              "access_key: %s\nhostname: id\n" % (sim.url, SIM_CLIENT_ID, SIM_ACCESS_KEY))
            sources.append(source)
        data, warnings = inventory_list(sources, env)
        hostvars = data["_meta"]["hostvars"]
        assert len(hostvars) == 6
        by_gateway = {}
        for host, variables in hostvars.items():
            by_gateway.setdefault(variables["hm_tenant"]["gateway_url"], []).append((host, variables["hm_id"]))
        assert sorted(by_gateway) == sorted(sim.url for sim in sims)
        for pairs in by_gateway.values():
            assert sorted(hm_id for _host, hm_id in pairs) == ["1", "2", "3"]
        assert warnings.count("already comes from") == 3
    finally:
        for sim in sims:
            sim.stop()
