# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
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
      - The longest the task may wait on the service's rate limit (HTTP 429) without any request succeeding,
        in seconds. It bounds a stall, not a run - a task that keeps making progress never fails on it, however
        long it takes (a 2,000-device enrolment at 60 requests a minute takes over half an hour, and succeeds).
      - On a 429 every request of the task pauses for the C(Retry-After) time (without one, a second, growing up
        to 4 seconds while nothing gets through) and the number of requests in flight is halved. When the pause ends the task learns the tenant's budget from
        what got through, and from then on starts requests evenly spaced just under it, whether the service
        counts in a token bucket, a sliding window or fixed windows.
      - Past this wait with nothing getting through, the task fails; the error says how long it waited, and
        M(secops.mobile_security.hm_device_sync) says how many devices it wrote (a re-run continues from there).
    type: float
    default: 300
'''
