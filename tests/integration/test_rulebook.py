"""The shipped rulebook, run by a real ansible-rulebook: a HIGH alert isolates the mapped endpoint."""

import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.support import REPO_ROOT, ansible_env

RULEBOOK = os.path.join(REPO_ROOT, "extensions", "eda", "rulebooks", "isolate_on_high_risk.yml")
BIN = os.path.dirname(sys.executable)


@pytest.mark.skipif(not os.path.exists(os.path.join(BIN, "ansible-rulebook")) or shutil.which("java") is None,
                    reason="ansible-rulebook needs its package and a Java runtime")
def test_high_alert_runs_the_isolation_playbook(sim, tmp_path):
    device_id = sim.api("POST", "/app/SBM/external_api/v2/device/", json={
        "name": "Ana", "email": "ana.0@example.com"})["device_id"]
    sim.set_device(device_id, status=1, risk=3)
    (tmp_path / "inventory.yml").write_text(
        "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: %s\n"
        % sys.executable)
    (tmp_path / "vars.yml").write_text("hm_alerts_interval: 0.5\nhm_alerts_cursor_file: %s\n" % (tmp_path / "cursor"))
    env = ansible_env(sim, {"PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
                            "HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")})
    # The source starts at the latest alert by default, so this one is in the past...
    sim.control("POST", "alerts", {"alerts": [{"severity": "HIGH", "event": "old", "email": "ana.0@example.com"}]})
    proc = subprocess.Popen([os.path.join(BIN, "ansible-rulebook"), "-r", RULEBOOK, "-i",
                             str(tmp_path / "inventory.yml"), "--vars", str(tmp_path / "vars.yml")],
                            cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # The source's first read marks where "latest" starts; alerts posted before it would be history.
        deadline = time.time() + 60
        while time.time() < deadline and not sim.stats()["by_route"].get("GET /app/sbm/external_api/v3/alert"):
            time.sleep(0.2)
        time.sleep(1)
        assert sim.control("GET", "smartpt") == [], "an old alert must not trigger the response"
        # ...and this LOW one does not match the rule; the HIGH one after it does.
        new_alerts = [{"severity": "LOW", "event": "new"},
                      {"severity": "HIGH", "event": "new", "email": "ana.0@example.com"}]
        sim.control("POST", "alerts", {"alerts": new_alerts})
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if sim.control("GET", "smartpt"):
                break
            time.sleep(0.5)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    states = {(t["platform"], t["target"]): t["state"] for t in sim.control("GET", "smartpt")}
    assert states == {("wazuh", "001"): "isolated"}, output[-4000:]
