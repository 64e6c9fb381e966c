"""Integration: the smartpt_wazuh_active_response role against a directory laid out like /var/ossec,
then the installed script run the way wazuh-execd runs it, against the simulator."""

import json
import os
import re
import stat
import subprocess
import sys

from tests.support import SIM_COMPANY_KEY, run_playbook

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: secops.mobile_security.smartpt_wazuh_active_response
      vars:
        smartpt_wazuh_active_response_ossec_dir: "{{ ossec_dir }}"
        smartpt_wazuh_active_response_owner: "{{ owner }}"
        smartpt_wazuh_active_response_group: "{{ group }}"
        smartpt_wazuh_active_response_python: "{{ python }}"
        smartpt_wazuh_active_response_api_url: "{{ sim_url }}"
        smartpt_wazuh_active_response_company_key: "{{ lookup('env', 'SMARTPT_COMPANY_KEY') }}"
        smartpt_wazuh_active_response_rules_id: [100200, 100201]
        smartpt_wazuh_active_response_timeout: 600
"""


def make_ossec(root):
    for sub in ("etc", "logs", "bin", "active-response/bin"):
        os.makedirs(os.path.join(root, sub))
    with open(os.path.join(root, "etc", "ossec.conf"), "w") as handle:
        handle.write("<ossec_config>\n  <global>\n    <jsonout_output>yes</jsonout_output>\n  </global>\n</ossec_config>\n")
    control = os.path.join(root, "bin", "wazuh-control")
    with open(control, "w") as handle:
        handle.write("#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/../restarts.log\"\n")
    os.chmod(control, 0o755)


def test_role_installs_idempotently_and_script_isolates(sim, tmp_path):
    ossec = str(tmp_path / "ossec")
    make_ossec(ossec)
    playbook = tmp_path / "wazuh.yml"
    playbook.write_text(PLAYBOOK)
    variables = {"ossec_dir": ossec, "owner": str(os.getuid()), "group": str(os.getgid()), "python": sys.executable}
    first = run_playbook(str(playbook), sim, variables)
    assert first.returncode == 0, first.stdout[-5000:]
    assert re.search(r"changed=4\b", first.stdout)  # script, settings, ossec.conf block, restart handler
    assert SIM_COMPANY_KEY not in first.stdout
    second = run_playbook(str(playbook), sim, variables, args=["--diff"])
    assert second.returncode == 0 and re.search(r"changed=0\b", second.stdout), second.stdout[-3000:]
    assert open(os.path.join(ossec, "restarts.log")).read() == "restart\n"  # handler ran once, on the change

    script = os.path.join(ossec, "active-response", "bin", "smartpt-isolate.py")
    settings = os.path.join(ossec, "etc", "smartpt.json")
    assert stat.S_IMODE(os.stat(script).st_mode) == 0o750
    assert stat.S_IMODE(os.stat(settings).st_mode) == 0o600
    assert open(script).readline().strip() == "#!" + sys.executable
    assert json.load(open(settings))["company_key"] == SIM_COMPANY_KEY
    conf = open(os.path.join(ossec, "etc", "ossec.conf")).read()
    assert conf.count("BEGIN SmartPT active response") == 1
    assert "<rules_id>100200,100201</rules_id>" in conf and "<timeout>600</timeout>" in conf
    assert "<jsonout_output>yes</jsonout_output>" in conf

    alert = {"version": 1, "command": "add", "origin": {"name": "node01", "module": "wazuh-execd"},
             "parameters": {"alert": {"agent": {"id": "007", "name": "web-07"}, "rule": {"id": "100200"}}}}
    env = dict(os.environ)
    env.pop("SMARTPT_OSSEC_DIR", None)
    run = subprocess.run([script], input=json.dumps(alert) + "\n" + json.dumps({"command": "continue"}) + "\n",
                         capture_output=True, text=True, env=env, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["command"] == "check_keys"
    states = {(t["platform"], t["target"]): t["state"] for t in sim.control("GET", "smartpt")}
    assert states == {("wazuh", "007"): "isolated"}
    alert["command"] = "delete"
    run = subprocess.run([script], input=json.dumps(alert) + "\n", capture_output=True, text=True, env=env,
                         timeout=60, check=False)
    assert run.returncode == 0
    states = {(t["platform"], t["target"]): t["state"] for t in sim.control("GET", "smartpt")}
    assert states == {("wazuh", "007"): "released"}
    log = open(os.path.join(ossec, "logs", "active-responses.log")).read()
    assert "isolate agent 007: HTTP 200" in log and "releaseisolate agent 007: HTTP 200" in log
    assert SIM_COMPANY_KEY not in log
