"""Bad input across all modules: a clear error naming the field, a failed task, and no write at the server."""

import datetime
import json
import os

import pytest
import urllib3
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support import SIM_ACCESS_KEY, SIM_COMPANY_KEY, Simulator, run_playbook

HUGE = "x" * 5000
EP = {"platform": "wazuh", "agent_id": "001", "requester_email": "soc@example.com"}

# (module, arguments, text the error must contain: the field's name, and the value where it is not secret)
CASES = [
    ("hm_group", {"name": ""}, "name: must not be empty"),
    ("hm_group", {"name": "a/b"}, "name: 'a/b'"),
    ("hm_group", {"name": HUGE}, "name: is 5000 characters"),
    ("hm_group", {"name": " padded"}, "name: ' padded'"),
    ("hm_group", {"name": "Ventes/Été"}, "name: 'Ventes/Été'"),
    ("hm_group", {"name": "Orphan", "parent": "NoSuchGroup"}, "parent: group 'NoSuchGroup' does not exist"),
    ("hm_group", {"name": "ALL", "state": "absent"}, "name: the root group"),
    ("hm_group", {"name": "X", "state": "gone"}, "state"),
    ("hm_group_hierarchy", {"tree": [{"name": "A", "children": "B"}]}, "tree[0].children"),
    ("hm_group_hierarchy", {"tree": ["Dup", {"name": "P", "children": ["Dup"]}]}, "tree[1].children[0].name: 'Dup'"),
    ("hm_group_hierarchy", {"tree": [{"nam": "A"}]}, "tree[0]: unknown keys nam"),
    ("hm_group_hierarchy", {"tree": [42]}, "tree[0]"),
    ("hm_device", {"email": "not-an-email", "name": "N"}, "email: 'not-an-email'"),
    ("hm_device", {"email": "a@example.com", "name": ""}, "name: must not be empty"),
    ("hm_device", {"email": "a@example.com", "name": HUGE}, "name: is 5000 characters"),
    ("hm_device", {"email": "a@example.com", "name": "N", "groups": ["NoSuchGroup"]},
     "groups: 1 group reference(s) to groups that do not exist: 'NoSuchGroup' (groups, a@example.com)"),
    ("hm_device", {"email": "a@example.com", "name": "N", "groups": {"a": 1}}, "groups"),
    ("hm_device", {"device_id": "../1", "state": "absent"}, "device_id: '../1'"),
    ("hm_device", {"device_id": "١٢٣", "state": "absent"}, "device_id: '١٢٣'"),
    ("hm_device", {"email": "a@example.com", "name": "N", "number": HUGE}, "number: is 5000 characters"),
    ("hm_device_info", {"risk": ["extreme"]}, "risk: 'extreme'"),
    ("hm_device_info", {"status": ["sleeping"]}, "status: 'sleeping'"),
    ("hm_device_info", {"status_during": {"status": "active", "from": "yesterday"}}, "status_during.from: 'yesterday'"),
    ("hm_device_info", {"status_during": {"status": "active", "from": "2026-02-01", "to": "2026-01-01"}},
     "status_during.from: 2026-02-01 is not before status_during.to 2026-01-01"),
    ("hm_device_info", {"limit": 0}, "limit: must be 1 or more"),
    ("hm_device_info", {"groups": ["NoSuchGroup"]}, "groups: group 'NoSuchGroup'"),
    ("hm_device_info", {"email": "bad@"}, "email: 'bad@'"),
    ("hm_device_info", {"device_id": "1?x=1"}, "device_id: '1?x=1'"),
    ("hm_device_registration", {"action": "details", "device_id": "a/b"}, "device_id: 'a/b'"),
    ("hm_device_registration", {"action": "details", "email": "nobody@example.com"}, "email nobody@example.com"),
    ("hm_device_registration", {"action": "resend", "email": "seed@example.com", "send_reg_email": False},
     "send_reg_email"),
    ("hm_device_sync", {"devices": [{"email": "a@example.com", "name": "A"}, {"email": "A@example.com", "name": "B"}]},
     "devices: duplicate emails"),
    ("hm_device_sync", {"devices": [{"email": "a@example.com"}]}, "devices[0].name: must not be empty"),
    ("hm_device_sync", {"devices": [{"email": "a@example.com", "name": "A"}], "concurrency": 0}, "concurrency: 0"),
    ("hm_device_sync", {"devices_file": "/nonexistent/devices.csv"}, "devices_file: '/nonexistent/devices.csv'"),
    ("hm_device_sync", {"devices": [], "purge": True}, "purge_groups"),
    ("hm_device_sync", {"devices": [{"email": "a@example.com", "name": "A", "groups": [HUGE]}]},
     "devices[0].groups[0]: is 5000 characters"),
    ("hm_alert_info", {"since_id": "../1"}, "since_id: '../1'"),
    ("hm_alert_info", {"limit": -1}, "limit: must be 1 or more"),
    ("hm_audit_info", {"from": "yesterday"}, "from: 'yesterday' is not a time"),
    ("hm_audit_info", {"module": " "}, "module: must not be empty"),
    ("hm_group_info", {"access_key": "wrong-access-key-0000"}, "access key"),
    ("hm_group_info", {"client_id": "no-such-client"}, "client_id no-such-client"),
    ("hm_group_info", {"gateway_url": "http://127.0.0.1:9", "retries": 1}, "gateway_url http://127.0.0.1:9"),
    ("hm_group_info", {"gateway_url": "ftp://example.com"}, "gateway_url: 'ftp://example.com'"),
    ("hm_group_info", {"timeout": -1}, "timeout: must be greater than 0"),
    ("hm_group_info", {"retries": -2}, "retries: must be 0 or more"),
    ("hm_group_info", {"gateway_url": "TLS_URL", "validate_certs": True, "retries": 0}, "validate_certs"),
    ("smartpt_action", dict(EP, action="status", company_key="wrong-company-key-000"), "company key"),
    ("smartpt_action", {"platform": "defender", "requester_email": "soc@example.com", "state": "isolated"},
     "agent_id: is required"),
    ("smartpt_action", {"platform": "azuread", "requester_email": "soc@example.com", "state": "blocked"}, "upn: is required"),
    ("smartpt_action", dict(EP, requester_email="soc", action="status"), "requester_email: 'soc'"),
    ("smartpt_action", {"platform": "azuread", "upn": "jdoe", "requester_email": "soc@example.com", "state": "blocked"},
     "upn: 'jdoe'"),
    ("smartpt_action", {"platform": "azuread", "upn": "j@example.com", "requester_email": "soc@example.com", "state": "isolated"},
     "state: 'isolated'"),
    ("smartpt_action", dict(EP, state="isolated", action="isolate"), "state|action"),
    ("smartpt_action", {"platform": "mainframe", "agent_id": "1", "requester_email": "soc@example.com", "action": "status"},
     "platform"),
    ("smartpt_action", dict(EP, api_url="http://127.0.0.1:9", action="status", retries=0), "api_url http://127.0.0.1:9"),
    # Destructive operations act only on what was named, within limits (correctness issue).
    ("hm_group", {"name": "NoSuchGroup", "new_name": "Existing", "state": "absent"},
     "new_name: 'Existing' cannot be used with state=absent"),
    ("hm_group", {"name": "Existing", "parent": "ALL", "state": "absent"}, "parent: 'ALL' cannot be used with state=absent"),
    ("hm_group", {"name": "Existing", "state": "absent"}, "name: these groups still hold devices: Existing (1)"),
    ("hm_group", {"name": "Existing", "force": True}, "force: applies only to state=absent"),
    ("hm_group_hierarchy", {"tree": [], "purge": True}, "tree: empty with purge: true"),
    ("hm_group_hierarchy", {"tree": ["Other"], "purge": True, "max_deletes": "a few"}, "max_deletes: 'a few'"),
    ("hm_group_hierarchy", {"tree": ["Other"], "purge": True, "max_deletes": "0"}, "max_deletes: the run would delete 1"),
    ("hm_device_sync", {"devices": [], "purge": True, "purge_groups": ["Existing"]},
     "devices: empty with purge: true"),
    ("hm_device_sync", {"devices": [{"email": "a@example.com", "name": "A"}], "purge": True,
                        "purge_groups": ["Existing"], "max_deletes": "0"}, "max_deletes: the run would delete 1 of the 1"),
    ("hm_device_sync", {"devices": [{"email": "a@example.com", "name": "A"}], "purge": True,
                        "purge_groups": ["Existing"], "max_deletes": "150%"}, "max_deletes: '150%'"),
    ("hm_device_sync", {"devices": [{"email": "a@example.com", "name": "A"}], "purge_groups": ["Existing"]},
     "purge_groups: Existing is only used with purge: true"),
    # Options that used to be accepted and silently ignored.
    ("hm_device", {"email": "a@example.com", "name": "A", "device_id": "1"}, "device_id: '1' is only used with state=absent"),
    ("hm_device", {"email": "a@example.com", "name": "A", "send_reg_sms": True}, "send_reg_sms: needs number"),
    ("hm_device", {"email": "seed@example.com", "state": "absent", "number": "+15550000"},
     "number: '+15550000' is not used with state=absent"),
    ("hm_device", {"email": "seed@example.com", "state": "absent", "groups": ["Existing"]},
     "groups: ['Existing'] is not used with state=absent"),
    ("hm_device", {"email": "seed@example.com", "state": "absent", "send_reg_email": True},
     "send_reg_email: True is not used with state=absent"),
    ("hm_device", {"email": "seed@example.com", "state": "absent", "send_reg_sms": False},
     "send_reg_sms: False is not used with state=absent"),
    ("hm_device", {"email": "seed@example.com", "state": "absent", "recreate": True},
     "recreate: is not used with state=absent"),
    ("hm_device_registration", {"action": "details", "email": "seed@example.com", "send_reg_sms": True},
     "send_reg_sms: only used with action=resend"),
    ("hm_device_registration", {"action": "mark_email_sent", "email": "seed@example.com", "send_reg_email": True},
     "send_reg_email: only used with action=resend"),
    ("hm_group_info", {"token_cache_path": "/tmp/hm-never-used.json"},
     "token_cache_path: '/tmp/hm-never-used.json' is only used with token_cache: true"),
    ("hm_group_info", {"rate_limit_wait": -1}, "rate_limit_wait: must be 0 or more"),
    ("hm_group_info", {"region": "mars"}, "region: 'mars' is not one of ap, eu, in, us"),
    ("hm_group_info", {"region": "us"}, "region: 'us' and gateway_url: 'http"),
    ("hm_group_info", {"proxy_url": "proxy:3128"}, "proxy_url: 'proxy:3128' is not an http(s) URL"),
    ("hm_alert_info", {"updated_from": "yesterday"}, "updated_from: 'yesterday' is not a time"),
    ("hm_alert_info", {"updated_from": "2026-02-01T00:00:00Z", "updated_to": "2026-01-01T00:00:00Z"},
     "updated_from: 2026-02-01T00:00:00Z is not before updated_to 2026-01-01T00:00:00Z"),
    ("hm_alert_info", {"severity": [""]}, "severity: '' is not a severity word"),
    ("hm_registration_hygiene", {"resend_after_days": -1, "state_file": "/tmp/hm-hygiene-never.json"},
     "resend_after_days: -1 must be a whole number of days"),
    ("hm_registration_hygiene", {"delete_after_days": 3, "state_file": "/tmp/hm-hygiene-never.json"},
     "delete_after_days: 3 must be more than resend_after_days (7)"),
    ("hm_registration_hygiene", {"max_deletes": "ten", "state_file": "/tmp/hm-hygiene-never.json"},
     "max_deletes: 'ten' is not a count"),
    ("hm_registration_hygiene", {}, "state_file: required"),
]


