# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the SmartPT security-actions API.
      - If not set, the value of the E(SMARTPT_API_URL) environment variable is used.
    type: str
    default: https://security-api.smartpt.co.il
  company_key:
    description:
      - Your company key (SHA256 hash) from SmartPT onboarding, sent in the C(x-sha256) header. Never logged or returned.
      - If not set, the value of the E(SMARTPT_COMPANY_KEY) environment variable is used.
    type: str
    required: true
  validate_certs:
    description:
      - Verify the API's TLS certificate.
      - If not set, the value of the E(SMARTPT_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  proxy_url:
    description:
      - HTTP(S) proxy for all requests.
      - If not set, the value of the E(SMARTPT_PROXY_URL) environment variable is used.
    type: str
requirements:
  - requests >= 2.25 on the host that runs the module.
notes:
  - Use C(module_defaults) with C(group/secops.mobile_security.smartpt) to set the connection options once per play.
'''
