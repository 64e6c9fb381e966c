"""fail_when: a rule over a measure now or its change since the baseline; unknown is said, never a silent pass."""

import re

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_thresholds
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history
from tests.unit.plugins.module_utils.test_fleet_history import START, fleet, report_at, weeks


def with_history(count):
    reports, entries = weeks(count)
    report, devices = reports[-1]
    report["history"] = fleet_history.history(report, devices, entries[:-1])[0]
    return report


def test_a_rise_over_the_limit_fails_and_one_within_does_not():
    report = with_history(2)  # high 2 -> 3, outdated 0 -> 1
    outcomes = fleet_thresholds.evaluate([{"measure": "high", "increase_above": 0},
                                          {"measure": "outdated", "increase_above": 1},
                                          {"measure": "high", "above": 3}], report)
    assert [(o["state"], o["fails"]) for o in outcomes] == [("exceeded", True), ("within", False), ("within", False)]
    assert outcomes[0]["message"] == "high: 3 devices, +1 since the baseline, more than 0"
    assert outcomes[1]["message"] == "outdated: +1, within 1"
    assert fleet_thresholds.failure(outcomes, True) == (
        "fail_when: high: 3 devices, +1 since the baseline, more than 0 (the files were written)")


def test_a_count_above_its_limit_fails():
    outcomes = fleet_thresholds.evaluate([{"measure": "stale", "above": 0}], with_history(2))
    assert outcomes[0]["state"] == "exceeded" and outcomes[0]["message"] == "stale: 2 devices, more than 0"
    assert "check mode: nothing was written" in fleet_thresholds.failure(outcomes, False)


def test_without_a_baseline_an_increase_is_unknown_and_warns_or_fails_as_asked():
    report = with_history(1)
    outcomes = fleet_thresholds.evaluate([{"measure": "high", "increase_above": 0},
                                          {"measure": "medium", "increase_above": 0, "if_unknown": "fail"}], report)
    assert [o["state"] for o in outcomes] == ["unknown", "unknown"]
    assert outcomes[0]["message"] == "fail_when high increase_above 0: not known (first report: no baseline yet)"
    assert fleet_thresholds.warnings(outcomes) == [outcomes[0]["message"] + ": the rule was not checked "
                                                                            "(if_unknown: warn)"]
    assert fleet_thresholds.failure(outcomes, True).startswith(
        "fail_when: fail_when medium increase_above 0: not known")


def test_unanswered_not_known_is_unknown_not_zero():
    report = report_at(START, fleet(0))
    assert not report["unanswered_known"]
    [outcome] = fleet_thresholds.evaluate([{"measure": "unanswered", "above": 0}], report)
    assert outcome["state"] == "unknown" and "unanswered invitations are not known yet" in outcome["message"]
    assert not outcome["fails"]


@pytest.mark.parametrize("rule, message", [
    ({"measure": "hgih", "above": 1}, "fail_when[0].measure: 'hgih' is not one of none, low"),
    ({"measure": "high"}, "fail_when[0]: give one of above or increase_above for high, got neither"),
    ({"measure": "high", "above": 1, "increase_above": 2}, "got above and increase_above"),
    ({"measure": "high", "above": -1}, "fail_when[0].above: must be a count of devices, 0 or more, got -1"),
    ({"measure": "high", "above": 1, "if_unknown": "ignore"}, "fail_when[0].if_unknown: 'ignore' is not one of"),
    ("high > 3", "fail_when[0]: expected a rule such as"),
])
def test_a_bad_rule_is_refused_naming_it(rule, message):
    with pytest.raises(UserError, match=re.escape(message)):
        fleet_thresholds.check_rules([rule])


def test_no_rules_no_outcomes():
    assert fleet_thresholds.evaluate([], with_history(1)) == [] and fleet_thresholds.failure([], True) is None
