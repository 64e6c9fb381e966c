"""Every example the collection ships outside playbooks/ runs against the simulator's evidence-based defaults.

The README's playbook (the quick start runs in test_quickstart.py), the AWX inventory source and job template (with only what the
credential types inject), and the roles with nothing but their required variables. The playbooks in
playbooks/ run in test_playbooks.py and the rulebook in test_rulebook.py.
"""

import json
import os
import re
import subprocess
import sys

import yaml

from tests.integration.test_awx_credentials import inject, load
from tests.support import (REPO_ROOT, SIM_ACCESS_KEY, SIM_CLIENT_ID, SIM_COMPANY_KEY, ansible_env, one_line,
                           run_playbook)

AWX_README = os.path.join(REPO_ROOT, "extensions", "awx", "README.md")
DEVICE_INVENTORY = os.path.join(REPO_ROOT, "playbooks", "inventory", "devices.yml")


def yaml_blocks(path):
    with open(path) as handle:
        return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", handle.read(), re.S)]


def playbook_file(tmp_path, name, plays):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(plays, sort_keys=False))
    return str(path)


def awx_env(sim):
    env = inject(load("harmony_mobile.yml"), {"gateway_url": sim.url, "client_id": SIM_CLIENT_ID,
                                              "access_key": SIM_ACCESS_KEY, "validate_certs": False})
    env.update(inject(load("smartpt.yml"), {"api_url": sim.url, "company_key": SIM_COMPANY_KEY}))
    return env


def test_readme_playbook(sim, tmp_path):
    sim.seed(devices=30, alerts=20, rng_seed=4)
    readme = yaml_blocks(os.path.join(REPO_ROOT, "README.md"))
    # docs/quickstart.md runs word for word in test_quickstart.py.
    assert len(readme) == 2, "a new snippet needs a check here"
    env = {"HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")}
    vault = {"vault_hm_client_id": SIM_CLIENT_ID, "vault_hm_access_key": SIM_ACCESS_KEY,
             "vault_smartpt_company_key": SIM_COMPANY_KEY}
    result = run_playbook(playbook_file(tmp_path, "readme.yml", readme[0]), sim, extra_vars=vault, env=env)
    assert result.returncode == 0, result.stdout[-4000:]
    assert [g["name"] for g in sim.api("GET", "/app/SBM/external_api/v1/groups/", params={"name": "EMEA"})["objects"]] \
        == ["EMEA"]
    # The "Weekly report" section's fail_when rules, as written: on a first report the increase is not known, so
    # it warns, and the job does not fail on it.
    rules = readme[1]["fleet_report_fail_when"]
    report = run_playbook(os.path.join(REPO_ROOT, "playbooks", "weekly_fleet_report.yml"), sim, env=env, extra_vars={
        "fleet_report_dest": str(tmp_path / "reports"), "fleet_report_fail_when": rules})
    shown = one_line(report.stdout)
    assert report.returncode == 0, report.stdout[-4000:]
    assert "fail_when high increase_above 5: not known (first report: no baseline yet)" in shown


