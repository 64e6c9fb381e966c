"""Several tenants in one simulator: each its own credentials, state file, id range and tokens.

The live service picks the tenant from the token alone: one regional gateway serves every customer.
The simulator does the same for requests at the gateway root, and additionally serves each tenant
under its own path, ``<url>/tenants/<name>``. A client pointed at a tenant's path says which customer
it means, so the simulator can refuse (403) and count a token or credentials of another tenant there:
that is how tests prove nothing crosses between tenants. The default tenant (``default``) keeps the
``--client-id``/``--access-key`` credentials and the ``--db`` file, so a single-tenant simulator behaves
as before.
"""

import base64
import json
import os
import secrets
import threading
import uuid

DEFAULT_TENANT = "default"
PATH_PREFIX = "/tenants/"
# Each tenant's device and group ids start at its own base, so an id seen in one tenant's records
# cannot be mistaken for another's (the ALL group keeps id 1 in every tenant, as the guide's root).
ID_STRIDE = 1000000
FAULTS = (None, "outage", "rate-limit")


class Tenant:
    def __init__(self, name, client_id, access_key, store, index):
        self.name = name
        self.client_id = client_id
        self.access_key = access_key
        self.store = store
        self.index = index
        # None, "outage" (every call 503) or "rate-limit" (every call 429): a failure of this tenant only.
        self.fault = None

    def describe(self):
        return {"name": self.name, "client_id": self.client_id, "access_key": self.access_key,
                "path": PATH_PREFIX + self.name if self.name != DEFAULT_TENANT else "", "fault": self.fault,
                "id_base": self.index * ID_STRIDE, "tenant_id": tenant_id(self)}


def tenant_names(count):
    width = max(2, len(str(count)))
    return ["t%0*d" % (width, i) for i in range(1, int(count) + 1)]


def db_path_for(db_path, name):
    root, ext = os.path.splitext(db_path)
    return "%s-%s%s" % (root, name, ext or ".db")


def split_path(path):
    """(tenant named by the path or None, the path without the tenant prefix)."""
    if not path.startswith(PATH_PREFIX):
        return None, path
    name, _sep, rest = path[len(PATH_PREFIX):].partition("/")
    return name, "/" + rest


class CredentialFile:
    """Generated credentials kept next to the state file (mode 0600), so a restart keeps them and
    another state file (another `make sim`) gets its own."""

    def __init__(self, db_path):
        self.path = db_path + ".credentials.json"
        self.lock = threading.Lock()

    def load(self):
        try:
            with open(self.path) as handle:
                data = json.load(handle)
        except (IOError, OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def credentials(self, name):
        with self.lock:
            data = self.load()
            entry = data.get(name)
            if not (isinstance(entry, dict) and entry.get("client_id") and entry.get("access_key")):
                entry = {"client_id": "sim-%s-%s" % (name, secrets.token_hex(4)),
                         "access_key": secrets.token_urlsafe(24)}
                data[name] = entry
                fd = os.open(self.path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w") as handle:
                    json.dump(data, handle, indent=1, sort_keys=True)
                os.replace(self.path + ".tmp", self.path)
            return entry["client_id"], entry["access_key"]


def write_inventory(path, tenants, url):
    """A ready tenant inventory for the MSSP example (playbooks/weekly_fleet_report.yml, playbooks/tenants): one
    host per tenant in group ``tenants``, its connection in its host vars under the names the example playbooks
    read (hm_gateway_url: the tenant's own path, hm_client_id, hm_access_key), mode 0600 as it holds keys.
    Rewritten at each start from the credentials the simulator serves."""
    lines = ["---",
             "# Written by the simulator (tests/simulator, `make sim SIM_TENANTS=N`) at each start: one host per",
             "# simulated tenant with its own connection. Its test credentials only; rewritten, never edit it.",
             "#   ansible-playbook -i %s playbooks/weekly_fleet_report.yml -e fleet_report_hosts=tenants" % path,
             "tenants:", "  hosts:"]
    for tenant in tenants:
        lines.append("    %s:" % tenant.name)
        for key, value in (("hm_gateway_url", url + PATH_PREFIX + tenant.name), ("hm_client_id", tenant.client_id),
                           ("hm_access_key", tenant.access_key)):
            # A JSON string is a YAML double-quoted scalar: no quoting rule of our own.
            lines.append("      %s: %s" % (key, json.dumps(value)))
    if not tenants:
        lines[-1] = "  hosts: {}"
    lines += ["  vars:", "    ansible_connection: local",
              "    ansible_python_interpreter: \"{{ ansible_playbook_python }}\""]
    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(path + ".tmp", path)
    return path


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def tenant_id(tenant):
    """A stable id per tenant, as the Infinity Portal's tenantId claim."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "sim-tenant:%s:%s" % (tenant.name, tenant.client_id)))


def make_token(tenant, ttl, now):
    """A JWT-shaped token as the live gateway issues (field notes: tenantId, clientId, appId, 30-minute
    life); the signature is random bytes, so nothing but the simulator can accept it."""
    header = {"alg": "RS256", "typ": "JWT"}
    claims = {"tenantId": tenant_id(tenant), "clientId": tenant.client_id, "appId": "sim-mobile",
              "description": "Harmony mobile API", "role": "Admin", "roles": ["admin"], "scope": None,
              "authType": "EXTERNAL", "iat": int(now), "exp": int(now + ttl)}
    return ".".join((_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()),
                     _b64(secrets.token_bytes(32))))
