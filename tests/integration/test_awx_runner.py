"""Jobs run as AWX and Automation Platform run them: through ansible-runner, with a private data directory,
the environment the collection's credential types inject and the job template's extra vars, judged from
runner's event stream (the same events AWX stores and shows)."""

import json
import os
import sys

import ansible_runner

from tests.integration.test_awx_credentials import inject, load
from tests.integration.test_examples import AWX_README, yaml_blocks
from tests.support import COLLECTIONS_ROOT, REPO_ROOT, SIM_ACCESS_KEY, SIM_CLIENT_ID, SIM_COMPANY_KEY

PLAYBOOKS = os.path.join(REPO_ROOT, "playbooks")


def job_template():
    tasks = dict((t["name"], t) for t in yaml_blocks(AWX_README)[0][0]["tasks"])
    return tasks["Job template for the isolation response"]["awx.awx.job_template"]


def credentials_env(sim):
    """Only what the two credential types inject: AWX adds nothing else about the services."""
    env = inject(load("harmony_mobile.yml"), {"gateway_url": sim.url, "client_id": SIM_CLIENT_ID,
                                              "access_key": SIM_ACCESS_KEY, "validate_certs": False})
    env.update(inject(load("smartpt.yml"), {"api_url": sim.url, "company_key": SIM_COMPANY_KEY}))
    return env


def run_job(tmp_path, name, playbook, sim, extravars, inventory=None, cmdline=None):
    private = tmp_path / name
    (private / "env").mkdir(parents=True)
    envvars = dict(credentials_env(sim), ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT,
                   ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", HM_TOKEN_CACHE_PATH=str(private / "tokens.json"))
    # What a job's host sees of this test run's own credentials would make the check below meaningless.
    for key in list(os.environ):
        if key.startswith(("HM_", "SMARTPT_")):
            envvars.setdefault(key, "")
    runner = ansible_runner.run(private_data_dir=str(private), playbook=playbook, inventory=inventory,
                                envvars=envvars, extravars=extravars, quiet=True, timeout=600, cmdline=cmdline)
    events = list(runner.events)
    stats = [e for e in events if e["event"] == "playbook_on_stats"][-1]["event_data"]
    return runner, events, stats


def assert_clean(runner, events, stats):
    failed = [e for e in events if e["event"] in ("runner_on_failed", "runner_on_unreachable")
              and not e["event_data"].get("ignore_errors")]
    assert runner.status == "successful" and runner.rc == 0, [e.get("stdout") for e in failed][-3:]
    assert not failed and not stats["failures"] and not stats["dark"]
    # AWX stores every event; none may hold a secret, in stdout or in the structured data.
    dumped = json.dumps(events)
    assert SIM_ACCESS_KEY not in dumped and SIM_COMPANY_KEY not in dumped


def test_enrol_and_isolate_jobs_through_ansible_runner(sim, tmp_path, monkeypatch):
    # As in an execution environment, ansible-playbook is on the PATH of the process that runs the job.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    runner, events, stats = run_job(tmp_path, "enrol", os.path.join(PLAYBOOKS, "enrol_devices.yml"), sim, {},
                                    inventory=os.path.join(PLAYBOOKS, "inventory", "devices.yml"))
    assert_clean(runner, events, stats)
    assert stats["changed"] == {"localhost": 2}  # the group tree, then the devices
    synced = [e["event_data"]["res"] for e in events if e["event"] == "runner_on_ok"
              and e["event_data"].get("task_action") == "secops.mobile_security.hm_device_sync"]
    assert synced[0]["summary"] == {"added": 50, "deleted": 0, "recreated": 0, "drifted": 0, "unchanged": 0,
                                    "failed": 0}
    assert len(sim.all_devices()) == 50

    for device in sim.all_devices():
        if device["email"] in ("ana.0@example.com", "chen.2@example.com"):
            sim.set_device(device["internal_id"], risk=3)
    template = job_template()
    extravars = dict(template["extra_vars"], isolate_risky_devices_dry_run=False)
    runner, events, stats = run_job(tmp_path, "isolate", os.path.join(REPO_ROOT, template["playbook"]), sim,
                                    extravars)
    assert_clean(runner, events, stats)
    assert stats["changed"] == {"localhost": 1}
    isolations = [e["event_data"] for e in events if e["event"] == "runner_item_on_ok"
                  and e["event_data"].get("task_action") == "secops.mobile_security.smartpt_action"]
    assert sorted(i["res"]["action_sent"] for i in isolations) == ["AzureADBlock", "isolate"]
    states = {(t["platform"], t["target"]): t["state"] for t in sim.control("GET", "smartpt")}
    assert states == {("wazuh", "001"): "isolated", ("azuread", "chen.2@example.com"): "blocked"}

    # A second launch of the same job changes nothing.
    runner, events, stats = run_job(tmp_path, "again", os.path.join(REPO_ROOT, template["playbook"]), sim,
                                    extravars)
    assert_clean(runner, events, stats)
    assert stats["changed"] == {}


def test_a_check_job_plans_the_natural_play_without_wiring(sim, tmp_path, monkeypatch):
    """A job template of type Check (ansible-runner with --check --diff) plans groups and devices in one go."""
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    playbook = tmp_path / "natural.yml"
    playbook.write_text("""
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - secops.mobile_security.hm_group_hierarchy:
        tree: [{name: Ops, children: [{name: Field}, {name: Desk}]}]
    - secops.mobile_security.hm_device_sync:
        devices:
          - {email: f1@example.com, name: "Field One", groups: [Field]}
          - {email: d1@example.com, name: "Desk One", groups: [Desk]}
""")
    runner, events, stats = run_job(tmp_path, "plan", str(playbook), sim, {}, cmdline="--check --diff")
    assert_clean(runner, events, stats)
    assert stats["changed"] == {"localhost": 2} and sim.stats().get("writes", 0) == 0
    planned = dict((e["event_data"]["task_action"], e["event_data"]["res"]) for e in events
                   if e["event"] == "runner_on_ok")
    groups = planned["secops.mobile_security.hm_group_hierarchy"]["diff"]["after"]["groups"]
    assert sorted(groups) == ["Desk", "Field", "Ops"]
    devices = planned["secops.mobile_security.hm_device_sync"]["diff"]["after"]["devices"]
    assert dict((email, d["groups"]) for email, d in devices.items()) == {
        "f1@example.com": ["Field"], "d1@example.com": ["Desk"]}

    runner, events, stats = run_job(tmp_path, "apply", str(playbook), sim, {})
    assert_clean(runner, events, stats)
    assert sorted(d["email"] for d in sim.all_devices()) == ["d1@example.com", "f1@example.com"]
    runner, events, stats = run_job(tmp_path, "replan", str(playbook), sim, {}, cmdline="--check --diff")
    assert_clean(runner, events, stats)
    assert stats["changed"] == {}
