"""The shared pace: additive increase, multiplicative decrease, one pause for every thread, a wait budget."""

import threading
import time

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.pacing import Pacer

from tests.unit.plugins.module_utils.test_http_transport import FakeResponse, Script
from ansible_collections.secops.mobile_security.plugins.module_utils.http_transport import HttpTransport, RetryPolicy


class FakeClock:
    """Time that moves only when someone sleeps."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def pacer(**kwargs):
    clock = FakeClock()
    return Pacer(clock=clock, sleep=clock.sleep, **kwargs), clock


def test_slow_start_then_one_more_per_window_of_clean_answers_up_to_the_ceiling():
    pace, unused_clock = pacer(ceiling=40, start=2)
    seen = []
    for _round in range(6):
        pace.acquire()
        pace.release()
        seen.append(int(pace.limit))
    assert seen == [3, 4, 5, 6, 7, 8]  # one more per clean answer: doubling every round trip
    pace.acquire()
    pace.throttled(retry_after=0)
    assert pace.limit == 4
    seen = []
    for _round in range(30):
        pace.acquire()
        pace.release()
        seen.append(int(pace.limit))
    assert seen[:10] == [4, 4, 4, 5, 5, 5, 5, 5, 6, 6]  # after a 429: one more per window
    capped, unused_clock = pacer(ceiling=6, start=2)
    for _round in range(40):
        capped.acquire()
        capped.release()
    assert capped.limit == 6


def test_a_429_halves_the_pace_once_per_overload_and_pauses_everyone():
    pace, clock = pacer(ceiling=16, start=16)
    for _round in range(8):
        pace.acquire()
    # The whole burst hits the limit: eight 429s from one overload count as one cut.
    for _round in range(8):
        pace.throttled(retry_after=2)
    assert pace.limit == 8 and pace.paused_until == 102.0 and pace.waited == 2.0
    # Every thread that wants to send now waits for the same pause, once.
    pace.acquire()
    assert clock.sleeps == [2.0]
    pace.release()
    # A new overload after the pause cuts again.
    pace.throttled(retry_after=1)
    assert pace.limit == 4 and pace.waited == 3.0


def test_retry_after_zero_cannot_make_the_client_spin():
    pace, unused_clock = pacer(wait_budget=1000)
    pauses = []
    for _round in range(6):
        pace.acquire()
        before = pace.waited
        pace.throttled(retry_after=0)
        pauses.append(round(pace.waited - before, 3))
    assert pauses == [0.0, 0.05, 0.1, 0.2, 0.4, 0.8]
    pace.acquire()
    pace.release()
    pace.acquire()
    before = pace.waited
    pace.throttled(retry_after=0)
    assert pace.waited == before  # a clean answer reset the floor


def test_past_the_wait_budget_the_error_says_how_long_and_what_to_raise():
    pace, unused_clock = pacer(wait_budget=5)
    for _round in range(5):
        pace.acquire()
        pace.throttled(retry_after=1)
    pace.acquire()
    with pytest.raises(ApiError) as info:
        pace.throttled(retry_after=1)
    assert info.value.status == 429
    assert "waited 6 s" in str(info.value) and "wait budget of 5 s" in str(info.value)
    assert "rate_limit_wait" in str(info.value)


def test_in_flight_never_exceeds_the_limit_across_threads():
    pace = Pacer(ceiling=3, start=3)
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def work():
        for _round in range(20):
            pace.acquire()
            with lock:
                state["now"] += 1
                state["max"] = max(state["max"], state["now"])
            time.sleep(0.001)
            with lock:
                state["now"] -= 1
            pace.release()

    threads = [threading.Thread(target=work) for _round in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["max"] == 3


def test_transport_resends_after_429s_without_spending_retries_and_fails_past_the_budget():
    responses = [FakeResponse(429, {"message": "slow"}, {"Retry-After": "1"})] * 7 + [FakeResponse(201, {"id": 1})]
    script = Script(*responses)
    clock = FakeClock()
    transport = HttpTransport("https://gw.example.com", retry_policy=RetryPolicy(retries=2, sleep=clock.sleep),
                              pacer=Pacer(clock=clock, sleep=clock.sleep, wait_budget=60))
    transport.session.request = script
    # A non-idempotent POST: a 429 means nothing was processed, so sending it again is safe.
    assert transport.send("POST", "/x", json_body={}, idempotent=False) == (201, {"id": 1})
    # Retry-After, until the doubling floor (0.05 s, 0.1 s, ...) of an overload that will not clear passes it.
    assert len(script.calls) == 8 and clock.sleeps == [1.0] * 6 + [1.6]

    script = Script(*[FakeResponse(429, {"message": "slow"}, {"Retry-After": "30"})] * 5)
    transport = HttpTransport("https://gw.example.com", pacer=Pacer(clock=clock, sleep=clock.sleep, wait_budget=60))
    transport.session.request = script
    with pytest.raises(ApiError) as info:
        transport.send("GET", "/app/list?email=secret@example.com")
    assert info.value.status == 429 and info.value.path == "/app/list" and len(script.calls) == 3
    assert "waited 90 s" in str(info.value)


def answers(pace, clock, count, seconds):
    """``count`` clean answers spread over ``seconds``, one request in flight at a time."""
    for _index in range(count):
        pace.acquire()
        clock.now += seconds / count
        pace.release()


def test_a_429_sets_a_rate_below_what_got_through_and_spaces_the_starts():
    pace, clock = pacer(ceiling=16, start=8)
    answers(pace, clock, 40, 1.0)  # 40 answers in the last second, then the limit
    pace.acquire()
    pace.throttled(retry_after=1)
    assert pace.rate == pytest.approx(38.0)  # 95 % of the 40 that got through
    clock.sleeps.clear()
    starts = []
    for _index in range(10):
        pace.acquire()
        starts.append(clock.now)
        pace.release()
    assert clock.sleeps[0] == 1.0  # the shared pause first
    gaps = [round(b - a, 4) for a, b in zip(starts, starts[1:])]
    assert gaps == [round(1 / 38.0, 4)] * 9  # then evenly spaced at the learned rate, not in bursts


def test_another_429_cuts_the_rate_and_clean_seconds_raise_it():
    pace, clock = pacer(ceiling=16, start=8)
    answers(pace, clock, 40, 1.0)
    pace.acquire()
    pace.throttled(retry_after=1)
    answers(pace, clock, 30, 1.0)  # the pause, then fewer answers than the learned pace allows: a lower limit
    pace.acquire()
    pace.throttled(retry_after=1)
    assert pace.rate == pytest.approx(28.5, rel=0.02)  # 95 % of the 30 a second that got through
    before = pace.rate
    answers(pace, clock, 80, 3.2)  # clean seconds: 3 % more after each
    assert before * 1.03 ** 2 <= pace.rate <= before * 1.03 ** 4


def test_a_stray_429_on_a_fast_link_keeps_the_rate_near_what_gets_through():
    pace, clock = pacer(ceiling=16, start=8)
    for _burst in range(5):
        answers(pace, clock, 400, 1.0)  # 400 answers a second, then one 429 out of nowhere
        pace.acquire()
        pace.throttled(retry_after=0)
    assert pace.rate >= 300  # not 0.75 ** 5 of it


def test_429s_with_no_recent_answers_set_no_rate():
    pace, unused_clock = pacer()
    for _index in range(3):
        pace.acquire()
        pace.throttled(retry_after=1)
    assert pace.rate is None
