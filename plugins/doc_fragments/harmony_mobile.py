# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  region:
    description:
      - Infinity Portal region of the tenant; picks its gateway. V(eu) is
        C(https://cloudinfra-gw.portal.checkpoint.com), V(us) C(https://cloudinfra-gw-us.portal.checkpoint.com),
        V(ap) C(https://cloudinfra-gw-ap.portal.checkpoint.com).
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
  - Use C(module_defaults) with C(group/secops.mobile_security.harmony_mobile) to set the connection options once per play.
'''
