"""Enrolment benchmark: the device_enrolment role vs an ansible.builtin.uri loop vs plain requests.

Run: make perf   (or .venv/bin/python -m tests.perf.bench_enrolment --devices 2000 --uri-devices 200)
Prints figures; --write-doc also writes them to docs/performance.md. It asserts nothing: the
targets are printed beside the figures for a person to read.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time

import requests
import yaml

from tests.support import REPO_ROOT, SIM_ACCESS_KEY, SIM_CLIENT_ID, Simulator, run_playbook

PERF_DIR = os.path.dirname(os.path.abspath(__file__))
GROUP_TREE_FILE = os.path.join(REPO_ROOT, "playbooks", "vars", "group_tree.yml")

ROLE_PLAYBOOK = """
- name: Enrol (role)
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/secops.mobile_security.harmony_mobile:
      token_cache: true
  vars_files:
    - %(tree)s
  roles:
    - role: secops.mobile_security.device_enrolment
      vars:
        device_enrolment_create_groups: true
        device_enrolment_group_tree: "{{ example_group_tree }}"
"""

# The guide's two calls as uri tasks: log in, then add one device.
URI_LOGIN = """    - name: %(task)s
      ansible.builtin.uri:
        url: "{{ lookup('env', 'HM_GATEWAY_URL') }}/auth/external"
        method: POST
        body_format: json
        body: {clientId: "{{ lookup('env', 'HM_CLIENT_ID') }}", accessKey: "{{ lookup('env', 'HM_ACCESS_KEY') }}"}
      register: login
"""

URI_ADD = """    - name: %(task)s
      ansible.builtin.uri:
        url: "{{ lookup('env', 'HM_GATEWAY_URL') }}/app/SBM/external_api/v2/device/"
        method: POST
        headers: {Authorization: "Bearer {{ login.json.data.token }}"}
        body_format: json
        body: %(body)s
        status_code: [200, 201]
"""

# What the vendor guide shows, turned into a playbook: log in once, then one POST per device.
URI_PLAYBOOK = """
- name: Enrol (uri loop, as in the guide)
  hosts: localhost
  gather_facts: false
  tasks:
""" + URI_LOGIN % {"task": "Get a token"} + URI_ADD % {
    "task": "Add device",
    "body": '{name: "{{ hostvars[item].hm_name }}", email: "{{ hostvars[item].hm_email }}", '
            'groups: "{{ hostvars[item].hm_groups }}"}'} + """      loop: "{{ groups['hm_devices'] }}"
"""

SINGLE_TASK_PLAYBOOK = """
- name: One device per task
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/secops.mobile_security.harmony_mobile:
      token_cache: true
  tasks:
""" + URI_LOGIN % {"task": "Get a token (uri)"} + """    - name: Warm the token cache
      secops.mobile_security.hm_group_info:
%(tasks)s
"""

# One hm_device add, with %(i)d, %(g)s (a group) and %(domain)s (of the e-mail) filled in per pair.
MODULE_ADD = """    - name: module %(i)d
      secops.mobile_security.hm_device:
        email: m%(i)d@%(domain)s
        name: M %(i)d
        groups: [%(g)s]
