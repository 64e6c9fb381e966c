"""The shared pace: additive increase, multiplicative decrease, one pause for every thread, a wait budget."""

import threading
import time

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.pacing import RATE_MARGIN, STALL_EASE, Pacer

from tests.simulator.server import RateLimiter
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


def test_a_stall_reads_the_budget_and_the_starts_are_spaced_under_it():
    pace, clock = pacer(ceiling=16, start=8)
    answers(pace, clock, 40, 1.0)  # 40 answers in the first second, then the limit
    pace.acquire()
    pace.throttled(retry_after=1)
    assert pace.rate is None  # read when the pause is over, with every answer of the cycle in
    clock.sleeps.clear()
    starts = []
    for _index in range(10):
        pace.acquire()
        starts.append(clock.now)
        pace.release()
    assert clock.sleeps[0] == 1.0  # the shared pause first
    # 40 got through in the Retry-After second before the 429: run just under it.
    assert pace.rate == pytest.approx(40 * RATE_MARGIN)
    gaps = [round(b - a, 4) for a, b in zip(starts, starts[1:])]
    assert gaps == [round(1 / (40 * RATE_MARGIN), 4)] * 9  # evenly spaced at the learned rate, not in bursts


def test_a_long_window_is_read_over_the_whole_cycle_pause_included():
    pace, clock = pacer(ceiling=16, start=8)
    answers(pace, clock, 20, 2.0)  # a window's 20 requests in 2 s, then 429 until the 10 s window turns
    pace.acquire()
    pace.throttled(retry_after=8)
    pace.acquire()
    assert pace.rate == pytest.approx(20 / 10.0 * RATE_MARGIN)


def test_the_second_stall_may_lower_the_budget_later_ones_only_three_low_readings_in_a_row():
    pace, clock = pacer(ceiling=16, start=8)
    answers(pace, clock, 20, 1.0)
    pace.acquire()
    pace.throttled(retry_after=5)  # first stall: the sending may have started mid-window
    pace.acquire()
    first = pace.learned
    assert first == pytest.approx(20 / 6.0 * RATE_MARGIN)
    resumed = clock.now
    pace.release()
    answers(pace, clock, 19, 5.0)  # spaced at the first reading: 20 answers take 6 s
    pace.acquire()
    pace.throttled(retry_after=4)  # second stall, aligned on a resumption: 20 per 10 s
    pace.acquire()
    pace.release()
    assert pace.learned == pytest.approx(20 / (clock.now - resumed) * RATE_MARGIN, rel=0.02) and pace.learned < first
    learned = pace.learned
    for _stall in range(2):  # a stall that reads less than half, twice: a fault as likely as a limit
        answers(pace, clock, 2, 1.0)
        pace.acquire()
        pace.throttled(retry_after=8)
        pace.acquire()
        pace.release()
        learned *= STALL_EASE  # a 429 at the learned pace eases it a little, no more
        assert pace.learned == pytest.approx(learned)
    answers(pace, clock, 2, 1.0)  # the third in a row: the limit moved
    pace.acquire()
    pace.throttled(retry_after=8)
    pace.acquire()
    assert pace.learned < learned / 2


def test_a_probe_above_the_budget_is_taken_back_and_probes_come_half_as_often():
    pace, clock = pacer(ceiling=16, start=8)
    answers(pace, clock, 20, 2.0)
    pace.acquire()
    pace.throttled(retry_after=8)
    pace.acquire()
    pace.release()
    learned = pace.learned
    every = pace._probe_every
    answers(pace, clock, 30, every + 1)  # a clean stretch: 3 % more
    assert pace.rate == pytest.approx(learned * 1.03)
    pace.acquire()
    pace.throttled(retry_after=1)
    assert pace.rate == learned and pace._probe_every == 2 * every


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


def test_the_wait_budget_bounds_a_stall_not_a_run():
    pace, clock = pacer(wait_budget=10)
    for _window in range(30):  # 30 windows: a burst, then 429 with Retry-After 5 until the window turns
        answers(pace, clock, 5, 0.5)
        pace.acquire()
        pace.throttled(retry_after=5)
    assert pace.waited == pytest.approx(150.0)  # fifteen times the budget in all, and the run goes on
    answers(pace, clock, 1, 0.1)
    for _stall in range(2):
        pace.acquire()
        pace.throttled(retry_after=5)
    pace.acquire()
    with pytest.raises(ApiError) as info:  # the third 5 s pause in a row with nothing getting through
        pace.throttled(retry_after=5)
    assert "3 times in a row; waited 15 s without any request succeeding, past the wait budget of 10 s" in str(
        info.value)


def drive(shape, limit, window, successes, retry_after=True, latency=0.05, offset=0.0):
    """One request at a time through the pacer against the simulator's limiter, on a clock that moves only
    when someone sleeps or an answer takes ``latency``: (requests per second / the limit, 429s, pacer)."""
    clock = FakeClock()
    limiter = RateLimiter(limit, window, shape, retry_after, clock=clock)
    clock.now += offset  # the run starts this far into the limiter's window
    pace = Pacer(clock=clock, sleep=clock.sleep)
    started, done, refused = clock.now, 0, 0
    while done < successes:
        pace.acquire()
        clock.now += latency / 2
        wait = limiter.allow()
        clock.now += latency / 2
        if wait is None:
            pace.release()
            done += 1
        else:
            refused += 1
            header = limiter.headers(wait).get("Retry-After")
            pace.throttled(float(header) if header else None)
    return done / (clock.now - started) / (limit / window), refused, pace, (clock.now - started) / window


@pytest.mark.parametrize("offset", [0.0, 0.37])
@pytest.mark.parametrize("retry_after", [True, False], ids=["Retry-After", "no Retry-After"])
@pytest.mark.parametrize("limit,window", [(10, 1), (20, 10), (60, 60)], ids=["10/s", "20/10s", "60/min"])
@pytest.mark.parametrize("shape", RateLimiter.SHAPES)
def test_every_limit_shape_runs_near_its_budget_without_a_429_per_window(shape, limit, window, retry_after, offset):
    ratio, refused, pace, windows = drive(shape, limit, window, 10 * limit, retry_after, offset=offset * window)
    assert ratio >= 0.85, (ratio, refused)
    # One stall to learn the budget, a second one to correct it; then stalls only from probing above it
    # (a token bucket's burst makes the first readings high: a lone 429 each few windows until it settles).
    assert pace.stalls <= 3 + windows / 2, (pace.stalls, windows)
    if retry_after:
        # Retry-After honoured, 1 s or 60 s: never a second 429 within one stall.
        assert refused == pace.stalls
