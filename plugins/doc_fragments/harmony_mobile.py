# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    DOCUMENTATION = r'''
options:
  region:
    description:
      - Infinity Portal region of the tenant; picks its gateway. V(eu) is
        C(https://cloudinfra-gw.portal.checkpoint.com), V(us) C(https://cloudinfra-gw-us.portal.checkpoint.com),
        V(ap) C(https://cloudinfra-gw-ap.portal.checkpoint.com), V(in) C(https://cloudinfra-gw-in.portal.checkpoint.com).
      - Give O(region) or O(gateway_url), not both. With neither, the EU gateway (the one the Harmony Mobile
        external API guide names) is used.
      - If not set, the value of the E(HM_REGION) environment variable is used.
    type: str
    version_added: "1.1.0"
  gateway_url:
    description:
      - Base URL of the Infinity Portal gateway, for a gateway O(region) does not list (or a test endpoint).
      - Give O(region) or O(gateway_url), not both. With neither, the EU gateway is used.
      - If not set, the value of the E(HM_GATEWAY_URL) environment variable is used.
    type: str
  client_id:
    description:
      - Client ID of an Infinity Portal API key for the Mobile service (Global Settings > API Keys).
      - If not set, the value of the E(HM_CLIENT_ID) environment variable is used.
    type: str
    required: true
  access_key:
    description:
      - Secret (access) key of that API key. Never logged or returned.
      - If not set, the value of the E(HM_ACCESS_KEY) environment variable is used.
    type: str
    required: true
  tenant_name:
    description:
      - A name for the tenant (customer) this task works on, usually C({{ inventory_hostname }}) when each
        tenant is an inventory host. It is shown in the result's RV(ignore:tenant) and in error messages.
      - With it set, O(client_id), O(access_key) and O(region) or O(gateway_url) must be given by the task
        (or its C(module_defaults)); an empty value fails the task, and the E(HM_CLIENT_ID), E(HM_ACCESS_KEY),
        E(HM_REGION), E(HM_GATEWAY_URL) environment variables and the EU default are not used, since they
        may belong to another tenant. O(credentials_from_env=true) allows them.
    type: str
    version_added: "1.2.0"
  credentials_from_env:
    description:
      - With O(tenant_name) set, allow O(client_id), O(access_key) and the gateway to come from their
        environment variables or the default region. Without O(tenant_name) they always may.
    type: bool
    default: false
    version_added: "1.2.0"
  token_cache:
    description:
      - Reuse the portal token across tasks by keeping it in a file (mode 0600), keyed by a hash of
        gateway, client ID and access key. Without it each task logs in once.
      - The token is refreshed on expiry and after a 401 answer.
      - If not set, the value of the E(HM_TOKEN_CACHE) environment variable is used.
    type: bool
    default: false
  token_cache_path:
    description:
      - File for O(token_cache). Defaults to C(~/.cache/secops.mobile_security/hm_tokens.json).
      - If not set, the value of the E(HM_TOKEN_CACHE_PATH) environment variable is used.
    type: path
  validate_certs:
    description:
      - Verify the gateway's TLS certificate. Set to V(false) only for a trusted test endpoint.
      - If not set, the value of the E(HM_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  proxy_url:
    description:
      - HTTP(S) proxy for all requests, for example C(http://proxy.example.com:3128).
      - The standard E(HTTPS_PROXY) / E(NO_PROXY) variables are honoured too.
      - If not set, the value of the E(HM_PROXY_URL) environment variable is used.
    type: str
requirements:
  - requests >= 2.25 on the host that runs the module (usually the controller, with a local connection or C(delegate_to=localhost)).
notes:
  - Every result carries C(tenant), the tenant the task worked on, readable and without any secret
    (C(name) from O(tenant_name), C(gateway_url), C(client_id), C(tenant_id) from the portal token when it
    carries one, and C(label), all of them in one line).
  - Use C(module_defaults) with C(group/secops.mobile_security.harmony_mobile) to set the connection options once per play.
'''

    # The connection options as an inventory plugin reads them (secops.mobile_security.harmony_mobile.plugin): the
    # text above plus each option's env entry. ansible-test reads fragments as literals, so this is a copy;
    # tests/unit/plugins/inventory/test_hm_devices.py keeps it identical to DOCUMENTATION.
    PLUGIN = r'''
options:
  region:
    description:
      - Infinity Portal region of the tenant; picks its gateway. V(eu) is
        C(https://cloudinfra-gw.portal.checkpoint.com), V(us) C(https://cloudinfra-gw-us.portal.checkpoint.com),
        V(ap) C(https://cloudinfra-gw-ap.portal.checkpoint.com), V(in) C(https://cloudinfra-gw-in.portal.checkpoint.com).
      - Give O(region) or O(gateway_url), not both. With neither, the EU gateway (the one the Harmony Mobile
        external API guide names) is used.
      - If not set, the value of the E(HM_REGION) environment variable is used.
    type: str
    version_added: "1.1.0"
    env:
      - name: HM_REGION
  gateway_url:
    description:
      - Base URL of the Infinity Portal gateway, for a gateway O(region) does not list (or a test endpoint).
      - Give O(region) or O(gateway_url), not both. With neither, the EU gateway is used.
      - If not set, the value of the E(HM_GATEWAY_URL) environment variable is used.
    type: str
    env:
      - name: HM_GATEWAY_URL
  client_id:
    description:
      - Client ID of an Infinity Portal API key for the Mobile service (Global Settings > API Keys).
      - If not set, the value of the E(HM_CLIENT_ID) environment variable is used.
    type: str
    required: true
    env:
      - name: HM_CLIENT_ID
  access_key:
    description:
      - Secret (access) key of that API key. Never logged or returned.
      - If not set, the value of the E(HM_ACCESS_KEY) environment variable is used.
    type: str
    required: true
    env:
      - name: HM_ACCESS_KEY
  validate_certs:
    description:
      - Verify the gateway's TLS certificate. Set to V(false) only for a trusted test endpoint.
      - If not set, the value of the E(HM_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
    env:
      - name: HM_VALIDATE_CERTS
  proxy_url:
    description:
      - HTTP(S) proxy for all requests, for example C(http://proxy.example.com:3128).
      - The standard E(HTTPS_PROXY) / E(NO_PROXY) variables are honoured too.
      - If not set, the value of the E(HM_PROXY_URL) environment variable is used.
    type: str
    env:
      - name: HM_PROXY_URL
'''
