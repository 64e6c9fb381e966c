"""Cursor arithmetic of alert/audit reads: no entry is ever skipped or read twice across calls."""

from ansible_collections.secops.mobile_security.plugins.module_utils import log_entries


class FakeClient:
    def __init__(self, entries):
        self.entries = entries

    def log_entries(self, kind, query):
        since = query.get("id__gt")
        return [e for e in self.entries if since is None or e["id"] > since]


ALERTS = [{"id": i, "severity": "HIGH" if i % 3 == 0 else "LOW"} for i in range(1, 21)]


def high(entry):
    return entry["severity"] == "HIGH"


def test_cursor_covers_filtered_out_entries():
    entries, newest = log_entries.read(FakeClient(ALERTS), "alert", {}, keep=high)
    assert [e["id"] for e in entries] == [3, 6, 9, 12, 15, 18] and newest == 20


def test_limit_with_filter_never_loses_entries():
    client, cursor, seen = FakeClient(ALERTS), None, []
    for _call in range(10):
        entries, cursor = log_entries.read(client, "alert", {}, since_id=cursor, limit=2, keep=high)
        seen += [e["id"] for e in entries]
    assert seen == [3, 6, 9, 12, 15, 18]


def test_limit_without_filter_and_nothing_new():
    entries, newest = log_entries.read(FakeClient(ALERTS), "alert", {}, since_id=5, limit=3)
    assert [e["id"] for e in entries] == [6, 7, 8] and newest == 8
    assert log_entries.read(FakeClient(ALERTS), "alert", {}, since_id=20, limit=3) == ([], 20)


class IgnoringClient:
    """A service that ignores every filter it is sent."""

    def __init__(self, entries):
        self.entries = entries
        self.queries = []

    def log_entries(self, kind, query):
        self.queries.append(dict(query))
        return list(self.entries)


def test_id_bounds_are_checked_on_every_entry_when_the_service_ignores_them():
    client = IgnoringClient(ALERTS)
    entries, newest = log_entries.read(client, "alert", {}, since_id=15)
    assert [e["id"] for e in entries] == [16, 17, 18, 19, 20] and newest == 20
    entries, newest = log_entries.read(client, "alert", {}, since_id=4, before_id=8)
    assert [e["id"] for e in entries] == [5, 6, 7] and newest == 7
    assert client.queries[-1] == {"id__gt": 4, "id__lt": 8}
    # Nothing past the cursor: the cursor stays where it was.
    assert log_entries.read(client, "alert", {}, since_id=20) == ([], 20)
