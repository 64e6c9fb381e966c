"""The collection against every plausible form of the live service (tests/simulator/variants.py).

One 250-device tenant with a page cap of 50, 237 alerts and 120 audits, read and written through real
ansible-playbook, ansible-inventory and the EDA source under each simulator profile. Together the
profiles use every value of every switch; "evidence" is the simulator's default.
"""

import asyncio
import datetime
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from tests.simulator.variants import PROFILES
from tests.support import REPO_ROOT, ansible_env, run_playbook

PLAYBOOK = os.path.join(REPO_ROOT, "tests", "integration", "targets", "fidelity.yml")
SOURCE = os.path.join(REPO_ROOT, "extensions", "eda", "plugins", "event_source", "hm_alerts.py")
LEVELS = ("none", "low", "medium", "high", "critical")
BASE = datetime.datetime(2026, 3, 1, 8, 0, 0, tzinfo=datetime.timezone.utc)
ALERTS = 237


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def truth_alerts():
    """What the service knows about each alert, posted in one tidy form; the simulator shapes it per variant."""
    alerts = []
    for i in range(ALERTS):
        updated = None if i % 11 == 5 else BASE + datetime.timedelta(minutes=i, seconds=30)
        alerts.append({
            "level": LEVELS[i % 5],
            "event": BASE + datetime.timedelta(minutes=i),
            "updated": updated,
            "rooted": i % 4 == 0,
            "device_id": str(i % 250 + 1),
        })
    return alerts


def load_source():
    spec = importlib.util.spec_from_file_location("hm_alerts_fidelity", SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_alert(alert, truth):
    assert alert["severity_level"] == truth["level"], alert
    assert str(alert["severity"]).lower() == truth["level"], alert
    for field, raw_field, moment in (("event_time", "event_timestamp", truth["event"]),
                                     ("updated_time", "backend_last_updated", truth["updated"])):
        if alert[raw_field] in (None, "No data"):
            assert alert[field] is None, alert
        else:
            assert alert[field] == iso(moment), (field, alert)
    assert alert["is_rooted"] is truth["rooted"], alert
    assert alert["device_internal_id"] == truth["device_id"], alert


def inventory(sim, config):
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", str(config),
                             "--list"], env=ansible_env(sim), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout, object_hook=lambda o: o["__ansible_unsafe"] if list(o) == ["__ansible_unsafe"] else o)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_tenant_under_every_variant(sim, tmp_path, profile):
    variants = PROFILES[profile]
    sim.seed(devices=250, audits=120, rng_seed=5)
    truth = truth_alerts()
    sim.control("POST", "alerts", {"alerts": [{
        "severity": t["level"].upper(), "event": "Malicious app", "details": "fidelity %d" % i,
        "event_timestamp": iso(t["event"]), "backend_last_updated": iso(t["updated"]),
        "device_rooted": t["rooted"], "device_id": t["device_id"], "policy_name": "Default",
    } for i, t in enumerate(truth)]})
    seeded = sim.all_devices()
    sim.config(max_page_size=50)
    sim.variants(**variants)

    known = seeded[:20]
    sync_devices = [{"email": d["email"].upper(), "name": d["name"], "number": d["number"],
                     "groups": [g["name"] for g in d["groups"]]} for d in known]
    sync_devices += [{"email": "New.User%d@Example.com" % i, "name": "New User %d" % i, "groups": ["Seed-2"]}
                     for i in range(10)]
    seeded_user = seeded[30]
    window_from, window_to = BASE + datetime.timedelta(minutes=100), BASE + datetime.timedelta(minutes=150)
    result_file = tmp_path / "results.json"
    run = run_playbook(PLAYBOOK, sim, extra_vars={
        "token_cache_path": str(tmp_path / "tokens.json"), "result_file": str(result_file),
        "seeded_upper_email": seeded_user["email"].upper(), "seeded_name": seeded_user["name"],
        "seeded_group": seeded_user["groups"][0]["name"], "sync_devices": sync_devices,
        "window_from": iso(window_from), "window_to": iso(window_to).replace("T", " ").rstrip("Z"),
    })
    assert run.returncode == 0, run.stdout[-6000:]
    got = json.loads(result_file.read_text())

    # Devices: one per user whatever the case of the e-mail; every page read.
    assert got["add"]["changed"] is True
    assert got["same_lower"]["changed"] is False and got["same_lower"]["drift"] == []
    assert got["same_upper"]["changed"] is False and got["same_upper"]["drift"] == []
    assert got["same_upper"]["device"]["id"] == seeded_user["internal_id"]
    assert got["sync"] == {"added": 10, "deleted": 0, "recreated": 0, "drifted": 0, "unchanged": 20, "failed": 0}
    assert got["sync_again"]["added"] == 0 and got["sync_changed"] is False
    assert got["registration"]["email"] == "Ana.Lima@Example.com"
    assert len(got["devices"]) == 261
    assert len(got["deleted"]) == 1
    sim.variants(**dict(variants, device_groups="present"))
    after = sim.all_devices()
    sim.variants(**variants)
    emails = [d["email"].lower() for d in after]
    assert len(after) == 260 and len(set(emails)) == 260
    by_id = dict((d["internal_id"], d) for d in after)
    for device in got["devices"]:
        if device["id"] in by_id:
            assert device["groups"] == sorted(g["name"] for g in by_id[device["id"]]["groups"]), device

    # Alerts: every one, in id order, raw fields kept and normalised ones exact.
    alerts = got["alerts"]
    assert [a["id"] for a in alerts] == list(range(1, ALERTS + 1))
    for alert, expected in zip(alerts, truth):
        check_alert(alert, expected)
    assert all(a["policy_name"] == "Default" for a in alerts)
    assert got["severe"] == [i + 1 for i, t in enumerate(truth) if t["level"] in ("high", "critical")]
    assert got["window"] == [i + 1 for i, t in enumerate(truth)
                             if t["updated"] is not None and window_from <= t["updated"] <= window_to]
    # ansible-core 2.16 renders a lone integer in a templated dict as a string, 2.19 keeps it an integer.
    assert int(got["audits"]) == 120

    # Inventory: every device, groups from the records or, where they lack them, from the group lists.
    config = tmp_path / "hm.yml"
    config.write_text("plugin: secops.mobile_security.hm_devices\nhostname: email\n")
    data = inventory(sim, config)
    assert sorted(data["_meta"]["hostvars"]) == sorted(d["email"] for d in after)
    for device in after:
        for group in device["groups"]:
            name = "hm_group_" + group["name"].replace("-", "_")
            assert device["email"] in data[name]["hosts"], (device["email"], name)

    # EDA source: every alert once, in order, normalised, across every page.
    hm_alerts = load_source()

    async def read_all():
        queue = asyncio.Queue()
        task = asyncio.ensure_future(hm_alerts.main(queue, {
            "gateway_url": sim.url, "client_id": "sim-client-id", "access_key": "sim-access-key-0123456789",
            "interval": 0.1, "start": "all", "severity": "high, CRITICAL"}))
        events = []
        try:
            while len(events) < len(got["severe"]):
                events.append(await asyncio.wait_for(queue.get(), 30))
            await asyncio.sleep(0.5)
            assert queue.empty()
        finally:
            task.cancel()
        return [e["hm_alert"] for e in events]

    events = asyncio.run(read_all())
    assert [e["id"] for e in events] == got["severe"]
    for event in events:
        check_alert(event, truth[event["id"] - 1])
