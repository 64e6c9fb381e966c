"""Helpers shared by unit, integration, perf and reliability tests."""

import json
import os
import subprocess
import sys
import tempfile
import time

import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD_DIR = os.path.join(REPO_ROOT, ".build")
COLLECTIONS_ROOT = os.path.join(BUILD_DIR, "collections")
SIM_CLIENT_ID = "sim-client-id"
SIM_ACCESS_KEY = "sim-access-key-0123456789"
SIM_COMPANY_KEY = "5f2b5a0c4f0e2d7c8f6a1b3e9d4c7a2b1e0f9d8c7b6a5f4e3d2c1b0a99887766"


def ensure_collection_link():
    """ansible_collections/secops/mobile_security -> the repo, so Ansible and Python can import it."""
    namespace_dir = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "secops")
    link = os.path.join(namespace_dir, "mobile_security")
    os.makedirs(namespace_dir, exist_ok=True)
    if not os.path.islink(link):
        if os.path.exists(link):
            raise RuntimeError("%s exists and is not a symlink" % link)
        os.symlink(REPO_ROOT, link)
    if COLLECTIONS_ROOT not in sys.path:
        sys.path.insert(0, COLLECTIONS_ROOT)
    return COLLECTIONS_ROOT


class Simulator:
    """A simulator process on a free port with its own database file."""

    def __init__(self, workdir=None, extra_args=(), db_path=None):
        self.workdir = workdir or tempfile.mkdtemp(prefix="hm-sim-")
        self.db_path = db_path or os.path.join(self.workdir, "sim.db")
        self.extra_args = list(extra_args)
        self.proc = None
        self.url = None
        self.port = None
        self.http = requests.Session()

    def start(self, port=0):
        cmd = [sys.executable, "-m", "tests.simulator", "--port", str(port), "--db", self.db_path] + self.extra_args
        self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("simulator did not start: %s" % self.proc.stderr.read())
        info = json.loads(line)
        self.url, self.port = info["url"], info["port"]
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self):
        """Stop and start on the same port and database: state survives, tokens do not."""
        port = self.port
        self.stop()
        for _attempt in range(50):
            try:
                return self.start(port)
            except (RuntimeError, ValueError):
                time.sleep(0.1)
        raise RuntimeError("simulator did not restart on port %s" % port)

    def control(self, method, route, body=None):
        response = self.http.request(method, "%s/_sim/%s" % (self.url, route), json=body, timeout=30,
                                     verify=self.http.verify)
        response.raise_for_status()
        return response.json()

    def stats(self):
        return self.control("GET", "stats")

    def reset_stats(self):
        return self.control("POST", "stats/reset")

    def reset(self):
        return self.control("POST", "reset")

    def faults(self, **settings):
        return self.control("POST", "faults", settings)

    def config(self, **settings):
        return self.control("POST", "config", settings)

    def variants(self, **settings):
        """Switch the simulator's choices where the guide is silent; unnamed switches go back to their defaults."""
        return self.control("POST", "config", {"variants": settings})["variants"]

    def seed(self, **settings):
        return self.control("POST", "seed", settings)

    def api(self, method, path, **kwargs):
        """A Harmony Mobile API call with a fresh token, for tests that check state directly."""
        token = self.http.post(self.url + "/auth/external", json={
            "clientId": SIM_CLIENT_ID, "accessKey": SIM_ACCESS_KEY}, timeout=30).json()["data"]["token"]
        response = self.http.request(method, self.url + path, headers={"Authorization": "Bearer " + token},
                                     timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def all_devices(self):
        found, offset = [], 0
        while True:
            page = self.api("GET", "/app/SBM/external_api/v1/device_status/", params={"limit": 100, "offset": offset})
            found += page["objects"]
            offset += len(page["objects"])
            if not page["objects"] or offset >= page["meta"]["total_count"]:
                return found

    def set_device(self, device_id, **state):
        return self.control("POST", "devices/%s" % device_id, state)

    def add_devices(self, records):
        """Devices with a status history (tests/simulator/seed.py add_device_record); returns their ids."""
        return self.control("POST", "device_records", {"devices": records})["ids"]

    def resends(self):
        """Every resend (call 6) the simulated service carried out, oldest first."""
        return self.control("GET", "resends")

    def deletions(self):
        """Every device the simulated service deleted, oldest first."""
        return self.control("GET", "deletions")

    def env(self):
        return {
            "HM_GATEWAY_URL": self.url,
            "HM_CLIENT_ID": SIM_CLIENT_ID,
            "HM_ACCESS_KEY": SIM_ACCESS_KEY,
            "SMARTPT_API_URL": self.url,
            "SMARTPT_COMPANY_KEY": SIM_COMPANY_KEY,
        }


def one_line(text):
    """Ansible output with every run of white space as one space: the default callback wraps long messages
    and warnings at the terminal width, so a phrase can span lines."""
    return " ".join(text.split())


def ansible_env(sim=None, extra=None):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": ensure_collection_link(),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_STDOUT_CALLBACK": "default",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_ROLES_PATH": os.path.join(REPO_ROOT, "roles"),
        "PYTHONPATH": REPO_ROOT,
    })
    if sim is not None:
        env.update(sim.env())
    env.update(extra or {})
    return env


