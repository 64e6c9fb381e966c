# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # HTTP options every module has, whichever API it calls (module_utils/arguments.py).
    DOCUMENTATION = r'''
options:
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
'''
