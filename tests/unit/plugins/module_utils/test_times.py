"""The one time parser: every form users write and the API sends."""

import datetime

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import times

UTC = datetime.timezone.utc


@pytest.mark.parametrize("raw,expected", [
    ("02/22/2023 02:22:20", "2023-02-22T02:22:20Z"),
    ("2023-02-22T02:22:20Z", "2023-02-22T02:22:20Z"),
    ("2023-02-22T02:22:20.123+00:00", "2023-02-22T02:22:20Z"),
    ("2023-02-22T04:22:20+02:00", "2023-02-22T02:22:20Z"),
    ("2023-02-22 02:22:20", "2023-02-22T02:22:20Z"),
    ("2023-02-22T02:22:20", "2023-02-22T02:22:20Z"),
    ("Wed, 22 Feb 2023 02:22:20 +0000", "2023-02-22T02:22:20Z"),
    (1677032540, "2023-02-22T02:22:20Z"),
    (1677032540000, "2023-02-22T02:22:20Z"),
    ("1677032540", "2023-02-22T02:22:20Z"),
    ("No data", None), ("no data", None), (None, None), ("", None), ("n/a", None), ("soon", None), (False, None),
])
def test_times_in_every_recorded_form(raw, expected):
    assert times.iso_utc(times.parse(raw)) == expected


def test_time_bounds_accept_iso_us_dates_epoch_and_ages():
    now = datetime.datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
    assert times.bound("24h", "updated_from", now) == datetime.datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert times.bound("7d", "x", now) == datetime.datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
    assert times.bound("30m", "x", now) == datetime.datetime(2026, 11, 23, 11, 30, tzinfo=UTC)
    assert times.iso_utc(times.bound("11/23/2026 08:00:00", "x")) == "2026-11-23T08:00:00Z"
    assert times.iso_utc(times.bound("2026-11-23T09:00:00+01:00", "x")) == "2026-11-23T08:00:00Z"
    assert times.bound(None, "x") is None and times.bound(" ", "x") is None
    with pytest.raises(ValueError, match="updated_from: 'yesterday' is not a time"):
        times.bound("yesterday", "updated_from")


def test_bounds_take_epoch_milliseconds_and_name_every_form_when_refused():
    assert times.iso_utc(times.bound("1677032540000", "from")) == "2023-02-22T02:22:20Z"
    with pytest.raises(ValueError) as err:
        times.bound("last tuesday", "status_during.from")
    assert "status_during.from: 'last tuesday' is not a time" in str(err.value)
    assert "epoch milliseconds" in str(err.value) and "24h" in str(err.value)
    assert "epoch seconds" not in str(err.value)


def test_a_window_must_start_before_it_ends():
    start, end = times.window("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "from", "to")
    assert times.epoch_ms(end) - times.epoch_ms(start) == 86400000
    with pytest.raises(ValueError, match="from: 2026-11-02 is not before to 2026-11-01"):
        times.window("2026-11-02", "2026-11-01", "from", "to")


def test_within_compares_whole_seconds_and_no_time_is_outside_every_window():
    start = datetime.datetime(2026, 11, 1, tzinfo=UTC)
    assert times.within(start.replace(microsecond=500000), start, None)
    assert not times.within(None, None, None)
    assert times.within(start, None, start) and not times.within(start, None, start, end_inclusive=False)


def test_times_are_parsed_in_times_py_alone():
    """One parser: no other shipped file reads a time itself (a second parser drifts: another form accepted in
    one place and not in the next)."""
    import os
    import re as regex
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
    own = os.path.join("plugins", "module_utils", "times.py")
    found = []
    for top in ("plugins", "roles", "extensions"):
        for directory, _dirs, names in os.walk(os.path.join(root, top)):
            for name in names:
                path = os.path.join(directory, name)
                if name.endswith(".py") and not path.endswith(own):
                    with open(path, encoding="utf-8") as handle:
                        if regex.search(r"strptime|fromisoformat|parsedate", handle.read()):
                            found.append(os.path.relpath(path, root))
    assert found == []


def test_the_token_lifetime_and_retry_after_take_every_form_times_reads():
    from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_session import token_expiry
    from ansible_collections.secops.mobile_security.plugins.module_utils.http_transport import parse_retry_after
    for written in ("1970-01-01T00:10:00.000Z", "1970-01-01 00:10:00", "Thu, 01 Jan 1970 00:10:00 +0000",
                    "1970-01-01T01:10:00+01:00"):
        assert token_expiry({"expires": written}, 0.0) == 600.0, written
    assert parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now=784111777) == 10.0
    assert parse_retry_after("1994-11-06T08:49:47Z", now=784111777) == 10.0
    assert parse_retry_after("soon") is None