def test_awx_inventory_source_and_job_template_with_only_the_injected_credentials(sim, tmp_path):
    blocks = yaml_blocks(AWX_README)
    configure, inventory_source = blocks[0], blocks[1]
    tasks = dict((t["name"], t) for t in configure[0]["tasks"])
    template = tasks["Job template for the isolation response"]["awx.awx.job_template"]
    source = tasks["Inventory source using the hm_devices plugin (file hm_devices.yml in the project)"][
        "awx.awx.inventory_source"]
    # What the template and the source point at exists in the project.
    assert os.path.exists(os.path.join(REPO_ROOT, template["playbook"]))
    for path in tasks["Credential types"]["loop"]:
        assert os.path.exists(os.path.join(REPO_ROOT, "extensions", "awx", path))
    assert source["source_path"].endswith("hm_devices.yml")

    run_playbook(os.path.join(REPO_ROOT, "playbooks", "enrol_devices.yml"), sim, inventory=DEVICE_INVENTORY,
                 env={"HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")})
    for device in sim.all_devices():
        if device["email"] in ("ana.0@example.com", "chen.2@example.com"):
            sim.set_device(device["internal_id"], risk=3)

    # The inventory source, as AWX runs it: the snippet's file, credentials only from the injectors.
    (tmp_path / "hm_devices.yml").write_text(yaml.safe_dump(inventory_source))
    env = ansible_env(sim)
    for key in list(env):
        if key.startswith(("HM_", "SMARTPT_")):
            del env[key]
    env.update(awx_env(sim))
    listed = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i",
                             str(tmp_path / "hm_devices.yml"), "--list"], env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert listed.returncode == 0, listed.stderr[-3000:]
    data = json.loads(listed.stdout)
    assert len(data["_meta"]["hostvars"]) == 50

    # The job template: its playbook with its extra vars (a dry run), then launched with the dry run off.
    sim.reset_stats()
    dry = run_playbook(os.path.join(REPO_ROOT, template["playbook"]), None, extra_vars=template["extra_vars"],
                       env=dict(awx_env(sim), HM_TOKEN_CACHE_PATH=str(tmp_path / "awx_tokens.json")))
    assert dry.returncode == 0, dry.stdout[-4000:]
    assert "2 target(s) would be isolated or blocked" in dry.stdout
    assert sim.stats().get("writes", 0) == 0
    real = run_playbook(os.path.join(REPO_ROOT, template["playbook"]), None,
                        extra_vars=dict(template["extra_vars"], isolate_risky_devices_dry_run=False),
                        env=dict(awx_env(sim), HM_TOKEN_CACHE_PATH=str(tmp_path / "awx_tokens.json")))
    assert real.returncode == 0, real.stdout[-4000:]
    states = {(t["platform"], t["target"]): t["state"] for t in sim.control("GET", "smartpt")}
    assert states == {("wazuh", "001"): "isolated", ("azuread", "chen.2@example.com"): "blocked"}


def test_roles_with_only_their_required_variables(sim, tmp_path):
    plays = [{"name": "Roles with their defaults", "hosts": "localhost", "gather_facts": False,
              "roles": [{"role": "secops.mobile_security.group_hierarchy",
                         "vars": {"group_hierarchy_tree": [{"name": "EMEA", "children": ["EMEA-Sales-UK"]}]}}]},
             {"name": "Enrol with the defaults", "hosts": "localhost", "gather_facts": False,
              "roles": ["secops.mobile_security.device_enrolment"]}]
    inventory = tmp_path / "devices.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}, "children": {
        "hm_devices": {"hosts": {"ana": {"hm_email": "Ana.Lima@Example.com", "hm_name": "Ana Lima",
                                         "hm_groups": ["EMEA-Sales-UK"]},
                                 "bo": {"hm_email": "bo@example.com", "hm_name": "Bo"}}}}}}))
    for _run in range(2):
        result = run_playbook(playbook_file(tmp_path, "roles.yml", plays), sim, inventory=str(inventory),
                              env={"HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")})
        assert result.returncode == 0, result.stdout[-4000:]
    devices = dict((d["email"], [g["name"] for g in d["groups"]]) for d in sim.all_devices())
    assert devices == {"Ana.Lima@Example.com": ["EMEA-Sales-UK"], "bo@example.com": ["ALL"]}


def test_role_checks_name_the_variable_the_user_set(sim, tmp_path):
    cases = [
        ("secops.mobile_security.device_enrolment", {"device_enrolment_purge": True},
         "device_enrolment_purge is true but device_enrolment_purge_groups is empty"),
        ("secops.mobile_security.device_enrolment", {"device_enrolment_create_groups": True},
         "device_enrolment_create_groups is true but device_enrolment_group_tree is empty"),
        ("secops.mobile_security.group_hierarchy", {}, "missing required arguments: group_hierarchy_tree"),
    ]
    for role, variables, message in cases:
        plays = [{"hosts": "localhost", "gather_facts": False, "roles": [{"role": role, "vars": variables}]}]
        result = run_playbook(playbook_file(tmp_path, "role.yml", plays), sim)
        assert result.returncode != 0
        assert message in one_line(result.stdout), result.stdout[-3000:]
        assert "device_enrolment_create_groups needs" not in result.stdout  # 1.0.0 blamed a variable nobody set
    assert sim.stats().get("writes", 0) == 0
