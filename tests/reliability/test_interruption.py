"""Kill ansible-playbook at random points of a bulk enrolment; every re-run converges."""

import os
import random
import signal
import subprocess
import time

from tests.reliability.conftest import SIZES
from tests.reliability.support import desired_devices, tenant_problems, write_inputs
from tests.support import run_playbook, start_playbook

DEVICE_POSTS = "POST /app/sbm/external_api/v2/device"
GROUP_POSTS = "POST /app/sbm/external_api/v1/groups"


def kill_tree(pid):
    """SIGKILL a process and all its descendants. Ansible starts each module in a session of its own,
    so killing ansible-playbook's process group alone would leave the module running."""
    table = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    children = {}
    for line in table.splitlines():
        child, parent = (int(x) for x in line.split())
        children.setdefault(parent, []).append(child)
    doomed, todo = [], [pid]
    while todo:
        current = todo.pop()
        doomed.append(current)
        todo.extend(children.get(current, []))
    for victim in doomed:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass


def kill_after_writes(sim, playbook, variables, route, writes):
    """Start the enrolment, SIGKILL it and its module once `writes` writes of `route` landed in this run."""
    sim.reset_stats()
    proc = start_playbook(playbook, sim, args=["-e", variables])
    deadline = time.time() + 120
    while proc.poll() is None and time.time() < deadline:
        if sim.stats().get("writes_by_route", {}).get(route, 0) >= writes:
            kill_tree(proc.pid)
            proc.wait()
            return True
        time.sleep(0.005)
    proc.communicate()
    return False


def test_kill_at_random_points_then_rerun_converges(sim, tmp_path, report):
    devices = desired_devices(SIZES["interrupt_devices"], tag="kill")
    playbook, variables = write_inputs(tmp_path, devices)
    rng = random.Random(20261122)
    # Every answer takes 50 ms, so the kill lands close to the chosen point instead of after the batch.
    sim.faults(rate_slow=1.0, slow_seconds=0.05)
    killed_at = []
    if kill_after_writes(sim, playbook, variables, GROUP_POSTS, rng.randint(3, 20)):
        killed_at.append(("groups", sim.stats()["state"]["groups"]))
    for _point in range(SIZES["kill_points"]):
        remaining = len(devices) - len(sim.all_devices())
        if remaining < 8:
            break
        if kill_after_writes(sim, playbook, variables, DEVICE_POSTS, rng.randint(1, max(1, remaining // 6))):
            killed_at.append(("devices", len(sim.all_devices())))
    sim.faults(rate_slow=0.0)
    final = run_playbook(playbook, sim, args=["-e", variables])
    assert final.returncode == 0, final.stdout[-5000:]
    sim.reset_stats()
    rerun = run_playbook(playbook, sim, args=["-e", variables])
    rerun_writes = sim.stats().get("writes", 0)
    problems = tenant_problems(sim, devices)
    report("interruption", "SIGKILL of ansible-playbook and its module at %d points of a %d-device enrolment (%s)"
           % (len(killed_at), len(devices), ", ".join("%s %d" % point for point in killed_at)),
           "survived: re-run converged, next re-run wrote 0" if not problems and rerun_writes == 0
           else "FAILED: %s" % problems)
    # at least five kills that left the enrolment unfinished
    assert sum(1 for kind, present in killed_at if kind == "groups" or present < len(devices)) >= 5, killed_at
    assert problems == []
    assert rerun.returncode == 0 and rerun_writes == 0
