"""GitOps: plan (--check --diff) a whole provisioning play on an empty tenant, apply it, plan again."""

import os
import shutil

from tests.support import REPO_ROOT, one_line, run_playbook, sim_play

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
    # The plan ends with one line per object kind.
    assert '"plan: groups: create 5, move 0, delete 0", "plan: devices: add 8, delete 0, recreate 0", ' \
           '"plan: drift: 0 device(s) differ from desired/devices.csv and are left as they are"' in text
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


def test_a_plan_shows_a_purge_a_move_and_an_add_with_their_values(sim, tmp_path):
    copy = tmp_path / "gitops"
    shutil.copytree(GITOPS, str(copy))
    site = str(copy / "site.yml")
    assert run(sim, tmp_path, site).returncode == 0
    csv = copy / "desired" / "devices.csv"
    text = csv.read_text().replace("bo.berg@example.com,Bo Berg,+4915112000002,EMEA-Sales\n", "")
    text = text.replace("chen.wu@example.com,Chen Wu,,EMEA-Support", "chen.wu@example.com,Chen Wu,,EMEA-Sales")
    csv.write_text(text + "ivy.lund@example.com,Ivy Lund,,AMER-Sales\n")
    sim.reset_stats()
    plan = run(sim, tmp_path, site, "--check", "--diff")
    assert plan.returncode == 0, plan.stdout[-6000:]
    assert sim.stats().get("writes", 0) == 0
    out = plan.stdout
    # The purged device: present before, absent after, with its values.
    assert '-        "bo.berg@example.com": {' in out
    # The moved device: its old and its new group.
    assert '+            "drift": [\n+                "groups: EMEA-Support -> EMEA-Sales (needs recreate=true)"' in out
    # The added device with its group.
    assert '+        "ivy.lund@example.com": {\n+            "groups": [\n+                "AMER-Sales"' in out
    assert '"plan: devices: add 1, delete 1, recreate 0", "plan: drift: 1 device(s) differ from ' \
           'desired/devices.csv and are left as they are: chen.wu@example.com"' in one_line(out)


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
    text = one_line(plan.stdout)
    assert "no earlier task of this run plans" in text and "planned_groups" in text and "docs/gitops.md" in text
    assert sim.stats().get("writes", 0) == 0


NATURAL_PLAY = """
- hosts: %(hosts)s
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_group_hierarchy:
        tree: [{name: Ops, children: [{name: Field}, {name: Desk}]}]
    - secops.mobile_security.hm_device_sync:
        devices:
          - {email: f1@example.com, name: "Field One", groups: [%(field)s]}
          - {email: d1@example.com, name: "Desk One", groups: [Desk]}
"""


def natural_play(tmp_path, field="Field", hosts="localhost"):
    """The play of issue 23 as a new user writes it: no planned_groups, no registered results passed on."""
    path = tmp_path / ("play-%s.yml" % field)
    path.write_text(NATURAL_PLAY % {"field": field, "hosts": hosts})
    return str(path)


def test_the_natural_play_plans_applies_and_replans_without_wiring(sim, tmp_path):
    play = natural_play(tmp_path)
    plan = run(sim, tmp_path, play, "--check", "--diff")
    assert plan.returncode == 0, plan.stdout[-6000:]
    assert sim.stats().get("writes", 0) == 0 and sim.stats()["state"]["devices"] == 0
    text = one_line(plan.stdout)
    # The diff names the 3 groups with their paths and the 2 devices with their groups.
    for name, path in (("Ops", "ALL/Ops"), ("Field", "ALL/Ops/Field"), ("Desk", "ALL/Ops/Desk")):
        assert '+ "%s": { + "path": "%s"' % (name, path) in text, text
    assert '+ "f1@example.com": { + "groups": [ + "Field" + ], + "name": "Field One",' in text
    assert '+ "d1@example.com": { + "groups": [ + "Desk" + ], + "name": "Desk One",' in text
    assert "changed=2" in text

    apply = run(sim, tmp_path, play, "--diff")
    assert apply.returncode == 0, apply.stdout[-6000:]
    devices = dict((d["email"], [g["name"] for g in d["groups"]]) for d in sim.all_devices())
    assert devices == {"f1@example.com": ["Field"], "d1@example.com": ["Desk"]}
    # The run applied exactly the plan: 3 group creates and 2 device adds.
    assert sim.stats()["writes"] == 5, sim.stats()

    sim.reset_stats()
    again = run(sim, tmp_path, play, "--check", "--diff")
    assert again.returncode == 0 and "changed=0" in again.stdout, again.stdout[-4000:]
    assert sim.stats().get("writes", 0) == 0


def test_a_typo_in_the_natural_play_fails_the_plan(sim, tmp_path):
    plan = run(sim, tmp_path, natural_play(tmp_path, field="Feild"), "--check", "--diff")
    assert plan.returncode != 0
    text = one_line(plan.stdout)
    assert "'Feild' (devices[0], f1@example.com)" in text
    assert "planned_groups" in text and "docs/gitops.md" in text
    assert sim.stats().get("writes", 0) == 0


