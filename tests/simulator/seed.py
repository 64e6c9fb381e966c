"""Seed data: a group tree, devices with mixed status/risk/OS, alerts and audits."""

import random
import time

from .store import ROOT_GROUP_NAME

SEVERITIES = ("NONE", "LOW", "MEDIUM", "HIGH")
# Alerts also come as Critical on the live service (field notes); the simulator renders the words.
ALERT_SEVERITIES = SEVERITIES + ("CRITICAL",)
AUDIT_MODULES = ("Policy", "Devices", "Settings", "Login")
# A fleet's clients: most on the newest release, a tail on older ones (weights are shares in percent).
CLIENT_VERSIONS = (("3.8.7.4212", 55), ("3.8.6.3920", 25), ("3.8.5.3101", 12), ("3.7.2.1888", 8))
DAY_MS = 86400 * 1000


def seed(store, devices=0, alerts=0, audits=0, groups=None, rng_seed=1, email_domain="seed.example.com"):
    """Create data; ``groups`` is a list of names created under ALL (default Seed-0..Seed-4)."""
    rng = random.Random(rng_seed)
    group_names = groups if groups is not None else ["Seed-%d" % i for i in range(5)]
    for name in group_names:
        if not store.group_by_name(name):
            store.add_group(name)
    now = int(time.time() * 1000)
    # Registration details come from their own stream: the main one's draws (and so every existing test's
    # devices, risks and statuses) stay as they were.
    detail = random.Random(rng_seed * 1000003 + 17)
    created = []
    for i in range(int(devices)):
        os_type = rng.choice(("Android", "IOS"))
        status = rng.choice((-1, 0, 1, 1, 1, 4))
        extra = {
            "os_type": os_type,
            "os_version": rng.choice(("13", "14", "15")) if os_type == "Android" else rng.choice(("16.7", "17.4")),
            "model": rng.choice(("Pixel 8", "Galaxy S23")) if os_type == "Android" else "iPhone15,2",
            "device_type": os_type,
            "client_version": "3.8.%d.%04d" % (rng.randint(0, 9), rng.randint(0, 9999)),
            "mdm_uuid": "mdm-%06d" % i if rng.random() < 0.5 else None,
            "last_connection_ms": now - rng.randint(0, 7 * 86400 * 1000) if status == 1 else None,
            "status_since_ms": now - rng.randint(86400 * 1000, 30 * 86400 * 1000),
        }
        mail_sent = registration(detail, status, extra, now)
        device_groups = [rng.choice(group_names)] if group_names else [ROOT_GROUP_NAME]
        device_id = store.add_device("Seed User %d" % i, "user%d@%s" % (i, email_domain),
                                     "+1555%07d" % i, device_groups, status=status,
                                     risk=rng.choice((0, 0, 1, 2, 3)), extra=extra, send_reg_email=mail_sent)
        created.append(device_id)
    for i in range(int(alerts)):
        store.add_alert(make_alert(rng, i, created))
    for i in range(int(audits)):
        when = time.gmtime(time.time() - (audits - i) * 60)
        module = rng.choice(AUDIT_MODULES)
        store.add_audit(time.strftime("%Y-%m-%d %H:%M:%S", when), module, {
            "category": "Configuration", "event_details": "Changed setting %d" % i,
            "event_details_params": {"index": i}, "module": module, "severity": rng.choice(SEVERITIES[1:]),
            "admin_user": "admin@seed.example.com", "time": time.strftime("%Y-%m-%d %H:%M:%S", when)})
    return {"devices": created, "counts": store.counts()}


def registration(rng, status, extra, now):
    """A registration history that fits the status; sets the client and last connection in ``extra`` and returns
    whether the invitation mail was sent. Devices never registered (processing, user notified) have neither a
    client nor a connection; active ones connected lately (a few over a month ago); inactive ones months ago."""
    if status in (-1, 0):
        extra["client_version"] = None
        extra["last_connection_ms"] = None
        # User notified means the invitation went out; a few still processing had it sent already.
        return status == 0 or rng.random() < 0.2
    extra["client_version"] = rng.choices([v for v, _w in CLIENT_VERSIONS], [w for _v, w in CLIENT_VERSIONS])[0]
    if status == 1:
        age = rng.randint(0, 6 * DAY_MS) if rng.random() < 0.85 else rng.randint(31 * DAY_MS, 60 * DAY_MS)
    else:
        age = rng.randint(35 * DAY_MS, 180 * DAY_MS)
    extra["last_connection_ms"] = now - age
    # Devices enrolled through an MDM registered without the mail.
    return extra.get("mdm_uuid") is None or rng.random() < 0.5


def add_device_record(store, record):
    """One device with its status history, for tests: ``{"email", "name", "number", "groups", "mail_sent",
    "history": [[status, at_ms], ...]}`` (oldest first; the last entry is the current status, held since its
    time). Without ``history``: ``status`` (default 0) since ``status_since_ms`` (default now)."""
    history = record.get("history") or [[record.get("status", 0), record.get("status_since_ms")]]
    first_status, first_ms = history[0]
    extra = {"mail_sent": record.get("mail_sent", first_status != -1)}
    if first_ms is not None:
        extra["status_since_ms"] = int(first_ms)
    device_id = store.add_device(record.get("name") or record["email"], record["email"], record.get("number"),
                                 record.get("groups"), status=int(first_status), risk=int(record.get("risk", 0)),
                                 extra=extra)
    for status, at_ms in history[1:]:
        store.set_device_state(device_id, status=int(status), at_ms=int(at_ms))
    return str(device_id)


def make_alert(rng, index, device_ids):
    device_id = rng.choice(device_ids) if device_ids else index + 1
    happened = time.time() - rng.randint(0, 30 * 86400)
    return {
        "event": rng.choice(("Malicious app", "Man in the middle", "OS vulnerability")),
        "backend_last_updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(happened + rng.randint(0, 3600))),
        "details": "Seeded alert %d" % index,
        "severity": rng.choice(ALERT_SEVERITIES),
        "event_timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(happened)),
        "threat_factors": "seed",
        "attack_vector": rng.choice(("Application", "Network", "Device")),
        "mdm_uuid": None,
        "device_id": str(device_id),
        "email": "user%d@seed.example.com" % index,
        "number": "", "name": "Seed User %d" % index, "device_rooted": rng.random() < 0.1,
        "client_version": "3.8.1.0001", "device_model": "Pixel 8", "os_version": "14",
    }
