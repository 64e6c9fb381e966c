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
  thread until the ``Retry-After`` has passed (whatever it is: 1 s or a
  minute), so the workers that did not get the 429 do not walk into the
  same limit. Without ``Retry-After`` the pause is a second, doubling while
  nothing gets through.
- A gateway's budget is requests per window (a token bucket, a sliding
  window or fixed windows: the service does not say which). At the end of a
  stall (the first clean answer after it) the pacer learns that budget as
  the larger of two readings, and requests then start evenly spaced just
  under it: no burst of 429s per window. (a) The stretch from one
  resumption to the next, pause included, is a whole cycle of the budget:
  what got through in it per second. (b) With ``Retry-After``, what got
  through in the ``Retry-After`` seconds before the 429 per second of it
  (for a window of a second the pause is rounded up to a whole second, which
  would make (a) read a sliding or fixed window a quarter low); without
  ``Retry-After``, the same over the default pause when one pause ended the
  stall (a budget of about a second; a longer one needs more). The first
  stall may overstate the budget (it may start mid-window); the second one
  starts on a resumption, so it may lower the rate. After that a stall
  raises it; a 429 while probing above it only takes the probing back; a
  429 at the learned pace (requests bunched on a loaded host, or a fault)
  eases it by 3 %; and it drops to a new reading only when three stalls in
  a row read less than half of it (one 429 is as likely a fault as a limit,
  and following each down would drag the pace to a crawl).
- Each clean stretch as long as a learned cycle (at least 10 s) raises
  the rate by 3 %, so the pace follows a limit that moves up; a probe that
  ends in a 429 makes the next stretch twice as long.
- A wait budget bounds a *stall*, not a run: :meth:`throttled` raises only
  once the task has waited longer than the budget without any request
  succeeding. A run that keeps making progress never fails on it.
