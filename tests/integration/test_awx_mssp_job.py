"""The MSSP job of extensions/awx/README.md as AWX runs it: one job template over every customer.

The project is the README's (its playbook, group vars and layout, word for word from its YAML blocks), the
inventory what an SCM inventory sync exports of the project's tenant inventory (`ansible-inventory --list --export`,
served to the job as AWX serves its inventories, by a script), each customer's key in its own vault-encrypted
file under its own vault id, the job's vault credentials passed as AWX passes them (`--vault-id <customer>@prompt`,
the prompt answered from env/passwords), and the private data directory streamed through
`ansible-runner transmit | worker | process`. Two customers report; the third's gateway is down, so the job fails
(what an AWX error notification fires on) after both pages and the index are written.
"""

import glob
import json
import os
import stat
import subprocess
import sys

import pytest
import yaml

from tests.integration.awx_stream import run_streamed
from tests.integration.test_examples import AWX_README, yaml_blocks
from tests.support import COLLECTIONS_ROOT, Simulator, ensure_collection_link

BIN = os.path.dirname(sys.executable)
CUSTOMERS = ("t01", "t02", "t03")
DEVICES = {"t01": 30, "t02": 45}


def readme_piece(test):
    found = [b for b in yaml_blocks(AWX_README) if test(b)]
    assert len(found) == 1, found
    return found[0]


def mssp_tasks():
    play = readme_piece(lambda b: isinstance(b, list) and b[0].get("name") == "MSSP weekly fleet report")[0]
    return {t["name"]: t for t in play["tasks"]}


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    sim = Simulator(str(tmp_path_factory.mktemp("mssp")), extra_args=["--tenants", str(len(CUSTOMERS))]).start()
    for index, (name, count) in enumerate(sorted(DEVICES.items())):
        sim.control("POST", "seed?tenant=%s" % name, {"devices": count, "rng_seed": 7 + index,
                                                      "email_domain": "%s.example.com" % name})
    sim.control("POST", "tenants/t03", {"fault": "outage"})
    yield sim
    sim.stop()


def customers(sim):
    return dict((t["name"], t) for t in sim.control("GET", "tenants") if t["name"] in CUSTOMERS)


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)


def encrypt(path, vault_id, password, workdir):
    secret = os.path.join(workdir, "vault-%s.txt" % vault_id)
    write(secret, password)
    subprocess.run([os.path.join(BIN, "ansible-vault"), "encrypt", "--vault-id", "%s@%s" % (vault_id, secret),
                    "--encrypt-vault-id", vault_id, path], check=True, capture_output=True, text=True,
                   env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_link()))
    os.unlink(secret)


def project(sim, directory, workdir):
    """The README's project: playbook, tenant inventory (no secrets), group vars, keys/<customer>.yml vaulted."""
    found = customers(sim)
    playbook = readme_piece(lambda b: isinstance(b, list) and any("ansible.builtin.import_playbook" in p for p in b))
    # Beside the project: the streaming copies the job's playbook into it, as AWX's project sync would have.
    write(os.path.join(workdir, "weekly_fleet_report.yml"), yaml.safe_dump(playbook, sort_keys=False))
    group_vars = readme_piece(lambda b: isinstance(b, dict) and "tenant_keys" in b)
    inventory = os.path.join(directory, "inventories", "tenants")
    write(os.path.join(inventory, "inventory.yml"), yaml.safe_dump({"tenants": {"hosts": {n: None for n in found}}}))
    write(os.path.join(inventory, "group_vars", "tenants.yml"), yaml.safe_dump(group_vars))
    for name, tenant in found.items():
        write(os.path.join(inventory, "host_vars", name + ".yml"), yaml.safe_dump({
            "hm_gateway_url": sim.url + tenant["path"]}))
        keys = os.path.join(directory, "keys", name + ".yml")
        write(keys, yaml.safe_dump({"hm_client_id": tenant["client_id"], "hm_access_key": tenant["access_key"]}))
        encrypt(keys, name, "password of " + name, workdir)
    return os.path.join(inventory, "inventory.yml")


def synced_inventory(source, private_data_dir):
    """What an SCM inventory sync imports (ansible-inventory --export), served as AWX serves it, by a script."""
    exported = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", source, "--list", "--export"],
                              check=True, capture_output=True, text=True,
                              env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_link())).stdout
    script = os.path.join(private_data_dir, "inventory", "hosts")
    write(script, "#!/bin/sh\ncat <<'EOF'\n%sEOF\n" % exported, mode=0o700)
    return exported, script


def test_one_template_over_every_customer_with_a_vault_credential_each(sim, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ.get("PATH", ""))
    tasks = mssp_tasks()
    template = tasks["One job template over every customer"]["awx.awx.job_template"]
    source = tasks["Customers from the project's tenant inventory"]["awx.awx.inventory_source"]
    assert template["notification_templates_error"] == [
        tasks["Mail to the on-call team when the job fails"]["awx.awx.notification_template"]["name"]]
    private = tmp_path / "job"
    inventory_file = project(sim, str(private / "project"), str(tmp_path))
    assert inventory_file.endswith(source["source_path"])
    exported, script = synced_inventory(inventory_file, str(private))
    found = customers(sim)
    # The inventory AWX stores holds no key, in the clear or vaulted.
    for tenant in found.values():
        assert tenant["access_key"] not in exported and tenant["client_id"] not in exported
    assert "$ANSIBLE_VAULT" not in exported
    # The job's vault credentials, as AWX passes them: one --vault-id per customer, each prompt answered.
    os.makedirs(private / "env", exist_ok=True)
    write(str(private / "env" / "passwords"), json.dumps(dict(
        (r"Vault password \(%s\):\s*?$" % name, "password of " + name) for name in found)))
    cmdline = " ".join("--vault-id %s@prompt" % name for name in sorted(found))
    envvars = {"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT, "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
               "HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")}
    for key in list(os.environ):
        if key.startswith(("HM_", "SMARTPT_")):
            envvars.setdefault(key, "")
    reports = tmp_path / "reports"
    extravars = dict(template["extra_vars"], fleet_report_dest=str(reports),
                     fleet_report_history_dir=str(tmp_path / "history"))
    job = run_streamed(str(private), str(tmp_path / template["playbook"]), extravars=extravars,
                       envvars=envvars, cmdline=cmdline, inventory=script)

    # t03's gateway is down: the job fails, so the template's error notification fires.
    assert job.status == "failed" and job.rc != 0, job.stderr[-3000:]
    assert sorted(job.stats["failures"]) == ["t03"]
    assert sorted(job.stats["ok"]) == sorted(found)
    written = {}
    for path in glob.glob(str(reports / "*-fleet-report.json")):
        with open(path, encoding="utf-8") as handle:
            report = json.load(handle)
        written[report["tenant"]["name"]] = (report["tenant"]["client_id"], report["total"])
    assert written == dict((name, (found[name]["client_id"], count)) for name, count in DEVICES.items())
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in CUSTOMERS)
    dumped = json.dumps(job.events)
    for tenant in found.values():
        assert tenant["access_key"] not in dumped
    assert "password of" not in dumped
    stats = sim.stats()
    assert stats["cross_tenant"] == 0 and not stats["tenants"]["default"].get("token_requests")
    for name in DEVICES:
        assert stats["tenants"][name].get("token_requests"), name
    assert stat.S_IMODE(os.stat(script).st_mode) == 0o700
