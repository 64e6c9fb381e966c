"""Integration: smartpt_action over real HTTP against the simulator."""

import os

import requests

from tests.support import REPO_ROOT, SIM_COMPANY_KEY, run_playbook

TARGETS = os.path.join(REPO_ROOT, "tests", "integration", "targets")


def test_smartpt_actions(sim):
    result = run_playbook(os.path.join(TARGETS, "smartpt.yml"), sim, args=["--diff"])
    assert result.returncode == 0, result.stdout[-6000:]
    assert SIM_COMPANY_KEY not in result.stdout
    states = {(r["platform"], r["target"]): r["state"] for r in sim.control("GET", "smartpt")}
    assert states[("wazuh", "state-wazuh")] == "released"
    assert states[("azuread", "state.user@example.com")] == "unblocked"


def test_smartpt_actions_under_injected_faults(sim):
    sim.faults(rate_429=0.1, rate_500=0.1, rate_502=0.05, rate_503=0.05, rate_drop=0.1, retry_after=0, seed=11)
    result = run_playbook(os.path.join(TARGETS, "smartpt_faults.yml"), sim)
    assert result.returncode == 0, result.stdout[-6000:]
    assert sim.stats()["faults"] > 0
    states = {(r["platform"], r["target"]): r["state"] for r in sim.control("GET", "smartpt")}
    assert sorted(states.values()) == ["blocked"] + ["isolated"] * 5


def test_simulator_documented_errors(sim):
    url = sim.url + "/azuread/users"
    assert requests.post(url, json={"action": "AzureADBlock", "Email": "a@b.co"}).status_code == 401
    answer = requests.post(url, json={"action": "AzureADBlock", "Email": "a@b.co"},
                           headers={"x-sha256": SIM_COMPANY_KEY})
    assert answer.status_code == 400
    assert answer.json() == {"statusCode": 400, "message": "Bad Request: Missing 'upn' parameter"}
    answer = requests.post(sim.url + "/wazuh/agents", json={"action": "isolate", "Email": "a@b.co"},
                           headers={"x-sha256": SIM_COMPANY_KEY})
    assert answer.json()["message"] == "Bad Request: Missing 'agent_id' parameter"
