# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pace of one client against one tenant: how many requests may be in flight, and when to wait.

Every thread that sends through one transport shares one ``Pacer``:

- It starts at a moderate number of requests in flight and, until the first
  429, adds one per clean answer (so it doubles every round trip, as TCP's
  slow start does); after a 429 it adds one each time that many answers came
  back clean (additive increase). Never above the ceiling (a module's
  ``concurrency``).
- A 429 halves the number (multiplicative decrease, at most once per pause,
  so a burst of 429s from one overload counts once) and pauses *every*
  thread until the ``Retry-After`` has passed, so the workers that did not
  get the 429 do not walk into the same limit.
- A gateway limits requests per second, not requests in flight, and every
  429 costs a whole ``Retry-After`` of idle time. So the first 429 also sets
  a rate: 95 % of the answers per second since sending began or the last
  pause ended (at most the last second), and requests then start evenly
  spaced at that rate. A later 429 lowers it only when clearly less got
  through than it allows (a stray 429 leaves it); each clean second raises it
  by 3 %, so the pace follows a limit that moves.
- Waiting on the rate limit never fails a run while the wait budget lasts;
  past it, :meth:`throttled` raises with the time waited and the option to raise.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import threading
import time

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError

DEFAULT_CEILING = 16
DEFAULT_START = 8
DEFAULT_WAIT_BUDGET = 300.0
# A 429 without Retry-After: wait this long.
DEFAULT_PAUSE = 1.0
MAX_PAUSE = 60.0
# The rate learned from a 429: measured over (at most) this window, run this far below it, raised by this
# after each clean window.
RATE_WINDOW = 1.0
RATE_MARGIN = 0.95
RATE_PROBE = 1.03
# Too short a stretch of sending (right after a pause) says nothing about a rate.
MIN_RATE_SAMPLE = 0.25


class Pacer:
    def __init__(self, ceiling=DEFAULT_CEILING, start=DEFAULT_START, wait_budget=DEFAULT_WAIT_BUDGET,
                 clock=time.monotonic, sleep=time.sleep):
        self.ceiling = max(1, int(ceiling))
        self.limit = float(min(max(1, int(start)), self.ceiling))
        self.wait_budget = float(wait_budget)
        self.clock = clock
        self.sleep = sleep
        self.in_flight = 0
        self.clean = 0
        self.paused_until = 0.0
        self.waited = 0.0
        self.throttle_count = 0
        self.slow_start = True
        self.rate = None  # requests per second, once a 429 has shown where the limit is
        self._answers = collections.deque()
        self._next_start = 0.0
        self._rate_checked_at = 0.0
        self._sending_since = None  # when the first request started, then when the last pause ended
        self._floor = 0.0
        self._cond = threading.Condition()

    def acquire(self):
        """Wait for a free place and for any pause to end."""
        served = 0.0
        with self._cond:
            while True:
                target = self.paused_until
                pause = target - max(self.clock(), served)
                if pause > 0 and target > served:
                    # Sleep outside the lock so other threads can see (and extend) the same pause.
                    self._cond.release()
                    try:
                        self.sleep(pause)
                    finally:
                        self._cond.acquire()
                    served = target
                    continue
                if self.in_flight < int(self.limit):
                    now = self.clock()
                    if self._sending_since is None:
                        self._sending_since = now
                    if self.rate and now < self._next_start:
                        # Evenly spaced starts; sleep outside the lock, then look again (another thread may
                        # have taken this slot, or a 429 may have paused everyone meanwhile).
                        self._cond.release()
                        try:
                            self.sleep(self._next_start - now)
                        finally:
                            self._cond.acquire()
                        continue
                    if self.rate:
                        self._next_start = max(now, self._next_start) + 1.0 / self.rate
                    self.in_flight += 1
                    return
                self._cond.wait(0.5)

    def release(self):
        """A clean answer (or one that says nothing about our pace): maybe one more in flight."""
        with self._cond:
            self.in_flight = max(0, self.in_flight - 1)
            self.clean += 1
            if self.limit < self.ceiling and (self.slow_start or self.clean >= int(self.limit)):
                self.limit += 1
                self.clean = 0
            now = self.clock()
            self._answers.append(now)
            self._forget_old_answers(now)
            if self.rate and now - self._rate_checked_at >= RATE_WINDOW:
                self.rate *= RATE_PROBE
                self._rate_checked_at = now
            self._floor = 0.0
            self._cond.notify_all()

    def abandon(self):
        """The request never got an answer: free its place, learn nothing."""
        with self._cond:
            self.in_flight = max(0, self.in_flight - 1)
            self._cond.notify_all()

    def _forget_old_answers(self, now):
        while self._answers and self._answers[0] < now - RATE_WINDOW:
            self._answers.popleft()

    def _learn_rate(self, now, pause):
        """At the first 429 of an overload: the answers since the last pause (within the last second) show
        what the limit let through, per second of actually sending."""
        since = max(now - RATE_WINDOW, self._sending_since if self._sending_since is not None else now)
        recent = sum(1 for stamp in self._answers if stamp >= since)
        if recent >= 2 and now - since >= MIN_RATE_SAMPLE:
            measured = recent / (now - since)
            # Lower the rate only when clearly less got through than it allows: then the limit is below it.
            # A 429 while answers kept up with the rate is a burst limit or a stray one, and following our
            # own pace down on every such 429 would drag an absolute rate to a crawl.
            if self.rate is None or measured < self.rate * RATE_MARGIN:
                self.rate = max(1.0, measured * RATE_MARGIN)
        self._sending_since = now + pause
        # Probe upwards again only after the pause and one clean window.
        self._rate_checked_at = now + pause

    def throttled(self, retry_after=None):
        """A 429: cut the pace, pause everyone; raises ApiError once the wait budget is spent."""
        with self._cond:
            self.in_flight = max(0, self.in_flight - 1)
            self.throttle_count += 1
            now = self.clock()
            # Retry-After when given; else a second. Either way at least a floor that doubles while 429s
            # keep coming without a clean answer, so "Retry-After: 0" cannot make us spin.
            pause = float(retry_after) if retry_after is not None else DEFAULT_PAUSE
            pause = min(max(pause, self._floor), MAX_PAUSE)
            new_until = now + pause
            if now >= self.paused_until:
                # The first 429 of this overload: cut once. Later ones from the same burst arrive while paused.
                self.limit = max(1.0, self.limit / 2)
                self.clean = 0
                self.slow_start = False
                self._floor = min(max(self._floor * 2, 0.05), MAX_PAUSE)
                self._learn_rate(now, pause)
            if new_until > self.paused_until:
                self.waited += new_until - max(now, self.paused_until)
                self.paused_until = new_until
            self._cond.notify_all()
            if self.waited > self.wait_budget:
                raise ApiError("rate limited (HTTP 429) %d times; waited %g s in all, past the wait budget of "
                               "%g s: raise rate_limit_wait, or lower concurrency" % (
                                   self.throttle_count, round(self.waited, 1), self.wait_budget), status=429)