"""

import collections
import threading
import time

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError

DEFAULT_CEILING = 16
DEFAULT_START = 8
# The longest the task may wait on 429s without any request succeeding (rate_limit_wait).
DEFAULT_WAIT_BUDGET = 300.0
# A 429 without Retry-After: wait this long (doubling while no request gets through).
DEFAULT_PAUSE = 1.0
MAX_PAUSE = 120.0
MAX_GUESSED_PAUSE = 4.0
# Run this far below the learned budget; raise the rate by this after each clean cycle.
RATE_MARGIN = 0.97
RATE_PROBE = 1.03
PROBE_EVERY = 10.0
MIN_RATE = 0.01
# Stalls whose cycles may lower the learned rate (the first may start mid-window, the second is aligned).
LEARNING_STALLS = 2
# A cycle with fewer clean answers than this says nothing about a budget.
MIN_CYCLE_ANSWERS = 1
# A Retry-After up to this many seconds, after a cycle up to twice as long, may be a window of a second
# rounded up (reading (b)).
SHORT_WINDOW = 2.0
# Later stalls lower the learned budget only when this many in a row read less than half of it.
LOW_READINGS = 3
# A later 429 at the learned pace (not while probing above it) eases the pace by this much.
STALL_EASE = 0.97


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
        self.waited = 0.0  # in all, for reports
        self.stall_waited = 0.0  # since the last clean answer: what the wait budget bounds
        self.throttle_count = 0
        self.stall_throttles = 0
        self.slow_start = True
        self.rate = None  # requests per second, once a stall has shown the tenant's budget
        self.learned = None  # the rate the budget allows, as learned; ``rate`` may probe above it
        self.stalls = 0
        self.stalled = False
        self._before_stall = (None, 1.0, [])
        self._low_readings = []
        self._learning_stall = 0  # stalls that read the budget so far
        self._learning_stall_done = False
        self._stall_while_probing = False
        self._stall_pauses = 0
        self._learned_for = None
        self._cycle_start = None  # when sending began, then when the last stall ended
        self._cycle_answers = 0
        self._answers = collections.deque()  # when the recent clean answers came (for reading (b))
        self._stall_began = None
        self._stall_retry_after = None
        self._probe_every = 1.0
        self._probed_at = 0.0
        self._next_start = 0.0
        self._floor = 0.0
        self._cond = threading.Condition()

    def acquire(self):
        """Wait for a free place, for any pause to end and for the next evenly spaced start."""
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
                if self.stalled and self.clock() >= self.paused_until:
                    self._learn()
                if self.in_flight < int(self.limit):
                    now = self.clock()
                    if self._cycle_start is None:
                        self._cycle_start = now
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
            while self._answers[0] < now - MAX_PAUSE:
                self._answers.popleft()
            if self.stalled and now >= self.paused_until:
                self._end_stall(now)
            else:
                # Before the stall ended (also an answer to a request sent before the 429): part of the cycle.
                self._cycle_answers += 1
            if self.rate and not self.stalled and now - self._probed_at >= self._probe_every:
                self.rate *= RATE_PROBE
                self._probed_at = now
            self._floor = 0.0
            self.stall_waited = 0.0
            self.stall_throttles = 0
            self._cond.notify_all()

    def abandon(self):
        """The request never got an answer: free its place, learn nothing."""
        with self._cond:
            self.in_flight = max(0, self.in_flight - 1)
            self._cond.notify_all()

    def _learn(self):
        """When a stall's pause is over, before anything is sent again: read the tenant's budget (see the module
        docstring). Each pause of one stall reads it again (a 429 without Retry-After pauses more than once),
        from the same starting point."""
        if self._learned_for == self.paused_until:
            return
        self._learned_for = resumed = self.paused_until
        self.learned, self._probe_every, self._low_readings = self._before_stall
        length = resumed - (self._cycle_start if self._cycle_start is not None else resumed)
        if self._cycle_answers >= MIN_CYCLE_ANSWERS and length > 0:
            per_second = self._cycle_answers / length
            # Without Retry-After, a stall that one default pause ended shows a budget of about a second.
            window = self._stall_retry_after or (DEFAULT_PAUSE if self._stall_pauses == 1 else None)
            if window and window <= SHORT_WINDOW and length <= 2 * SHORT_WINDOW:
                since = self._stall_began - window
                recent = sum(1 for stamp in self._answers if since <= stamp <= self._stall_began)
                per_second = max(per_second, recent / window)
            self._adopt(max(MIN_RATE, per_second * RATE_MARGIN), length)
        if self.learned is not None:
            self.rate = self.learned
        self._next_start = 0.0

    def _adopt(self, budget, length):
        """A reading of the budget: the first two stalls set it; later ones raise it, and lower it only when
        three stalls in a row read less than half of it (a single 429 is as likely a fault as a limit)."""
        if self._learning_stall < LEARNING_STALLS or budget > self.learned:
            self.learned = budget
            self._low_readings = []
            return self._probe_after(length)
        if not self._stall_while_probing:
            # A 429 at the learned pace: requests bunched on the way (a loaded host) or a fault. Ease off a
            # little; clean stretches probe back up.
            self.learned *= STALL_EASE
        if budget < self.learned / 2:
            self._low_readings = self._low_readings + [budget]
            if len(self._low_readings) >= LOW_READINGS:
                self.learned = max(self._low_readings)
                self._low_readings = []
        else:
            self._low_readings = []
        self._probe_after(length)

    def _probe_after(self, length):
        self._probe_every = max(self._probe_every, length, PROBE_EVERY)
        self._learning_stall_done = True

    def _end_stall(self, now):
        """The first clean answer after a stall: a new cycle starts where the last pause ended."""
        if self._learning_stall_done:
            self._learning_stall += 1
            self._learning_stall_done = False
        self.stalled = False
        self._cycle_start = self.paused_until
        self._cycle_answers = 1
        self._probed_at = now

    def throttled(self, retry_after=None):
        """A 429: cut the pace, pause everyone; raises ApiError once the task has waited past the wait budget
        without any request succeeding."""
        with self._cond:
            self.in_flight = max(0, self.in_flight - 1)
            self.throttle_count += 1
            self.stall_throttles += 1
            now = self.clock()
            # Retry-After when given; else a second. Either way at least a floor that doubles while 429s
            # keep coming without a clean answer, so "Retry-After: 0" (or none) cannot make us spin.
            if retry_after is not None:
                pause = min(max(float(retry_after), self._floor), MAX_PAUSE)
            else:
                # Unknown: probe once a pause, the pause growing with the stall but never past a few seconds
                # (a minute's window then turns at most that late).
                pause = max(DEFAULT_PAUSE, min(self._floor, MAX_GUESSED_PAUSE))
            new_until = now + pause
            if now >= self.paused_until:
                # The first 429 of this overload: cut once. Later ones from the same burst arrive while paused.
                self.limit = max(1.0, self.limit / 2)
                self.clean = 0
                self.slow_start = False
                self._floor = min(max(self._floor * 2, 0.05), MAX_PAUSE)
                if not self.stalled:
                    self.stalled = True
                    self._stall_began = now
                    self._stall_retry_after = pause if retry_after is not None and retry_after >= 1 else None
                    self._before_stall = (self.learned, self._probe_every, self._low_readings)
                    self._stall_pauses = 0
                    self.stalls += 1
                self._stall_pauses += 1
                self._stall_while_probing = self.rate is not None and self.learned is not None and \
                    self.rate > self.learned
                if self._stall_while_probing:
                    self.rate = self.learned  # take back the probing, and probe half as often
                    self._probe_every *= 2
            if new_until > self.paused_until:
                added = new_until - max(now, self.paused_until)
                self.waited += added
                self.stall_waited += added
                self.paused_until = new_until
            self._cond.notify_all()
            if self.stall_waited > self.wait_budget:
                raise ApiError("rate limited (HTTP 429) %d times in a row; waited %g s without any request "
                               "succeeding, past the wait budget of %g s: raise rate_limit_wait" % (
                                   self.stall_throttles, round(self.stall_waited, 1), self.wait_budget), status=429)
