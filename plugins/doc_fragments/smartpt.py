# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
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
  timeout:
    description: Seconds to wait for each HTTP answer.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after HTTP 5xx or a connection error, with exponential
        backoff and jitter, honouring C(Retry-After).
      - A write whose outcome is in doubt is checked before it is sent again, so retries never create duplicates.
      - HTTP 429 (rate limited) does not count here; see O(rate_limit_wait).
    type: int
    default: 5
  rate_limit_wait:
    description:
      - Seconds the task may spend in all waiting on the service's rate limit (HTTP 429) before it fails.
      - On a 429 every request of the task pauses for the C(Retry-After) time and the number of requests in
        flight is halved; it grows again by one each time that many answers come back clean. A run never fails
        on a 429 while this budget lasts; past it the error says how long it waited.
    type: float
    default: 300
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
