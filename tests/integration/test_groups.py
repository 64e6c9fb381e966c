"""Integration: hm_group, hm_group_info and hm_group_hierarchy over real HTTP against the simulator."""

import os
import stat

from tests.support import REPO_ROOT, one_line, run_playbook, sim_play

TARGETS = os.path.join(REPO_ROOT, "tests", "integration", "targets")


def assert_ok(result):
    assert result.returncode == 0, result.stdout[-6000:]


def test_group_lifecycle(sim):
    result = run_playbook(os.path.join(TARGETS, "groups.yml"), sim, args=["--diff"])
    assert_ok(result)
    assert sim.stats()["state"]["groups"] == 3


def test_hierarchy_role_deep_tree_check_mode_prune(sim, tmp_path):
    cache = tmp_path / "tokens.json"
    result = run_playbook(os.path.join(TARGETS, "hierarchy.yml"), sim, {"token_cache_path": str(cache)})
    assert_ok(result)
    stats = sim.stats()
    assert stats["state"]["groups"] == 4
    assert stats["unauthorized"] >= 1  # the dead cached token was presented once...
    assert stats["token_requests"] == 2  # ...and replaced once; every other task reused the cached token
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600
    assert "sim-access-key" not in cache.read_text()
    # One task still says `prune`, 1.0.0's name of `purge`: it works and warns.
    assert "Alias 'prune' is deprecated" in one_line(result.stdout)


def test_role_variable_group_hierarchy_prune_still_works_and_warns(sim, tmp_path):
    playbook = tmp_path / "old_name.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  roles:
    - role: secops.mobile_security.group_hierarchy
      vars:
        group_hierarchy_tree: [Keep]
        group_hierarchy_prune: true
        # Stale is the tenant's only group: a percentage never purges all of a scope, a count does.
        group_hierarchy_max_deletes: 1
""")
    sim.api("POST", "/app/SBM/external_api/v1/groups/", json={"name": "Stale"})
    result = run_playbook(str(playbook), sim)
    assert_ok(result)
    flat = one_line(result.stdout)
    assert "[DEPRECATION] group_hierarchy_prune is now group_hierarchy_purge" in flat
    assert "groups created 1, moved 0, deleted 1" in flat


def test_hierarchy_under_20_percent_faults_and_short_token_ttl(sim, tmp_path):
    sim.faults(rate_429=0.05, rate_500=0.03, rate_502=0.03, rate_503=0.03, rate_drop=0.03,
               rate_drop_after_write=0.03, retry_after=0, seed=7)
    sim.config(token_ttl=1.0)
    tree = [{"name": "R%d" % r, "children": [{"name": "R%d-S%d" % (r, s), "children": [
        {"name": "R%d-S%d-T%d" % (r, s, t)} for t in range(2)]} for s in range(3)]} for r in range(3)]
    playbook = tmp_path / "faulty.yml"
    sim_play(playbook, """
    - secops.mobile_security.hm_group_hierarchy:
        tree: "{{ tree }}"
    - ansible.builtin.pause:
        seconds: 1
    - secops.mobile_security.hm_group_hierarchy:
        tree: "{{ tree }}"
      register: again
    - ansible.builtin.assert:
        that: again is not changed