def test_plans_are_kept_per_host_and_per_tenant(sim, tmp_path):
    """Another host's plan, or another tenant's (here the same simulator behind a second gateway name), never
    satisfies a reference."""
    other_gateway = sim.url.replace("127.0.0.1", "localhost")
    assert other_gateway != sim.url
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[planners]\n" + "".join(
        'h%d ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n' % n
        for n in (1, 2)))
    playbook = tmp_path / "play.yml"
    playbook.write_text("""
- hosts: planners
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_group:
        name: "Team-{{ inventory_hostname }}"
    - name: Each host sees its own plan
      secops.mobile_security.hm_device:
        email: "{{ inventory_hostname }}@example.com"
        name: "{{ inventory_hostname }}"
        groups: ["Team-{{ inventory_hostname }}"]
    - name: Not the other host's
      secops.mobile_security.hm_device:
        email: "x-{{ inventory_hostname }}@example.com"
        name: x
        groups: ["Team-{{ 'h2' if inventory_hostname == 'h1' else 'h1' }}"]
      register: other_host
      ignore_errors: true
    - name: Nor another tenant's
      secops.mobile_security.hm_device:
        gateway_url: "%s"
        email: "y-{{ inventory_hostname }}@example.com"
        name: y
        groups: ["Team-{{ inventory_hostname }}"]
      register: other_tenant
      ignore_errors: true
    - ansible.builtin.assert:
        that:
          - other_host is failed and "no earlier task of this run plans" in other_host.msg
          - other_tenant is failed and "no earlier task of this run plans" in other_tenant.msg
""" % other_gateway)
    result = run_playbook(str(playbook), sim, args=["--check"], inventory=str(inventory),
                          env={"HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")})
    assert result.returncode == 0, result.stdout[-6000:]
    assert "h1 : ok=5 changed=2" in one_line(result.stdout) and "h2 : ok=5 changed=2" in one_line(result.stdout)
    assert sim.stats().get("writes", 0) == 0


def test_a_plan_is_not_used_by_a_real_run_and_module_defaults_reach_planning_modules(sim, tmp_path):
    playbook = tmp_path / "play.yml"
    sim_play(playbook, """
    - secops.mobile_security.hm_group:
        name: Field
      check_mode: true
    - secops.mobile_security.hm_device:
        email: ana@example.com
        name: Ana
        groups: [Field]
""")
    # The environment names a gateway that answers nothing: only module_defaults lead to the simulator.
    env = {"HM_GATEWAY_URL": "http://127.0.0.1:9", "HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")}
    result = run_playbook(str(playbook), sim, env=env)
    assert result.returncode != 0
    assert "'Field' (groups, ana@example.com)" in one_line(result.stdout)
    assert "no earlier task" not in one_line(result.stdout)
    assert sim.all_devices() == []


def test_planned_groups_still_names_groups_something_else_creates(sim, tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_device:
        email: ana@example.com
        name: Ana
        groups: [Field]
        planned_groups: [Field]
      register: ana
    - ansible.builtin.assert:
        that: ana is changed and ana.device.groups == ['Field']
""")
    result = run(sim, tmp_path, str(playbook), "--check", "--diff")
    assert result.returncode == 0, result.stdout[-4000:]
    assert sim.stats().get("writes", 0) == 0


def test_a_plan_builds_on_planned_parents_and_knows_planned_deletes(sim, tmp_path):
    sim.api("POST", "/app/SBM/external_api/v1/groups/", json={"name": "Old", "parent_id": 1})
    playbook = tmp_path / "play.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_group:
        name: Ops
    - secops.mobile_security.hm_group:
        name: Field
        parent: Ops
      register: field
    - secops.mobile_security.hm_group:
        name: Old
        state: absent
    - secops.mobile_security.hm_device:
        email: ana@example.com
        name: Ana
        groups: [Field]
      register: ana
    - secops.mobile_security.hm_device:
        email: bo@example.com
        name: Bo
        groups: [Old]
      register: gone
      ignore_errors: true
    - ansible.builtin.assert:
        that:
          - field is changed and field.group.path == 'ALL/Ops/Field'
          - ana is changed and ana.device.groups == ['Field']
          - gone is failed and "'Old' (groups, bo@example.com)" in gone.msg
""")
    sim.reset_stats()
    result = run(sim, tmp_path, str(playbook), "--check", "--diff")
    assert result.returncode == 0, result.stdout[-4000:]
    assert sim.stats().get("writes", 0) == 0


def test_a_plan_left_in_a_fact_cache_by_an_earlier_run_is_not_used(sim, tmp_path):
    groups_only = tmp_path / "groups.yml"
    groups_only.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_group:
        name: Field
""")
    device_only = tmp_path / "device.yml"
    device_only.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_device:
        email: ana@example.com
        name: Ana
        groups: [Field]
""")
    cache = {"ANSIBLE_CACHE_PLUGIN": "jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(tmp_path / "facts"),
             "HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")}
    first = run_playbook(str(groups_only), sim, args=["--check"], env=cache)
    assert first.returncode == 0, first.stdout[-3000:]
    assert any("secops_mobile_security_plan" in path.read_text() for path in (tmp_path / "facts").iterdir())
    second = run_playbook(str(device_only), sim, args=["--check"], env=cache)
    assert second.returncode != 0
    assert "'Field' (groups, ana@example.com)" in one_line(second.stdout)


def test_run_plan_is_not_a_user_option(sim, tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - secops.mobile_security.hm_device:
        email: ana@example.com
        name: Ana
        groups: [Field]
        run_plan: {tenants: {}}
""")
    result = run(sim, tmp_path, str(playbook), "--check")
    assert result.returncode != 0
    assert "run_plan: is filled in by the collection from the plans of earlier tasks of the run; to name groups " \
           "that something else creates, use planned_groups" in one_line(result.stdout)