def self_signed(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert_path, key_path


def build_playbook(tls_url, results_path):
    tasks = []
    for index, (module, args, _expected) in enumerate(CASES):
        args = dict((k, tls_url if v == "TLS_URL" else v) for k, v in args.items())
        tasks.append({"name": "case %d: %s" % (index, module), "secops.mobile_security." + module: args,
                      "register": "case_%d" % index, "ignore_errors": True})
    results = "{%s}" % ", ".join("'%d': case_%d" % (i, i) for i in range(len(CASES)))
    tasks.append({"name": "Save results", "ansible.builtin.copy": {
        "content": "{{ %s | to_json }}" % results, "dest": results_path, "mode": "0600"}})
    return [{"hosts": "localhost", "gather_facts": False, "tasks": tasks, "module_defaults": {
        "group/secops.mobile_security.harmony_mobile": {"gateway_url": "{{ sim_url }}"},
        "group/secops.mobile_security.smartpt": {"api_url": "{{ sim_url }}"}}}]


# The test's own control calls to the TLS simulator skip verification; nothing else does.
@pytest.mark.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)
def test_bad_input_table(sim, tmp_path, report):
    assert len(CASES) >= 40
    sim.seed(devices=0, groups=["Existing"])
    sim.api("POST", "/app/SBM/external_api/v2/device/", json={"name": "Seed", "email": "seed@example.com"})
    sim.set_device(1, status=1)
    held = {"name": "Held", "email": "held@example.com", "groups": ["Existing"]}
    sim.api("POST", "/app/SBM/external_api/v2/device/", json=held)
    tls = Simulator(str(tmp_path / "tls"), extra_args=["--tls-cert", "--tls-key"])
    os.makedirs(tls.workdir, exist_ok=True)
    cert, key = self_signed(tls.workdir)
    tls.extra_args = ["--tls-cert", cert, "--tls-key", key]
    tls.start()
    tls.http.verify = False  # only the test's own control calls skip verification; the module must not
    try:
        results_path = str(tmp_path / "results.json")
        playbook = tmp_path / "bad_input.yml"
        playbook.write_text(yaml.safe_dump(build_playbook(tls.url, results_path), allow_unicode=True, width=1000))
        sim.reset_stats()
        result = run_playbook(str(playbook), sim)
        assert result.returncode == 0, result.stdout[-4000:]
        writes = sim.stats().get("writes", 0) + tls.stats().get("writes", 0)
        results = json.load(open(results_path))
    finally:
        tls.stop()
    failures = []
    for index, (module, args, expected) in enumerate(CASES):
        outcome = results[str(index)]
        message = outcome.get("msg", "")
        alternatives = expected.split("|")
        if not outcome.get("failed"):
            failures.append("case %d (%s %s) did not fail" % (index, module, sorted(args)))
        elif not any(alt in message for alt in alternatives):
            failures.append("case %d (%s): %r lacks %r" % (index, module, message[:300], expected))
        text = json.dumps(outcome)
        for secret in (SIM_ACCESS_KEY, SIM_COMPANY_KEY, "wrong-access-key-0000", "wrong-company-key-000"):
            if secret in text:
                failures.append("case %d (%s) shows a secret" % (index, module))
    report("bad input", "%d cases across %d modules (types, empty, emails, unknown groups, ../ ids, unicode, huge, "
           "duplicates, credentials, company key, unreachable, TLS)" % (len(CASES), len(set(c[0] for c in CASES))),
           "all refused clearly, %d writes reached the server" % writes if not failures else "FAILED: %d" % len(failures))
    assert failures == []
    assert writes == 0
