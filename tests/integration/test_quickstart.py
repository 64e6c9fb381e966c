"""docs/quickstart.md, followed word for word from a fresh copy of the clone to a user's own playbook.

The copy holds the files git would check out (tracked and new, not ignored), with their timestamps, and the
existing .venv linked in (what `make venv` would have built; the copy's `make venv` then has nothing to do).
The only departure from the page: both terminals get SIM_PORT, so parallel test workers never share a port.
"""

import os
import re
import shutil
import socket
import subprocess

from tests.support import REPO_ROOT, one_line

QUICKSTART = os.path.join(REPO_ROOT, "docs", "quickstart.md")
CSV_EMAILS = ["noa.levi@example.com", "omar.haddad@example.com", "priya.nair@example.com",
              "quinn.baker@example.com", "rosa.ortiz@example.com"]


def blocks(language, section):
    with open(QUICKSTART) as handle:
        text = handle.read()
    part = re.search(r"^## %s\..*?(?=^## |\Z)" % section, text, re.S | re.M).group(0)
    return re.findall(r"```%s\n(.*?)```" % language, part, re.S)


def fresh_copy(target):
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = os.path.join(REPO_ROOT, name)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
            shutil.copy2(source, os.path.join(target, name))
    os.symlink(os.path.join(REPO_ROOT, ".venv"), os.path.join(target, ".venv"))


def clean_env(port):
    """A new user's shell: no collection, venv, credential or Ansible settings from this test run."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(("HM_", "SMARTPT_", "ANSIBLE_", "VIRTUAL_ENV", "PYTHON")))
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    env["HOME"] = env.get("HOME", "/root")
    env["SIM_PORT"] = str(port)
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_quickstart_from_a_fresh_clone_to_your_own_playbook(tmp_path):
    clone = str(tmp_path / "clone")
    fresh_copy(clone)
    env = clean_env(free_port())
    first_terminal, second_terminal = blocks("sh", "2")
    (fleet_playbook,) = blocks("yaml", "4")
    (run_fleet,) = blocks("sh", "4")
    setup, start_sim = first_terminal.strip().splitlines()
    assert (setup, start_sim) == ("make venv", "make sim")

    made = subprocess.run(setup, shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=600,
                          check=False, stdin=subprocess.DEVNULL)
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    sim = subprocess.Popen(start_sim, shell=True, cwd=clone, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        ready = ""
        while '"ready": true' not in ready:
            ready = sim.stdout.readline()
            assert ready or sim.poll() is None, sim.stderr.read()[-2000:]
        with open(os.path.join(clone, "fleet.yml"), "w") as handle:
            handle.write(fleet_playbook)
        script = "set -e\n" + second_terminal + run_fleet
        session = subprocess.run(["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True,
                                 timeout=900, check=False, stdin=subprocess.DEVNULL)
        output = session.stdout + session.stderr
        assert session.returncode == 0, output[-6000:]
    finally:
        os.killpg(sim.pid, 15)
        sim.wait(timeout=30)

    # build_groups: the example tree; enrol_devices: 50 inventory hosts + the 5 CSV rows, in their groups.
    assert "failed=0" in output and "unreachable=0" in output
    assert "devices added 55, deleted 0" in one_line(output)
    # The inventory graph: EMEA holds its sub-groups, which hold the enrolled devices (CSV rows included).
    graph = output[output.index("@hm_group_EMEA:"):]
    assert "|--@hm_group_EMEA_Sales:" in graph and "|  |--@hm_group_EMEA_Sales_UK:" in graph
    assert "noa.levi@example.com" in graph and "omar.haddad@example.com" in graph
    assert "priya.nair@example.com" not in graph  # APAC
    # The user's own playbook read groups, risky devices and alerts.
    assert re.search(r'"msg": "\d+ high or critical alerts"', output)
    assert "PLAY RECAP" in output.split("Look at the fleet")[-1]