"""

SINGLE_TASK_PAIR = URI_ADD % {
    "task": "uri %(i)d", "body": '{name: "U %(i)d", email: "u%(i)d@single.example.com", groups: [%(g)s]}'} + MODULE_ADD


def single_task_seconds(sim, workdir, count, groups):
    """Mean seconds of one uri add and of one hm_device add, alternating, each with a warm token."""
    tasks = "".join(SINGLE_TASK_PAIR % {"i": i, "g": groups[i % len(groups)], "domain": "single.example.com"}
                    for i in range(count))
    _wall, single = timed_playbook(sim, workdir, SINGLE_TASK_PLAYBOOK % {"tasks": tasks}, None, "single")
    return mean_task_seconds(single, "uri ", count), mean_task_seconds(single, "module ", count)


def mean_task_seconds(timings, prefix, count):
    """Mean per pair of the tasks whose names start with ``prefix`` (several tasks of one pair add up)."""
    return sum(t["seconds"] for t in timings if t["name"].startswith(prefix)) / count


def leaf_groups(tree):
    leaves = []

    def walk(nodes):
        for node in nodes:
            node = node if isinstance(node, dict) else {"name": node}
            if node.get("children"):
                walk(node["children"])
            else:
                leaves.append(node["name"])
    walk(tree)
    return leaves


def write_inventory(path, count, leaves, prefix):
    hosts = {}
    for i in range(count):
        hosts["%s-%05d" % (prefix, i)] = {
            "hm_email": "%s%05d@bench.example.com" % (prefix, i),
            "hm_name": "%s device %d" % (prefix, i),
            "hm_groups": [leaves[i % len(leaves)]],
        }
    with open(path, "w") as handle:
        yaml.safe_dump({"all": {"children": {"hm_devices": {"hosts": hosts}}}}, handle)


def timed_playbook(sim, workdir, text, inventory, name, extra_env=None):
    playbook = os.path.join(workdir, name + ".yml")
    with open(playbook, "w") as handle:
        handle.write(text)
    timings = os.path.join(workdir, name + ".timings.json")
    env = {"ANSIBLE_CALLBACK_PLUGINS": os.path.join(PERF_DIR, "callback_plugins"),
           "ANSIBLE_CALLBACKS_ENABLED": "task_timer", "TASK_TIMER_FILE": timings,
           "HM_TOKEN_CACHE_PATH": os.path.join(workdir, "tokens.json")}
    env.update(extra_env or {})
    started = time.perf_counter()
    result = run_playbook(playbook, sim, env=env, inventory=inventory, timeout=3600)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit("%s failed:\n%s" % (name, result.stdout[-5000:]))
    with open(timings) as handle:
        return wall, json.load(handle)


def floor_run(sim, count, leaves):
    """Plain Python: one keep-alive session, one POST per device, no Ansible."""
    session = requests.Session()
    token = session.post(sim.url + "/auth/external", json={"clientId": SIM_CLIENT_ID, "accessKey": SIM_ACCESS_KEY}
                         ).json()["data"]["token"]
    headers = {"Authorization": "Bearer " + token}
    started = time.perf_counter()
    for i in range(count):
        response = session.post(sim.url + "/app/SBM/external_api/v2/device/", headers=headers, json={
            "name": "floor device %d" % i, "email": "floor%05d@bench.example.com" % i,
            "groups": [leaves[i % len(leaves)]]})
        response.raise_for_status()
    return time.perf_counter() - started


def create_groups(sim, tree):
    def walk(nodes, parent_id):
        for node in nodes:
            node = node if isinstance(node, dict) else {"name": node}
            created = sim.api("POST", "/app/SBM/external_api/v1/groups/",
                              json={"name": node["name"], "parent_id": parent_id})
            walk(node.get("children") or [], created["id"])
    walk(tree, 1)


def task_seconds(timings, name):
    # Role tasks are named "role : task".
    return sum(t["seconds"] for t in timings if t["name"] == name or t["name"].endswith(" : " + name))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--uri-devices", type=int, default=200)
    parser.add_argument("--single-tasks", type=int, default=20)
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args(argv)

    with open(GROUP_TREE_FILE) as handle:
        tree = yaml.safe_load(handle)["example_group_tree"]
    leaves = leaf_groups(tree)
    workdir = tempfile.mkdtemp(prefix="hm-bench-")
    sim = Simulator(workdir).start()
    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    try:
        inventory = os.path.join(workdir, "devices.yml")
        write_inventory(inventory, args.devices, leaves, "role")
        say("Enrolment benchmark: %d devices into a %d-group, 3-level tree (%d leaf groups)" % (
            args.devices, 30, len(leaves)))
        say("machine: %s, %d cores, Python %s" % (platform.machine(), os.cpu_count(), platform.python_version()))
        say()

        # 1. The role, from an empty tenant (it creates the groups itself).
        sim.reset()
        sim.reset_stats()
        role_wall, role_timings = timed_playbook(sim, workdir, ROLE_PLAYBOOK % {"tree": GROUP_TREE_FILE},
                                                 inventory, "role")
        sync_seconds = task_seconds(role_timings, "Enrol the devices (one read, only the needed writes)")
        collect_seconds = task_seconds(role_timings, "Collect device entries from the inventory and device_enrolment_devices")
        stats = sim.stats()
        assert stats["state"]["devices"] == args.devices, stats["state"]
        role_tokens = stats.get("token_requests", 0)

        # 2. Re-run: nothing to write. The token cache is emptied first so the play starts cold.
        os.remove(os.path.join(workdir, "tokens.json"))
        sim.reset_stats()
        rerun_wall, _timings = timed_playbook(sim, workdir, ROLE_PLAYBOOK % {"tree": GROUP_TREE_FILE}, inventory,
                                              "role_rerun")
        rerun = sim.stats()
        pages = -(-args.devices // 100)

        # 3. Floor: plain requests POSTs into a tenant that has the groups.
        sim.reset()
        create_groups(sim, tree)
        floor_seconds = floor_run(sim, args.devices, leaves)

        # 4. uri loop on a sample, scaled linearly.
        sim.reset()
        create_groups(sim, tree)
        uri_inventory = os.path.join(workdir, "uri_devices.yml")
        write_inventory(uri_inventory, args.uri_devices, leaves, "uri")
        uri_wall, uri_timings = timed_playbook(sim, workdir, URI_PLAYBOOK, uri_inventory, "uri")
        uri_loop_seconds = task_seconds(uri_timings, "Add device")
        uri_scaled = uri_loop_seconds / args.uri_devices * args.devices

        # 5. One hm_device task vs one uri task, per task.
        sim.reset()
        create_groups(sim, tree)
        uri_task, module_task = single_task_seconds(sim, workdir, args.single_tasks, leaves)

        say("| measurement | figure | target |")
        say("|---|---|---|")
        say("| role run, %d devices (wall, whole ansible-playbook incl. group tree) | %.2f s | |" % (
            args.devices, role_wall))
        say("| hm_device_sync task alone (task timer) | %.2f s (%.2f ms/device) | |" % (
            sync_seconds, sync_seconds / args.devices * 1000))
        say("| collecting %d entries from inventory hostvars (its own task, before the sync) | %.2f s | |" % (
            args.devices, collect_seconds))
        say("| floor: plain requests, one keep-alive session, %d POSTs | %.2f s (%.2f ms/device) | |" % (
            args.devices, floor_seconds, floor_seconds / args.devices * 1000))
        say("| uri loop, measured on %d devices | %.2f s (%.3f s/device) | |" % (
            args.uri_devices, uri_loop_seconds, uri_loop_seconds / args.uri_devices))
        say("| uri loop scaled linearly to %d devices | %.1f s | |" % (args.devices, uri_scaled))
        say("| speed-up: uri loop (scaled) / whole role run | %.1fx | >= 30x |" % (uri_scaled / role_wall))
        say("| sync task / floor | %.2fx | <= 2x |" % (sync_seconds / floor_seconds))
        say("| re-run: writes | %d | 0 |" % rerun.get("writes", 0))
        say("| re-run: requests (incl. group list and token) | %d | <= %d (%d pages + 5) |" % (
            rerun.get("requests", 0), pages + 5, pages))
        say("| re-run wall time | %.2f s | |" % rerun_wall)
        say("| token requests in the role play | %d | 1 |" % role_tokens)
        say("| token requests in the re-run play | %d | 1 |" % rerun.get("token_requests", 0))
        say("| one hm_device task vs one uri task (mean of %d each) | %.3f s vs %.3f s = %.2fx | <= 1.3x |" % (
            args.single_tasks, module_task, uri_task, module_task / uri_task))
    finally:
        sim.stop()

    if args.write_doc:
        write_doc(lines, args)


def write_doc(lines, args):
    path = os.path.join(REPO_ROOT, "docs", "performance.md")
    # The WAN section belongs to tests/perf/bench_wan.py: keep it.
    wan = ""
    if os.path.exists(path):
        with open(path) as handle:
            text = handle.read()
        if "\n## WAN profile" in text:
            wan = "\n## WAN profile" + text.split("\n## WAN profile", 1)[1]
    with open(path, "w") as handle:
        handle.write("# Performance\n\nLatest figures of the enrolment benchmark, against the simulator on this "
                     "project's 2-core machine.\n\nProduced by:\n\n```sh\n.venv/bin/python -m tests.perf.bench_enrolment"
                     " --devices %d --uri-devices %d --write-doc\n```\n\n(`make perf` runs the same with the defaults.) "
                     "The uri baseline runs on a sample and is scaled linearly, as the table says. Task times come "
                     "from `tests/perf/callback_plugins/task_timer.py`, which measures what profile_tasks measures "
                     "(task start to the next task's start).\n\n" % (args.devices, args.uri_devices))
        handle.write("\n".join(lines) + "\n")
        handle.write(wan)
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
