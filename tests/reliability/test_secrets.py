"""Secrets: every module at -vvv with ANSIBLE_DEBUG, success and failure paths, diff on; no access key,
token or company key may appear anywhere in the output; the token cache file is 0600."""

import json
import os
import stat

import yaml

from tests.support import SIM_ACCESS_KEY, SIM_COMPANY_KEY, run_playbook

WRONG_KEY = "wrong-but-secret-access-key-9f8e7d"
WRONG_COMPANY_KEY = "wrong-but-secret-company-key-1a2b3c"

TASKS = [
    {"secops.mobile_security.hm_group_hierarchy": {"tree": [{"name": "S1", "children": ["S2"]}]}},
    {"secops.mobile_security.hm_group": {"name": "S3", "parent": "S1"}},
    {"secops.mobile_security.hm_group_info": {}},
    {"secops.mobile_security.hm_device": {"email": "s@example.com", "name": "S", "groups": ["S2"]}},
    {"secops.mobile_security.hm_device_sync": {"devices": [{"email": "t@example.com", "name": "T"}]}},
    {"secops.mobile_security.hm_device_info": {"email": "s@example.com"}},
    {"secops.mobile_security.hm_device_registration": {"action": "details", "email": "s@example.com"}},
    {"secops.mobile_security.hm_alert_info": {}},
    {"secops.mobile_security.hm_audit_info": {}},
    {"secops.mobile_security.hm_registration_hygiene": {"audit_resends": True, "delete_after_days": 30}},
    {"secops.mobile_security.smartpt_action": {"platform": "wazuh", "agent_id": "001", "requester_email": "soc@example.com",
                                               "state": "isolated"}},
    {"secops.mobile_security.smartpt_action": {"platform": "azuread", "upn": "u@example.com",
                                               "requester_email": "soc@example.com", "action": "AzureADSreport"}},
    # Keys come from variables, as from a vault: a failing task's error shows its source lines.
    {"secops.mobile_security.hm_group_info": {"access_key": "{{ wrong_key }}"}, "ignore_errors": True},
    {"secops.mobile_security.smartpt_action": {"platform": "cisco", "agent_id": "9", "requester_email": "soc@example.com",
                                               "action": "status", "company_key": "{{ wrong_company_key }}"},
     "ignore_errors": True},
    {"secops.mobile_security.hm_group": {"name": "S3", "state": "absent"}},
]


def run_all(sim, tmp_path, name, args, env, module_defaults):
    cache = tmp_path / name / "tokens.json"
    defaults = {"group/secops.mobile_security.harmony_mobile": dict(module_defaults.get("hm", {}), token_cache=True,
                                                                    token_cache_path=str(cache)),
                "group/secops.mobile_security.smartpt": module_defaults.get("smartpt", {})}
    tasks = [dict(task, name="task %d" % i) for i, task in enumerate(TASKS)]
    if name == "debug":
        # Wrong keys can only be given as task arguments, which ANSIBLE_DEBUG prints (see docs/reliability.md).
        tasks = [t for t in tasks if "ignore_errors" not in t]
    playbook = tmp_path / (name + ".yml")
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks,
                                         "module_defaults": defaults}]))
    secrets_file = tmp_path / (name + "-secrets.json")
    secrets_file.write_text(json.dumps({"wrong_key": WRONG_KEY, "wrong_company_key": WRONG_COMPANY_KEY,
                                        "hm_key": SIM_ACCESS_KEY, "company_key": SIM_COMPANY_KEY}))
    log_path = tmp_path / (name + ".log")
    result = run_playbook(str(playbook), sim, args=["-e", "@" + str(secrets_file)] + args,
                          env=dict(env, ANSIBLE_LOG_PATH=str(log_path)))
    assert result.returncode == 0, result.stdout[-5000:]
    assert "task %d" % (len(TASKS) - 1) in result.stdout
    return result.stdout + log_path.read_text(), cache


def test_no_secret_in_any_output(sim, tmp_path, report):
    # 1. -vvv and --diff, keys given as task arguments (module_defaults, from variables), wrong keys on failing tasks.
    as_args = {"hm": {"gateway_url": "{{ sim_url }}", "client_id": "sim-client-id", "access_key": "{{ hm_key }}"},
               "smartpt": {"api_url": "{{ sim_url }}", "company_key": "{{ company_key }}"}}
    verbose, cache = run_all(sim, tmp_path, "verbose", ["-vvv", "--diff"], {}, as_args)
    # 2. -vvv, --diff and ANSIBLE_DEBUG, keys from the environment as AWX credentials inject them.
    debug, _cache = run_all(sim, tmp_path, "debug", ["-vvv", "--diff"], {"ANSIBLE_DEBUG": "1"},
                            {"hm": {"gateway_url": "{{ sim_url }}"}, "smartpt": {"api_url": "{{ sim_url }}"}})
    tokens = sim.control("GET", "tokens")
    assert tokens, "the simulator issued no token"
    haystack = verbose + debug
    secrets = [SIM_ACCESS_KEY, SIM_COMPANY_KEY, WRONG_KEY, WRONG_COMPANY_KEY] + tokens
    leaked = [s[:6] + "..." for s in secrets if s in haystack]
    mode = stat.S_IMODE(os.stat(cache).st_mode)
    cache_text = cache.read_text()
    report("secrets", "%d module runs at -vvv + --diff (keys as task args) and again with ANSIBLE_DEBUG (keys from "
           "env); %d KiB of output searched for %d secrets incl. every issued token" % (
               len(TASKS), len(haystack) // 1024, len(secrets)),
           "none found; token cache mode %o" % mode if not leaked and mode == 0o600 else "FAILED: %s" % leaked)
    assert leaked == []
    assert mode == 0o600
    assert SIM_ACCESS_KEY not in cache_text and SIM_COMPANY_KEY not in cache_text
