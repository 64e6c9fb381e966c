"""Group naming and nesting of the hm_devices inventory, on group lists the simulator cannot produce."""

from ansible.inventory.data import InventoryData

from ansible_collections.secops.mobile_security.plugins.inventory.hm_devices import InventoryModule


def plugin(layout="tree"):
    module = InventoryModule()
    module.inventory = InventoryData()
    # Options as the plugin's documentation defaults them; the config system is not needed for these helpers.
    options = {"group_prefix": "hm_", "group_layout": layout}
    module.get_option = options.get
    return module


def group(group_id, name, parent_id, path):
    return {"id": group_id, "name": name, "parent_id": parent_id, "path": path}


def test_names_fall_back_to_the_path_then_the_id_only_where_they_collide():
    groups = [group(1, "ALL", None, "ALL"), group(2, "A", 1, "ALL/A"), group(3, "B_C", 2, "ALL/A/B_C"),
              group(4, "A/B", 1, "ALL/A/B"), group(5, "C", 4, "ALL/A/B/C"), group(6, "B C", 1, "ALL/B C")]
    names = plugin().group_names(groups)
    # "B_C" and "B C" share a short name: their paths tell them apart.
    assert names[3] == "hm_group_ALL_A_B_C" and names[6] == "hm_group_ALL_B_C"
    assert names[2] == "hm_group_A" and names[5] == "hm_group_C" and names[4] == "hm_group_A_B"


def test_a_loop_in_the_parent_links_keeps_the_groups_and_drops_the_link():
    groups = [group(1, "ALL", None, "ALL"), group(2, "X", 3, "X"), group(3, "Y", 2, "Y")]
    module = plugin()
    names = module.add_group_tree(groups)
    assert set(names.values()) <= set(module.inventory.groups)
    linked = [child.name for child in module.inventory.groups["hm_group_X"].child_groups]
    linked += [child.name for child in module.inventory.groups["hm_group_Y"].child_groups]
    assert len(linked) == 1  # one of the two links, not both: Ansible refuses the cycle


def test_flat_layout_names_by_path_without_children():
    groups = [group(1, "ALL", None, "ALL"), group(2, "EMEA", 1, "ALL/EMEA"), group(3, "Sales", 2, "ALL/EMEA/Sales")]
    module = plugin("flat")
    names = module.add_group_tree(groups)
    assert names == {1: "hm_group_ALL", 2: "hm_group_ALL_EMEA", 3: "hm_group_ALL_EMEA_Sales"}
    assert not module.inventory.groups["hm_group_ALL_EMEA"].child_groups


def test_connection_options_come_from_the_modules_doc_fragments_with_their_environment_variables():
    import yaml
    from ansible_collections.secops.mobile_security.plugins.doc_fragments.harmony_mobile import ModuleDocFragment as Hm
    from ansible_collections.secops.mobile_security.plugins.doc_fragments.http_options import ModuleDocFragment as Http
    from ansible_collections.secops.mobile_security.plugins.inventory import hm_devices
    from ansible_collections.secops.mobile_security.plugins.module_utils.clients import HM_ENVIRONMENT
    doc = yaml.safe_load(hm_devices.DOCUMENTATION)
    assert {"secops.mobile_security.harmony_mobile.plugin", "secops.mobile_security.http_options"} <= set(
        doc["extends_documentation_fragment"])
    own = set(doc["options"])
    plugin = yaml.safe_load(Hm.PLUGIN)["options"]
    module = yaml.safe_load(Hm.DOCUMENTATION)["options"]
    # Nothing copied by hand: every connection option the plugin reads comes from a fragment.
    assert not own & (set(plugin) | set(yaml.safe_load(Http.DOCUMENTATION)["options"]))
    assert set(hm_devices.CONNECTION_OPTIONS) <= set(plugin) | set(yaml.safe_load(Http.DOCUMENTATION)["options"])
    assert sorted(plugin) == sorted(("region", "gateway_url", "client_id", "access_key", "validate_certs", "proxy_url"))
    for name, option in plugin.items():
        # The plugin's copy is the module's option word for word, plus the variable the module falls back on.
        assert dict((k, v) for k, v in option.items() if k != "env") == module[name]
        assert option["env"] == [{"name": HM_ENVIRONMENT[name]}]
