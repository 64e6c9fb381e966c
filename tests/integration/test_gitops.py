"""GitOps: plan (--check --diff) a whole provisioning play on an empty tenant, apply it, plan again."""

import os
import shutil

from tests.support import REPO_ROOT, one_line, run_playbook

GITOPS = os.path.join(REPO_ROOT, "playbooks", "gitops")
EMAILS = ["ana.lima", "bo.berg", "chen.wu", "dara.kim", "eli.cohen", "fatima.ali", "gus.moreau", "hana.sato"]
PATHS = ["ALL/EMEA", "ALL/EMEA/EMEA-Sales", "ALL/EMEA/EMEA-Support", "ALL/AMER", "ALL/AMER/AMER-Sales"]


def run(sim, tmp_path, playbook, *args):
    inventory = os.path.join(REPO_ROOT, "tests", "integration", "inventory.ini")
    return run_playbook(playbook, sim, args=list(args), inventory=inventory,
                        env={"HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")})


def test_plan_apply_plan_on_an_empty_tenant(sim, tmp_path):
    site = os.path.join(GITOPS, "site.yml")
    plan = run(sim, tmp_path, site, "--check", "--diff")
    assert plan.returncode == 0, plan.stdout[-6000:]
    assert sim.stats().get("writes", 0) == 0 and sim.stats()["state"]["devices"] == 0
    text = one_line(plan.stdout)
    assert "groups created 5, moved 0, deleted 0" in text
    assert "devices added 8, deleted 0, recreated 0, drifted 0, unchanged 0" in text
    for email in EMAILS:
        assert email + "@example.com" in plan.stdout
    for path in PATHS:
        assert path in plan.stdout

    apply = run(sim, tmp_path, site)
    assert apply.returncode == 0, apply.stdout[-6000:]
    text = one_line(apply.stdout)
    assert "groups created 5, moved 0, deleted 0" in text
    assert "devices added 8, deleted 0, recreated 0, drifted 0, unchanged 0" in text
    devices = dict((d["email"], [g["name"] for g in d["groups"]]) for d in sim.all_devices())
    assert len(devices) == 8 and devices["chen.wu@example.com"] == ["EMEA-Support"]

    sim.reset_stats()
    again = run(sim, tmp_path, site, "--check", "--diff")
    assert again.returncode == 0, again.stdout[-6000:]
    assert "changed=0" in again.stdout and sim.stats().get("writes", 0) == 0
    assert "devices added 0, deleted 0, recreated 0, drifted 0, unchanged 8" in one_line(again.stdout)


def test_a_misspelt_group_fails_the_plan_naming_the_entry(sim, tmp_path):
    copy = tmp_path / "gitops"
    shutil.copytree(GITOPS, str(copy))
    csv = copy / "desired" / "devices.csv"
    csv.write_text(csv.read_text().replace("chen.wu@example.com,Chen Wu,,EMEA-Support",
                                           "chen.wu@example.com,Chen Wu,,EMEA-Suport"))
    plan = run(sim, tmp_path, str(copy / "site.yml"), "--check", "--diff")
    assert plan.returncode != 0
    # The row is named by the file and the line an editor shows.
    assert "'EMEA-Suport' (devices_file %s line 4, chen.wu@example.com)" % csv in one_line(plan.stdout)
    assert "no earlier task plans" in one_line(plan.stdout)
    assert sim.stats().get("writes", 0) == 0


def test_hm_group_then_hm_device_in_check_mode(sim, tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_group:
        name: Field
      register: field
    - secops.mobile_security.hm_device:
        email: ana@example.com
        name: Ana
        groups: [Field]
        planned_groups: "{{ field.planned_groups }}"
      register: ana
    - secops.mobile_security.hm_device:
        email: bo@example.com
        name: Bo
        groups: [Feild]
        planned_groups: "{{ field.planned_groups }}"
      register: typo
      ignore_errors: true
    - ansible.builtin.assert:
        that:
          - field is changed and field.planned_groups == ['Field']
          - ana is changed and ana.device.groups == ['Field']
          - typo is failed and "'Feild' (groups, bo@example.com)" in typo.msg
      when: ansible_check_mode
""")
    result = run(sim, tmp_path, str(playbook), "--check", "--diff")
    assert result.returncode == 0, result.stdout[-4000:]
    assert sim.stats().get("writes", 0) == 0
    real = run(sim, tmp_path, str(playbook))
    # For real, the typo is still an error (planned_groups is ignored outside check mode).
    assert real.returncode == 0 and "'Feild' (groups, bo@example.com)" in one_line(real.stdout)
    assert [d["email"] for d in sim.all_devices()] == ["ana@example.com"]
