"""Integration: a selection is the same exact set of devices whatever the service does with the filters.

The simulator's ``device_filters`` switch plays a service that reads the guide's filter names (``doc``) or
only Tastypie's (``tastypie``, the guide's names silently ignored); ``status_window`` one that ignores call
5's window. Every selection must return exactly the devices that match, never more.
"""

import json
import os
import time

import pytest

from tests.simulator.variants import VARIANTS
from tests.support import REPO_ROOT, SIM_ACCESS_KEY, SIM_CLIENT_ID, one_line, run_playbook

TARGETS = os.path.join(REPO_ROOT, "tests", "integration", "targets")
API = "/app/SBM/external_api"
RISKS = ("none", "low", "medium", "high")
STATUSES = {"processing": -1, "user_notified": 0, "active": 1, "inactive": 4}


def build_tenant(sim):
    """40 devices, 10 per risk level; statuses cycle; Sales has a sub-group Field. Returns the devices."""
    sim.seed(groups=["Sales", "Support"])
    sales = next(g for g in sim.api("GET", API + "/v1/groups/")["objects"] if g["name"] == "Sales")
    sim.api("POST", API + "/v1/groups/", json={"name": "Field", "parent_id": sales["id"]})
    statuses = list(STATUSES.values())
    long_ago = int((time.time() - 10 * 86400) * 1000)
    made = []
    for i in range(40):
        group = ("Sales", "Field", "Support", "ALL")[(i // 3) % 4]
        body = {"name": "User %d" % i, "email": "u%d@corp.example" % i, "groups": [group]}
        answer = sim.api("POST", API + "/v2/device/", json=body)
        risk, status = i % 4, statuses[(i // 4) % 4]
        # Start everyone's status history 10 days ago, then set the status now.
        sim.set_device(answer["device_id"], status=0, at_ms=long_ago)
        sim.set_device(answer["device_id"], status=status, risk=risk)
        made.append({"id": answer["device_id"], "risk": RISKS[risk], "status": status, "group": group})
    # Two active devices with an inactive spell: 5 to 4 days ago (outside a "last 2 days" window), and since
    # yesterday until now (inside it). Only a service that applies the window tells them apart.
    day = 86400 * 1000
    now = int(time.time() * 1000)
    for index, (start, end) in ((8, (now - 5 * day, now - 4 * day)), (9, (now - day, now - 1000))):
        assert made[index]["status"] == STATUSES["active"]
        sim.set_device(made[index]["id"], status=STATUSES["inactive"], at_ms=start)
        sim.set_device(made[index]["id"], status=STATUSES["active"], at_ms=end)
        made[index]["inactive_recently"] = index == 9
    return made


SELECTIONS = [
    {"risk": ["high"]},
    {"status": ["active"]},
    {"risk": ["medium", "high"]},
    {"risk": ["3"], "status": ["active", "inactive"]},
    {"risk": ["high"], "groups": ["Sales"]},
    {"groups": ["Sales"]},
    {"groups": ["Sales"], "subgroups": False},
    {"risk": ["none"], "status": ["processing"], "groups": ["Support"]},
]


def expected_ids(devices, selection):
    found = []
    for d in devices:
        if "risk" in selection and not any(d["risk"] == r or str(RISKS.index(d["risk"])) == r for r in selection["risk"]):
            continue
        if "status" in selection and d["status"] not in [STATUSES[s] for s in selection["status"]]:
            continue
        if "groups" in selection:
            subtree = {"Sales": {"Sales", "Field"}, "Support": {"Support"}}
            scope = set().union(*(subtree[g] if selection.get("subgroups", True) else {g} for g in selection["groups"]))
            if d["group"] not in scope:
                continue
        found.append(d["id"])
    return found


@pytest.mark.parametrize("device_filters", VARIANTS["device_filters"])
def test_every_selection_returns_exactly_the_matching_devices(sim, tmp_path, device_filters):
    devices = build_tenant(sim)
    sim.variants(device_filters=device_filters)
    out, window_out = tmp_path / "selected.json", tmp_path / "window.json"
    result = run_playbook(os.path.join(TARGETS, "selections.yml"), sim,
                          {"selections": SELECTIONS, "out": str(out), "window_out": str(window_out)})
    assert result.returncode == 0, result.stdout[-6000:]
    answers = json.loads(out.read_text())
    for selection, ids in zip(SELECTIONS, answers):
        assert sorted(ids, key=int) == expected_ids(devices, selection), selection
    assert len(answers[0]) == 10
    text = one_line(result.stdout)
    if device_filters == "tastypie":
        # The service ignored the guide's names: the collection filtered, and said so once per filter.
        assert text.count("the service ignored risk_in") == 1 and text.count("the service ignored status_in") == 1
    else:
        assert "the service ignored" not in text
    window = json.loads(window_out.read_text())
    assert window["enforced"] is True
    assert sorted(window["ids"], key=int) == [d["id"] for d in devices
                                              if d["status"] == 4 or d.get("inactive_recently")]


# A service that ignores the window's bounds (it answers the devices whose status is inactive now), or its status
# (it answers every device of the window): either way the answer is flagged, never wider than inactive now.
@pytest.mark.parametrize("variant,warning", [("ignored", "ignored the time window of status_during"),
                                             ("status-ignored", "ignored the status of status_during")])
def test_a_service_that_ignores_status_windows_is_reported_not_trusted(sim, tmp_path, variant, warning):
    devices = build_tenant(sim)
    sim.variants(status_window=variant)
    out, window_out = tmp_path / "selected.json", tmp_path / "window.json"
    result = run_playbook(os.path.join(TARGETS, "selections.yml"), sim,
                          {"selections": SELECTIONS[:1], "out": str(out), "window_out": str(window_out)})
    assert result.returncode == 0, result.stdout[-6000:]
    window = json.loads(window_out.read_text())
    assert window["enforced"] is False
    assert warning in one_line(result.stdout)
    assert sorted(window["ids"], key=int) == [d["id"] for d in devices if d["status"] == 4]


def test_the_tastypie_variant_answers_as_tastypie_does(sim):
    build_tenant(sim)
    credentials = {"clientId": SIM_CLIENT_ID, "accessKey": SIM_ACCESS_KEY}
    token = sim.http.post(sim.url + "/auth/external", json=credentials, timeout=30).json()
    headers = {"Authorization": "Bearer " + token["data"]["token"]}

    def get(**params):
        return sim.http.get(sim.url + API + "/v1/device_status/", params=params, headers=headers, timeout=30)

    # Unknown names are skipped silently; the Tastypie spellings take codes or names; an unfilterable field is 400.
    assert get(risk_in="3").json()["meta"]["total_count"] == 40
    assert get(risk__in="High").json()["meta"]["total_count"] == 10
    assert get(risk__in="3,2").json()["meta"]["total_count"] == 20
    refused = get(name__icontains="User")
    assert refused.status_code == 400 and refused.json() == {"error": "The 'name' field does not allow filtering."}
    sim.variants(device_filters="doc")
    assert get(risk_in="3").json()["meta"]["total_count"] == 10
    assert get(risk__in="3").json()["meta"]["total_count"] == 40


def test_a_service_whose_group_filter_counts_sub_groups_changes_no_selection(sim, tmp_path):
    # Records without groups: membership comes from the group filter's answers, which here also list the
    # devices of every group below (Field's devices in Sales' answer).
    devices = build_tenant(sim)
    sim.variants(device_groups="absent", group_filter="subtree")
    out, window_out = tmp_path / "selected.json", tmp_path / "window.json"
    result = run_playbook(os.path.join(TARGETS, "selections.yml"), sim,
                          {"selections": SELECTIONS, "out": str(out), "window_out": str(window_out)})
    assert result.returncode == 0, result.stdout[-6000:]
    for selection, ids in zip(SELECTIONS, json.loads(out.read_text())):
        assert sorted(ids, key=int) == expected_ids(devices, selection), selection


def test_a_limit_stops_reading(sim, tmp_path):
    build_tenant(sim)
    sim.seed(devices=400)
    out = tmp_path / "selected.json"
    sim.reset_stats()
    result = run_playbook(os.path.join(TARGETS, "selections.yml"), sim,
                          {"selections": [{"risk": ["high"]}], "limit": 1, "out": str(out)})
    assert result.returncode == 0, result.stdout[-6000:]
    assert len(json.loads(out.read_text())[0]) == 1
    # 440 devices are 5 pages of 100, and the first holds a high-risk device: reading stops there.
    pages = {route: n for route, n in sim.stats()["by_route"].items() if "device_status" in route}
    assert sum(pages.values()) == 1, pages