""", defaults=["retries: 10", "token_cache: true", 'token_cache_path: "%s"' % (tmp_path / "tokens.json")])
    result = run_playbook(str(playbook), sim, {"tree": tree})
    assert_ok(result)
    stats = sim.stats()
    assert stats["faults"] > 0
    assert stats["token_requests"] >= 2  # the 1 s token expired between tasks and was renewed
    sim.faults(rate_429=0, rate_500=0, rate_502=0, rate_503=0, rate_drop=0, rate_drop_after_write=0)
    names = [g["name"] for g in sim.api("GET", "/app/SBM/external_api/v1/groups/", params={"limit": 500})["objects"]]
    assert len(names) == len(set(names)) == 1 + 3 + 9 + 18


def test_group_deletes_act_only_on_the_named_group_and_refuse_groups_with_devices(sim):
    result = run_playbook(os.path.join(REPO_ROOT, "tests", "integration", "targets", "group_guards.yml"), sim)
    assert result.returncode == 0, result.stdout[-6000:]
    assert [g["name"] for g in sim.api("GET", "/app/SBM/external_api/v1/groups/")["objects"]] == ["ALL"]


def group_paths(sim):
    groups = sim.api("GET", "/app/SBM/external_api/v1/groups/", params={"limit": 500})["objects"]
    by_id = {g["id"]: g for g in groups}

    def path(group):
        parent = group.get("parent")
        parent_id = parent.get("id") if isinstance(parent, dict) else parent
        return (path(by_id[parent_id]) + "/" if parent_id in by_id else "") + group["name"]
    return {g["name"]: path(g) for g in groups}


def test_another_tree_never_moves_a_group_holding_devices_unless_allowed_and_names_every_move(sim, tmp_path):
    """Issue 34: the user's Customer-A > Sales > EMEA holds 3 devices; build_groups.yml has its own EMEA."""
    assert_ok(run_playbook(os.path.join(TARGETS, "customer_tree.yml"), sim))
    assert group_paths(sim)["EMEA"] == "ALL/Customer-A/Sales/EMEA"
    build_groups = os.path.join(REPO_ROOT, "playbooks", "build_groups.yml")
    env = {"HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")}
    move = "EMEA from ALL/Customer-A/Sales/EMEA to ALL/EMEA (3 devices change scope)"

    sim.reset_stats()
    refused = run_playbook(build_groups, sim, env=env)
    flat = one_line(refused.stdout)
    assert refused.returncode != 0, flat[-3000:]
    assert "max_moves: the run would move " + move in flat, flat[-3000:]
    assert "set max_moves: 1" in flat
    assert sim.stats().get("writes", 0) == 0  # refused before the first create, not half-way
    assert group_paths(sim)["EMEA"] == "ALL/Customer-A/Sales/EMEA"

    # The allowance, previewed: the plan names the move in the summary line and the diff, and writes nothing.
    allowed = {"build_groups_max_moves": 1}
    planned = run_playbook(build_groups, sim, extra_vars=allowed, args=["--check", "--diff"], env=env)
    assert_ok(planned)
    flat = one_line(planned.stdout)
    assert "groups created 29, moved 1, deleted 0; moved " + move in flat
    assert "would move group " + move in flat  # the warning
    assert ('"EMEA": {\n             "devices": 3,\n-            "path": "ALL/Customer-A/Sales/EMEA"\n'
            '+            "path": "ALL/EMEA"\n') in planned.stdout, planned.stdout[-6000:]
    assert sim.stats().get("writes", 0) == 0

    moved = run_playbook(build_groups, sim, extra_vars=allowed, env=env)
    assert_ok(moved)
    assert "groups created 29, moved 1, deleted 0; moved " + move in one_line(moved.stdout)
    paths = group_paths(sim)
    assert paths["EMEA"] == "ALL/EMEA" and paths["EMEA-Sales-UK"] == "ALL/EMEA/EMEA-Sales/EMEA-Sales-UK"

    # A count bounds every move, with devices or without: 0 moves nothing, and says which move it refused.
    sim.reset_stats()
    back = run_playbook(os.path.join(TARGETS, "customer_tree.yml"), sim,
                        extra_vars={"group_hierarchy_max_moves": 0})
    flat = one_line(back.stdout)
    assert back.returncode != 0
    assert ("max_moves: the run would move 1 groups that already exist elsewhere in the tenant (EMEA from ALL/EMEA "
            "to ALL/Customer-A/Sales/EMEA (3 devices change scope)), more than max_moves 0 allows") in flat, flat[-3000:]
    assert sim.stats().get("writes", 0) == 0