def playbook_command(playbook, sim=None, extra_vars=None, args=(), inventory=None):
    inventory = inventory or os.path.join(REPO_ROOT, "tests", "integration", "inventory.ini")
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, playbook]
    variables = dict(extra_vars or {})
    if sim is not None:
        variables.setdefault("sim_url", sim.url)
    if variables:
        cmd += ["-e", json.dumps(variables)]
    return cmd + list(args)


def start_playbook(playbook, sim=None, extra_vars=None, args=(), env=None, inventory=None):
    """ansible-playbook in the background, in its own process group (so a test can kill all of it)."""
    return subprocess.Popen(playbook_command(playbook, sim, extra_vars, args, inventory), cwd=REPO_ROOT,
                            env=ansible_env(sim, env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def run_playbook(playbook, sim=None, extra_vars=None, args=(), env=None, inventory=None, timeout=600):
    """Run ansible-playbook for real; returns the CompletedProcess (stdout+stderr merged)."""
    return subprocess.run(playbook_command(playbook, sim, extra_vars, args, inventory), cwd=REPO_ROOT,
                          env=ansible_env(sim, env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, check=False)


ONE_TASK_PLAY = """
- name: %(title)s
  hosts: localhost
  gather_facts: false
  tasks:
    - name: %(task)s
      secops.mobile_security.%(module)s:
"""


def one_task_play(title, module):
    """The start of a playbook on localhost whose first task, named ``title`` in lower case, runs the collection's
    ``module``: the module's options (8 spaces in) and the task's keywords (6 spaces in) follow."""
    return ONE_TASK_PLAY % {"title": title, "task": title.lower(), "module": module}


SIM_PLAY = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/secops.mobile_security.harmony_mobile:
      gateway_url: "{{ sim_url }}"
%(defaults)s  tasks:
"""


def sim_play(path, tasks, defaults=()):
    """Writes at ``path`` a playbook on localhost whose modules reach the simulator (``sim_url``, which run_playbook
    sets) through module_defaults, then ``tasks`` (YAML, 4 spaces in); ``defaults``: more module_defaults, each a
    "key: value" line. Returns the path as a string."""
    path.write_text(SIM_PLAY % {"defaults": "".join("      %s\n" % line for line in defaults)} + tasks)
    return str(path)


SYNC_PLAYBOOK = one_task_play("Sync", "hm_device_sync") + """        devices: "{{ devices }}"
%(options)s%(keywords)s      register: synced
    - name: hand over
      ansible.builtin.copy:
        content: "{{ synced | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""


def sync_playbook(path, options=(), keywords=()):
    """A playbook that runs hm_device_sync on the variable ``devices`` and saves its result to ``out``.

    ``options``: extra module arguments, ``keywords``: task keywords, each a "key: value" line.
    """
    path.write_text(SYNC_PLAYBOOK % {"options": "".join("        %s\n" % line for line in options),
                                     "keywords": "".join("      %s\n" % line for line in keywords)})
    return str(path)
