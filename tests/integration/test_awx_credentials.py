"""The AWX credential types: well-formed, and their injected variables are what the modules read."""

import os
import re

import yaml
from jinja2 import Template

from tests.support import REPO_ROOT, SIM_ACCESS_KEY, SIM_CLIENT_ID, SIM_COMPANY_KEY, one_line, run_playbook

TYPES = os.path.join(REPO_ROOT, "extensions", "awx", "credential_types")
FIELD_TYPES = {"string", "boolean"}

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_group_info:
      register: hm_groups
    # `email`, the requester's name before 1.1.0, still works and warns.
    - secops.mobile_security.smartpt_action:
        platform: wazuh
        agent_id: "001"
        email: soc@example.com
        action: status
      register: status
    - ansible.builtin.assert:
        that:
          - hm_groups.groups[0].name == "ALL"
          - status.status_code == 200
"""


def load(name):
    with open(os.path.join(TYPES, name)) as handle:
        return yaml.safe_load(handle)


def inject(credential_type, values):
    """What AWX puts in the job's environment: the env injectors rendered with the credential's inputs."""
    # An input the user left empty renders as "" in AWX's injectors.
    defaults = {f["id"]: f.get("default", "") for f in credential_type["inputs"]["fields"]}
    context = dict(defaults, **values)
    return {k: Template(v).render(**context) for k, v in credential_type["injectors"]["env"].items()}


def test_credential_types_are_well_formed():
    for name in ("harmony_mobile.yml", "smartpt.yml"):
        ctype = load(name)
        assert ctype["kind"] == "cloud" and ctype["name"]
        fields = ctype["inputs"]["fields"]
        ids = [f["id"] for f in fields]
        assert len(ids) == len(set(ids))
        assert all(f["type"] in FIELD_TYPES and f["label"] for f in fields)
        assert set(ctype["inputs"]["required"]) <= set(ids)
        secrets = [f["id"] for f in fields if f.get("secret")]
        assert secrets == (["access_key"] if name == "harmony_mobile.yml" else ["company_key"])


def test_modules_run_with_only_the_injected_environment(sim, tmp_path):
    env = inject(load("harmony_mobile.yml"), {"gateway_url": sim.url, "client_id": SIM_CLIENT_ID,
                                              "access_key": SIM_ACCESS_KEY, "validate_certs": False})
    env.update(inject(load("smartpt.yml"), {"api_url": sim.url, "company_key": SIM_COMPANY_KEY}))
    assert env["HM_VALIDATE_CERTS"] == "False" and env["HM_REGION"] == ""
    for key in list(os.environ):
        if key.startswith(("HM_", "SMARTPT_")):
            env.setdefault(key, "")
    playbook = tmp_path / "awx.yml"
    playbook.write_text(PLAYBOOK)
    # No sim: nothing but the injected variables tells the modules where and who they are.
    result = run_playbook(str(playbook), None, env=env)
    assert result.returncode == 0, result.stdout[-4000:]
    assert SIM_ACCESS_KEY not in result.stdout and SIM_COMPANY_KEY not in result.stdout
    flat = one_line(result.stdout)
    assert "[DEPRECATION WARNING]" in flat and "Alias 'email' is deprecated" in flat


def test_the_readme_names_what_ships_and_every_injected_variable():
    """extensions/awx/README.md shows configure_awx.yml as it ships, and its table lists every injected variable."""
    awx = os.path.join(REPO_ROOT, "extensions", "awx")
    with open(os.path.join(awx, "README.md")) as handle:
        readme = handle.read()
    with open(os.path.join(awx, "configure_awx.yml")) as handle:
        shipped = handle.read()
    assert "```yaml\n%s```" % shipped in readme
    # Every file the playbook, the README and the credential types name is in the collection.
    for text in [readme, shipped] + [open(os.path.join(TYPES, n)).read() for n in sorted(os.listdir(TYPES))]:
        for path in set(re.findall(r"extensions/awx/[\w./-]+\.yml", text)):
            assert os.path.exists(os.path.join(REPO_ROOT, path)), path
    for name in sorted(os.listdir(TYPES)):
        credential_type = load(name)
        row = [line for line in readme.splitlines() if line.startswith("| %s |" % credential_type["name"])]
        assert len(row) == 1, credential_type["name"]
        listed = set(re.findall(r"`([A-Z_]+)`", row[0]))
        assert listed == set(credential_type["injectors"]["env"]), (name, listed)
