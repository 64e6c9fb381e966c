# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
name: hm_devices
short_description: Harmony Mobile devices as an Ansible inventory
version_added: "1.0.0"
description:
  - Reads every device of a Check Point Harmony Mobile tenant (one paged read) and makes each one a host.
  - Host variables carry every device field, prefixed C(hm_) (C(hm_id), C(hm_email), C(hm_risk_name), C(hm_groups), ...).
  - Every Harmony Mobile group becomes an Ansible group whose children are its sub-groups, so a group holds the
    devices of its whole subtree (C(hm_group_EMEA) contains the hosts of C(hm_group_Sales) below it). Names are
    O(group_prefix) + C(group_) + the group's own name with every character other than letters, digits and C(_)
    turned into C(_); when two groups would get the same name, each of them is named by its full path instead
    (C(hm_group_ALL_EMEA_Sales)). See O(group_layout) for 1.0.0's flat names.
  - Hosts are also grouped by risk (C(hm_risk_high)), status (C(hm_status_active)) and OS (C(hm_os_android)),
    and by whatever O(keyed_groups) / O(groups) add.
  - Supports the inventory cache; a cache hit makes no API request. Cache entries are kept per tenant (gateway and
    client id), so a file whose credentials now name another tenant never gets the first tenant's devices.
  - Every host carries C(hm_tenant), the tenant it came from (C(name) from O(tenant_name), C(gateway_url),
    C(client_id), C(tenant_id) from the portal token, C(label); never the key).
  - Several files (one per tenant) may be loaded together. Hosts of different tenants never merge; when a host
    name is already taken by another tenant's device, the new host is named C(<tenant>_<name>) (O(tenant_name),
    else the client id) and a warning names both tenants. Set O(tenant_name) in every file to have every host
    named that way from the start.
  - Works as an AWX / Automation Platform inventory source; the credentials come from the source's
    credential through the E(HM_CLIENT_ID) / E(HM_ACCESS_KEY) environment variables.
  - The connection options are the modules' (the same doc fragments). O(access_key), O(gateway_url),
    O(client_id) and O(proxy_url) may be templates, for example a C(lookup()) or a vaulted variable.
author:
  - secops.mobile_security contributors (@secops)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - secops.mobile_security.device_identity
  - secops.mobile_security.harmony_mobile.plugin
  - secops.mobile_security.http_options
options:
  plugin:
    description: Marks this file as a source for this plugin.
    type: str
    required: true
    choices: [secops.mobile_security.hm_devices]
  tenant_name:
    description:
      - A name for this file's tenant (customer). Hosts are named C(<tenant_name>_<name>), are members of the
        group O(group_prefix) + C(tenant_) + O(tenant_name), and their C(hm_tenant.name) is this value.
      - With it set, O(client_id), O(access_key) and O(region) or O(gateway_url) must be in this file; the
        E(HM_CLIENT_ID), E(HM_ACCESS_KEY), E(HM_REGION), E(HM_GATEWAY_URL) environment variables and the EU
        default are not used (they may belong to another tenant) unless O(credentials_from_env=true).
    type: str
    version_added: "1.2.0"
  credentials_from_env:
    description: With O(tenant_name) set, allow the connection to come from the environment or the default region.
    type: bool
    default: false
    version_added: "1.2.0"
  hostname:
    description:
      - What names a host. V(email) uses the device's email (a user's second device gets C(-<id>) appended);
        V(id) the Check Point device id; V(name) the device name (duplicates get C(-<id>) too).
    type: str
    choices: [email, id, name]
    default: email
  risk:
    description:
      - Only devices at these risks (names or codes). Every device is checked here, whatever the service does
        with the filter (it is also sent to the API, to read less).
    type: list
    elements: str
  status:
    description:
      - Only devices in these statuses (names or codes), checked on every device as O(risk) is.
    type: list
    elements: str
  group_prefix:
    description: Prefix of the groups this plugin creates.
    type: str
    default: hm_
  group_layout:
    description:
      - V(tree) mirrors the group tree as described above.
      - V(flat) is 1.0.0's layout, kept for one release; it warns and will be removed in 2.0.0. Each group is named by
        its sanitised full path (C(hm_group_ALL_EMEA_Sales)), has no children, and holds only the devices assigned
        to it directly.
    type: str
    choices: [tree, flat]
    default: tree
    version_added: "1.1.0"
