"""Plans of earlier tasks of a check-mode run, per tenant; never used by a real run."""

from ansible_collections.secops.mobile_security.plugins.module_utils import clients, run_plan

EU = {"region": "eu", "client_id": "a"}


def test_the_tenant_is_the_gateway_and_the_client_id_for_every_per_tenant_state():
    key = clients.tenant_key
    assert key(EU) == key({"gateway_url": "https://CLOUDINFRA-GW.portal.checkpoint.com/", "client_id": "a"})
    assert key(EU) != key({"region": "us", "client_id": "a"})
    assert key(EU) != key({"region": "eu", "client_id": "b"})
    # A tenant record (results, host vars, events) has the same key as the settings it came from.
    assert key(clients.tenant_of(dict(EU, access_key="k"))) == key(EU)


def test_planned_creates_and_deletes_count_only_in_check_mode_and_only_for_their_tenant():
    facts = run_plan.with_changes(EU, True, created={"Field": "ALL/Field", "Desk": "ALL/Desk"})
    facts = run_plan.with_changes(dict(EU, run_plan=facts[run_plan.FACT]), True,
                                  deleted={"Desk": "ALL/Desk", "Old": "ALL/Old"})
    assert run_plan.tenant_plan(dict(EU, run_plan=facts[run_plan.FACT]), True)["Field"] == {
        "action": "create", "path": "ALL/Field"}
    params = dict(EU, run_plan=facts[run_plan.FACT], planned_groups=["Extra"])
    assert run_plan.known_groups({"ALL", "Old"}, params, True) == {"ALL", "Field", "Extra"}
    assert run_plan.known_groups({"ALL", "Old"}, params, False) == {"ALL", "Old"}
    other = dict(params, client_id="b", planned_groups=[])
    assert run_plan.known_groups({"ALL"}, other, True) == {"ALL"}
    assert run_plan.with_changes(EU, False, created={"Field": "ALL/Field"}) == {}


def test_every_module_the_run_plan_action_serves_documents_run_plan_from_its_one_fragment():
    import glob
    import os
    import yaml
    from ansible_collections.secops.mobile_security.plugins.doc_fragments.planned_groups import ModuleDocFragment
    assert "run_plan" not in yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert list(yaml.safe_load(ModuleDocFragment.RUN_PLAN)["options"]) == ["run_plan"]
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins")
    served = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(root, "action", "hm_*.py")))
    assert served == ["hm_device", "hm_device_sync", "hm_group", "hm_group_hierarchy"]
    for name in served:
        source = open(os.path.join(root, "modules", name + ".py")).read()
        documented = yaml.safe_load(source.split("DOCUMENTATION = r\'\'\'", 1)[1].split("\'\'\'", 1)[0])
        assert "secops.mobile_security.planned_groups.run_plan" in documented["extends_documentation_fragment"], name
