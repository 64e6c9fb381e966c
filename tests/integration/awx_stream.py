"""A job run the way AWX runs it on a remote execution node: ``ansible-runner transmit`` on the controller packs the
private data directory (project, env/envvars with the injected credentials, env/extravars, env/cmdline) into a
stream, ``ansible-runner worker`` on the node unpacks it into its own directory and runs the job, and
``ansible-runner process`` on the controller turns the events coming back into the job's artifacts."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

RUNNER = os.path.join(os.path.dirname(sys.executable), "ansible-runner")


class StreamedJob:
    """What came back: ``status`` and ``rc`` as AWX records them, every event, and the artifacts directory."""

    def __init__(self, artifacts, stderr):
        self.artifacts = artifacts
        self.stderr = stderr
        self.status = _read(os.path.join(artifacts, "status"))
        rc = _read(os.path.join(artifacts, "rc"))
        self.rc = int(rc) if rc not in (None, "") else None
        self.events = []
        for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
            with open(path, encoding="utf-8") as handle:
                self.events.append(json.load(handle))
        self.events.sort(key=lambda e: e.get("counter", 0))

    @property
    def stats(self):
        return [e for e in self.events if e["event"] == "playbook_on_stats"][-1]["event_data"]

    def results(self, action):
        """The ``res`` of each task that ran ``action`` (its fully qualified name), in order."""
        return [e["event_data"]["res"] for e in self.events if e["event"] in ("runner_on_ok", "runner_on_failed")
                and e["event_data"].get("task_action") == action]


def _read(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read().strip()


def run_streamed(private_data_dir, playbook, extravars=None, envvars=None, cmdline=None, inventory=None,
                 worker_env=None, timeout=600):
    """Run ``playbook`` (a file, copied into the project as AWX syncs a project) through transmit | worker | process.

    ``envvars``: what the job's credentials inject (written to env/envvars, as AWX does); ``worker_env``: the
    execution node's own environment (its PATH finds ansible-playbook). Returns a :class:`StreamedJob`.
    """
    project = os.path.join(private_data_dir, "project")
    env_dir = os.path.join(private_data_dir, "env")
    os.makedirs(project, exist_ok=True)
    os.makedirs(env_dir, exist_ok=True)
    shutil.copy(playbook, project)
    for name, content in (("envvars", envvars), ("extravars", extravars)):
        if content:
            with open(os.path.join(env_dir, name), "w", encoding="utf-8") as handle:
                json.dump(content, handle)
    if cmdline:
        with open(os.path.join(env_dir, "cmdline"), "w", encoding="utf-8") as handle:
            handle.write(cmdline)
    ident = uuid.uuid4().hex
    transmit_cmd = [RUNNER, "transmit", private_data_dir, "-p", os.path.basename(playbook), "-i", ident]
    if inventory:
        transmit_cmd += ["--inventory", inventory]
    node_dir = tempfile.mkdtemp(prefix="awx-node-")
    env = dict(os.environ, **(worker_env or {}))
    with tempfile.TemporaryFile() as errors:
        transmit = subprocess.Popen(transmit_cmd, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL)
        worker = subprocess.Popen([RUNNER, "worker", "--private-data-dir", node_dir, "--delete"], stdin=transmit.stdout,
                                  stdout=subprocess.PIPE, stderr=errors, env=env)
        process = subprocess.Popen([RUNNER, "process", private_data_dir, "-i", ident], stdin=worker.stdout,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        # Only the next process holds each pipe, so a side that stops early is seen by the other.
        transmit.stdout.close()
        worker.stdout.close()
        try:
            for proc in (transmit, worker, process):
                proc.wait(timeout)
        finally:
            for proc in (transmit, worker, process):
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    shutil.rmtree(node_dir, ignore_errors=True)
    return StreamedJob(os.path.join(private_data_dir, "artifacts", ident), stderr)
