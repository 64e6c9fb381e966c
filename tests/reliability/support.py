"""Shared pieces of the reliability tests: the desired state and checks of the simulated tenant."""

import json
import os

import yaml

from tests.support import REPO_ROOT, sim_play

with open(os.path.join(REPO_ROOT, "playbooks", "vars", "group_tree.yml")) as _handle:
    TREE = yaml.safe_load(_handle)["example_group_tree"]


def tree_paths(tree, prefix="ALL"):
    paths = []
    for node in tree:
        node = node if isinstance(node, dict) else {"name": node}
        path = prefix + "/" + node["name"]
        paths.append(path)
        paths.extend(tree_paths(node.get("children") or [], path))
    return paths


def leaves(tree):
    found = []
    for node in tree:
        node = node if isinstance(node, dict) else {"name": node}
        found.extend(leaves(node["children"]) if node.get("children") else [node["name"]])
    return found


def desired_devices(count, tag="rel"):
    names = leaves(TREE)
    return [{"email": "%s%04d@reliability.example.com" % (tag, i), "name": "%s device %d" % (tag, i),
             "groups": [names[i % len(names)]]} for i in range(count)]


TASKS = """    - name: Group hierarchy
      secops.mobile_security.hm_group_hierarchy:
        tree: "{{ tree }}"
    - name: Device sync
      secops.mobile_security.hm_device_sync:
        devices: "{{ devices }}"
        concurrency: 8
"""


def write_inputs(tmp_path, devices, **extra):
    playbook = tmp_path / "converge.yml"
    sim_play(playbook, TASKS, defaults=["retries: 10", 'timeout: "{{ hm_timeout | default(30) }}"'])
    variables = tmp_path / "vars.json"
    variables.write_text(json.dumps(dict({"tree": TREE, "devices": devices}, **extra)))
    return str(playbook), "@" + str(variables)


def tenant_problems(sim, devices):
    """Everything wrong with the tenant compared to the desired state (an empty list is success)."""
    problems = []
    groups = sim.api("GET", "/app/SBM/external_api/v1/groups/", params={"limit": 1000})["objects"]
    by_id = {g["id"]: g for g in groups}

    def path(group):
        parts = [group["name"]]
        while group.get("parent"):
            group = by_id[group["parent"]["id"]]
            parts.append(group["name"])
        return "/".join(reversed(parts))
    got_paths = sorted(path(g) for g in groups)
    want_paths = sorted(["ALL"] + tree_paths(TREE))
    if got_paths != want_paths:
        problems.append("groups differ: extra %s, missing %s" % (
            sorted(set(got_paths) - set(want_paths))[:5], sorted(set(want_paths) - set(got_paths))[:5]))
    found = sim.all_devices()
    emails = [d["email"] for d in found]
    if len(emails) != len(set(emails)):
        problems.append("%d duplicate devices" % (len(emails) - len(set(emails))))
    wanted = {d["email"]: d for d in devices}
    missing = set(wanted) - set(emails)
    extra = set(emails) - set(wanted)
    if missing or extra:
        problems.append("%d devices missing, %d unexpected" % (len(missing), len(extra)))
    for device in found:
        want = wanted.get(device["email"])
        if want and [g["name"] for g in device["groups"]] != want["groups"]:
            problems.append("%s in the wrong group" % device["email"])
            break
    return problems