'''

EXAMPLES = r'''
# hm.yml -- ansible-inventory -i hm.yml --graph
plugin: secops.mobile_security.hm_devices
hostname: email
risk: [medium, high]
keyed_groups:
  - key: hm_model
    prefix: model
compose:
  ansible_host: hm_email
groups:
  stale_clients: hm_client_version is version('3.8', '<')
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/hm_inventory_cache
cache_timeout: 600
'''

import hashlib
import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.secops.mobile_security.plugins.module_utils import clients
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant

CONNECTION_OPTIONS = ("region", "gateway_url", "client_id", "access_key", "validate_certs", "timeout", "retries",
                      "rate_limit_wait", "proxy_url")

SAFE = re.compile(r"[^A-Za-z0-9_]")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "secops.mobile_security.hm_devices"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(
            ("hm_devices.yml", "hm_devices.yaml", "hm.yml", "hm.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        try:
            settings = self.connection_settings(config or {})
        except UserError as err:
            raise AnsibleParserError("hm_devices inventory %s: %s" % (path, err))
        # One cache entry per tenant: the same file with another tenant's credentials must not get these devices.
        identity = clients.tenant_key(settings)
        cache_key = "%s_%s" % (self.get_cache_key(path), hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16])
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        found = None
        if use_cache:
            try:
                found = self._cache[cache_key]
            except KeyError:
                update_cache = True
            if not isinstance(found, dict) or "tenant" not in found:  # 1.0.0's and 1.1.0's entries: read again
                found, update_cache = None, True
        if found is None:
            found = self.fetch(settings)
        if update_cache:
            self._cache[cache_key] = found
        # The name is this file's, whatever it was when the entry was cached.
        found = dict(found, tenant=clients.tenant_of(settings, tenant_id=found["tenant"].get("tenant_id")))
        self.populate(found)

    def templated_option(self, name):
        """An option that may be a template (a lookup of a secret, a vaulted variable), rendered."""
        value = self.get_option(name)
        if isinstance(value, str) and self.templar.is_template(value):
            value = self.templar.template(value)
        return value

    def connection_settings(self, config):
        """The connection options rendered; a named tenant's must come from this file (``config``)."""
        settings = {name: self.templated_option(name) for name in CONNECTION_OPTIONS}
        settings.update(tenant_name=self.templated_option("tenant_name"),
                        credentials_from_env=self.get_option("credentials_from_env"))
        clients.check_tenant_settings(settings, config)
        return settings

    def fetch(self, settings):
        """{"devices": normalised devices with their group paths, "groups": every group described, "tenant": whose},
        from the API."""
        client = None
        try:
            client = clients.harmony_mobile_client(settings)
            tenant = Tenant(client, warn=self.display.warning)
            tree = tenant.group_tree()
            found = tenant.devices(tenant.selection(risk=self.get_option("risk"), status=self.get_option("status")))[0]
            described = [tree.describe(i) for i in sorted(tree.by_id)]
            paths = {str(g["id"]): g["path"] for g in described}
            tenant = clients.tenant_of(settings, client)
        except (ApiError, UserError) as err:
            raise AnsibleParserError("hm_devices inventory: %s" % err)
        finally:
            if client is not None:
                client.transport.close()
        for device in found:
            device["group_paths"] = sorted(paths.get(str(i), str(i)) for i in device["group_ids"])
        return {"devices": found, "groups": described, "tenant": tenant}

    def host_names(self, found, tenant=None):
        field = self.get_option("hostname")
        key = {"email": "email", "id": "id", "name": "name"}[field]
        qualifier = (tenant or {}).get("name")
        names, seen = [], set()
        for device in found:
            name = str(device.get(key) or device["id"])
            # By the identity rule Ana@Example.com and ana@example.com are one user: the second gets its id too.
            if name.lower() in seen:
                name = "%s-%s" % (name, device["id"])
            seen.add(name.lower())
            names.append("%s_%s" % (qualifier, name) if qualifier else name)
        return names

    def own_host_name(self, name, tenant):
        """``name``, or ``<tenant>_<name>`` when another tenant's source already holds a host of that name."""
        held = self.inventory.hosts.get(name)
        other = held.vars.get("hm_tenant") if held is not None else None
        if held is None or (isinstance(other, dict) and same_tenant(other, tenant)):
            return name
        qualified = "%s_%s" % (tenant.get("name") or tenant.get("client_id"), name)
        self.display.warning("hm_devices: host %r already comes from %s; this tenant's device (%s) is named %r so "
                             "the two never merge. Set tenant_name in each inventory file to name every host by "
                             "its tenant." % (name, other.get("label") if isinstance(other, dict) else
                                              "another source", tenant.get("label"), qualified))
        return qualified

    def group_names(self, groups):
        """Ansible group name per Harmony Mobile group id: own name, or full path where own names collide."""
        prefix = self.get_option("group_prefix") + "group_"
        if self.get_option("group_layout") == "flat":
            return {g["id"]: prefix + SAFE.sub("_", g["path"]) for g in groups}
        by_short = {}
        for group in groups:
            by_short.setdefault(SAFE.sub("_", group["name"]), []).append(group)
        names = {}
        for short, sharing in by_short.items():
            for group in sharing:
                names[group["id"]] = prefix + (short if len(sharing) == 1 else SAFE.sub("_", group["path"]))
        # Paths can still collide after sanitising (A/B_C and A_B/C): the group id settles it.
        counts = {}
        for name in names.values():
            counts[name] = counts.get(name, 0) + 1
        return {i: name if counts[name] == 1 else "%s_%s" % (name, i) for i, name in names.items()}

    def add_group_tree(self, groups):
        names = self.group_names(groups)
        for group in groups:
            self.inventory.add_group(names[group["id"]])
        if self.get_option("group_layout") == "tree":
            for group in groups:
                if group["parent_id"] in names:
                    try:
                        self.inventory.add_child(names[group["parent_id"]], names[group["id"]])
                    except AnsibleError as err:
                        # Parent links that form a loop in the tenant's data: keep the group, drop the link.
                        self.display.warning("hm_devices: group %r is not made a child of its parent: %s" % (
                            group["path"], err))
        else:
            self.display.deprecated("hm_devices group_layout: flat names each group by its full path and ignores "
                                    "sub-groups; use the default group_layout: tree", version="2.0.0",
                                    collection_name="secops.mobile_security")
        return names

    def populate(self, found):
        prefix = self.get_option("group_prefix")
        strict = self.get_option("strict")
        group_names = self.add_group_tree(found["groups"])
        tenant = found["tenant"]
        tenant_group = "%stenant_%s" % (prefix, SAFE.sub("_", tenant["name"])) if tenant.get("name") else None
        for device, host in zip(found["devices"], self.host_names(found["devices"], tenant)):
            host = self.own_host_name(host, tenant)
            self.inventory.add_host(host)
            host_vars = {"hm_" + k: v for k, v in device.items()}
            host_vars["hm_tenant"] = tenant
            for var, value in host_vars.items():
                self.inventory.set_variable(host, var, value)
            own_groups = [group_names.get(i) or "%sgroup_%s" % (prefix, SAFE.sub("_", str(i)))
                          for i in device["group_ids"]]
            if device["risk_name"]:
                own_groups.append("%srisk_%s" % (prefix, device["risk_name"]))
            if device["status_name"]:
                own_groups.append("%sstatus_%s" % (prefix, device["status_name"]))
            if device["os_type"]:
                own_groups.append("%sos_%s" % (prefix, SAFE.sub("_", device["os_type"].lower())))
            if tenant_group:
                own_groups.append(tenant_group)
            for group in own_groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, host)
            self._set_composite_vars(self.get_option("compose"), host_vars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, host, strict=strict)


def same_tenant(one, other):
    return clients.tenant_key(one) == clients.tenant_key(other)
