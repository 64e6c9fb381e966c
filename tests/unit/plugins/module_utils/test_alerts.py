"""Alert records in every shape recorded from the live service, and the normalised fields beside them."""

import datetime

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import alerts, log_entries, validation

UTC = datetime.timezone.utc


@pytest.mark.parametrize("word,level", [
    ("HIGH", "high"), ("High", "high"), ("high", "high"), (" high ", "high"), ("3", "high"), (3, "high"),
    ("Critical", "critical"), ("CRITICAL", "critical"), ("Very High", "critical"), ("Severe", "critical"),
    ("NONE", "none"), ("No Risk", "none"), ("Info", "none"), ("Informational", "none"),
    ("LOW", "low"), ("Medium", "medium"), ("Moderate", "medium"), ("med", "medium"),
    ("Catastrophic", "Catastrophic"), ("", None), (None, None), (True, None),
])
def test_severity_level_from_any_vocabulary_unknown_words_kept(word, level):
    assert alerts.severity_level(word) == level


@pytest.mark.parametrize("raw,expected", [
    (False, False), (True, True), ("False", False), ("false", False), ("True", True), ("TRUE", True),
    ("0", False), ("1", True), (0, False), (1, True), (None, None), ("maybe", None), (2, None),
])
def test_rooted_never_turns_the_string_false_into_true(raw, expected):
    assert validation.boolean(raw) is expected


def test_normalise_keeps_every_raw_field_and_adds_the_normalised_ones():
    raw = {"id": 7, "severity": "Critical", "event": "Info", "event_timestamp": "02/22/2023 02:22:20",
           "backend_last_updated": "No data", "device_id": 2, "device_rooted": "False", "policy_name": "P",
           "threat_factors": "x", "mdm_uuid": None}
    alert = alerts.normalise(raw)
    assert dict((k, alert[k]) for k in raw) == raw
    assert alert["severity_level"] == "critical"
    assert alert["event_time"] == "2023-02-22T02:22:20Z"
    assert alert["updated_time"] is None
    assert alert["is_rooted"] is False
    assert alert["device_internal_id"] == "2"
    assert alerts.normalise({"device_id": "2"})["device_internal_id"] == "2"
    assert alerts.normalise({})["device_internal_id"] is None


def test_severity_filter_matches_any_vocabulary_case_insensitively():
    keep = alerts.severity_matcher(["HIGH", "critical"])
    sample = [{"severity": s} for s in ("HIGH", "High", "high", "3", "Critical", "CRITICAL", "Medium", "NONE", None)]
    assert [a["severity"] for a in sample if keep(a)] == ["HIGH", "High", "high", "3", "Critical", "CRITICAL"]
    unknown = alerts.severity_matcher(["catastrophic"])
    assert unknown({"severity": "Catastrophic"}) and not unknown({"severity": "High"})


def test_severity_filter_takes_a_string_as_a_list_not_as_letters():
    keep = alerts.severity_matcher("HIGH")
    assert keep({"severity": "High"}) and not keep({"severity": "LOW"})
    keep = alerts.severity_matcher("high, critical")
    assert keep({"severity": "Critical"})
    assert alerts.severity_matcher([]) is None and alerts.severity_matcher(None) is None
    with pytest.raises(ValueError, match="severities: 5"):
        alerts.severity_matcher([5], "severities")
    with pytest.raises(ValueError, match="expected a list"):
        alerts.severity_matcher({"a": 1})


def test_window_filters_and_the_same_window_on_our_side():
    start = datetime.datetime(2023, 2, 22, 2, 0, 0, tzinfo=UTC)
    end = datetime.datetime(2023, 2, 22, 3, 0, 0, tzinfo=UTC)
    assert log_entries.alert_window(start, end) == {"backend_last_updated__gte": "2023-02-22T02:00:00Z",
                                                    "backend_last_updated__lte": "2023-02-22T03:00:00Z"}
    assert log_entries.alert_window(None, None) == {} and alerts.window_matcher(None, None) is None
    keep = alerts.window_matcher(start, end)
    inside = ["02/22/2023 02:00:00", "2023-02-22T02:30:00Z", "2023-02-22T03:00:00.400+00:00", "02/22/2023 03:00:00"]
    outside = ["02/22/2023 01:59:59", "2023-02-22T03:00:01Z", "No data", None, "garbage"]
    assert all(keep({"backend_last_updated": t}) for t in inside)
    assert not any(keep({"backend_last_updated": t}) for t in outside)
    only_from = alerts.window_matcher(start, None)
    assert only_from({"backend_last_updated": "2030-01-01T00:00:00Z"})
