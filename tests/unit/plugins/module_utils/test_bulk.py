"""One result shape for every bulk module: items with action/result/error, a summary with fixed keys."""

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk, device_plan
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError


def test_summary_counts_only_what_did_not_fail_and_always_has_every_key():
    items = [bulk.succeeded({"action": "create"}), bulk.failed({"action": "create"}, ApiError("refused")),
             bulk.succeeded({"action": "delete"})]
    assert bulk.summary(items, ("create", "move", "delete"), 4) == {
        "created": 1, "moved": 0, "deleted": 1, "unchanged": 4, "failed": 1}
    assert items[1] == {"action": "create", "result": "failed", "error": "refused"}


def test_check_mode_items_are_planned_and_reports_skipped():
    items = bulk.mark_planned([{"action": "add"}, {"action": "drift"}], device_plan.WRITE_ACTIONS)
    assert [i["result"] for i in items] == ["planned", "skipped"]
    assert bulk.summary(items, device_plan.ITEM_ACTIONS, 0) == {
        "added": 1, "deleted": 0, "recreated": 0, "drifted": 1, "unchanged": 0, "failed": 0}


def test_a_retried_item_loses_its_old_error():
    item = bulk.failed({"action": "add"}, "timeout")
    assert bulk.succeeded(item) == {"action": "add", "result": "ok"}
