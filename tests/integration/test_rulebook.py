"""The shipped rulebook under a real ansible-rulebook, against alerts shaped as the live service sends them.

The simulator's defaults are the evidence-based variants: severities in several vocabularies (HIGH, High,
Critical), times in several formats, paging links relative to the app mount. The isolation playbook must
run once for each high or critical alert and for no other, and a restart from the cursor file must run
nothing twice.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from tests.support import REPO_ROOT, ansible_env

RULEBOOK = os.path.join(REPO_ROOT, "extensions", "eda", "rulebooks", "isolate_on_high_risk.yml")
BIN = os.path.dirname(sys.executable)
ALERT_ROUTE = "GET /app/sbm/external_api/v3/alert"
PLAY = "PLAY [Isolate high-risk mobile users' endpoints]"


class Rulebook:
    """ansible-rulebook in the background, its output collected as it comes."""

    def __init__(self, sim, tmp_path):
        (tmp_path / "inventory.yml").write_text(
            "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: %s\n"
            % sys.executable)
        (tmp_path / "vars.yml").write_text("hm_alerts_interval: 0.5\nhm_alerts_cursor_file: %s\n" % (tmp_path / "cursor"))
        env = ansible_env(sim, {"PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
                                "HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")})
        self.sim = sim
        self.output = []
        polls_before = sim.stats()["by_route"].get(ALERT_ROUTE, 0)
        self.proc = subprocess.Popen([os.path.join(BIN, "ansible-rulebook"), "-r", RULEBOOK, "-i",
                                      str(tmp_path / "inventory.yml"), "--vars", str(tmp_path / "vars.yml")],
                                     cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        threading.Thread(target=self._read, daemon=True).start()
        # The source's first read marks where "latest" starts: alerts posted before it are history.
        self.wait_for_polls(polls_before + 1)

    def _read(self):
        for line in self.proc.stdout:
            self.output.append(line)

    def text(self):
        return "".join(self.output)

    def runs(self):
        return self.text().count(PLAY)

    def wait_for_polls(self, count, timeout=90):
        deadline = time.time() + timeout
        while self.sim.stats()["by_route"].get(ALERT_ROUTE, 0) < count:
            assert time.time() < deadline and self.proc.poll() is None, self.text()[-4000:]
            time.sleep(0.2)

    def settle(self, polls=4):
        """Let the source poll a few more times, and any run it started finish."""
        self.wait_for_polls(self.sim.stats()["by_route"].get(ALERT_ROUTE, 0) + polls)
        deadline = time.time() + 120
        while self.text().count(PLAY) != self.text().count("PLAY RECAP") and time.time() < deadline:
            time.sleep(0.2)

    def wait_for_runs(self, count, timeout=180):
        deadline = time.time() + timeout
        while self.text().count("PLAY RECAP") < count:
            assert time.time() < deadline and self.proc.poll() is None, self.text()[-4000:]
            time.sleep(0.3)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def post(sim, alerts):
    return sim.control("POST", "alerts", {"alerts": alerts})["ids"]


@pytest.mark.skipif(not os.path.exists(os.path.join(BIN, "ansible-rulebook")) or shutil.which("java") is None,
                    reason="ansible-rulebook needs its package and a Java runtime")
def test_rulebook_isolates_once_per_high_or_critical_alert_and_resumes_from_its_cursor(sim, tmp_path):
    assert sim.variants()["alert_shape"] == "recorded" and sim.variants()["paging_links"] == "app-relative"
    sim.config(max_page_size=3)  # several pages per poll, followed by app-relative links
    device_id = sim.api("POST", "/app/SBM/external_api/v2/device/", json={
        "name": "Ana", "email": "ana.0@example.com"})["device_id"]
    sim.set_device(device_id, status=1, risk=3)
    post(sim, [{"severity": "Critical", "event": "old", "email": "ana.0@example.com"}])

    rulebook = Rulebook(sim, tmp_path)
    try:
        rulebook.settle(polls=2)
        assert rulebook.runs() == 0, "an alert from before the first start must not trigger the response"
        alerts = [
            {"severity": "High", "event_timestamp": "02/22/2023 02:22:20", "device_rooted": "False"},
            {"severity": "Low", "event_timestamp": "2023-02-22T02:23:00Z"},
            {"severity": "Critical", "event_timestamp": "No data", "device_id": 7},
            {"severity": "Medium", "backend_last_updated": "02/22/2023 02:25:00"},
            {"severity": "NONE", "event_timestamp": None},
            {"severity": "HIGH", "device_rooted": True, "device_id": "7"},
            {"severity": "Informational"},
            {"severity": "Catastrophic"},
            {"severity": "critical", "event_timestamp": "2023-02-22T04:22:20+02:00"},
        ]
        ids = post(sim, [dict(a, event="new", email="ana.0@example.com") for a in alerts])
        expected = sum(1 for a in alerts if a["severity"].lower() in ("high", "critical"))
        rulebook.wait_for_runs(expected)
        rulebook.settle()
        assert rulebook.runs() == expected, rulebook.text()[-4000:]
    finally:
        rulebook.stop()
    states = {(t["platform"], t["target"]): t["state"] for t in sim.control("GET", "smartpt")}
    assert states == {("wazuh", "001"): "isolated"}, rulebook.text()[-4000:]
    assert json.loads((tmp_path / "cursor").read_text())["newest_id"] == ids[-1]

    # A restart reads on from the cursor: nothing runs again until a new high alert comes.
    rulebook = Rulebook(sim, tmp_path)
    try:
        rulebook.settle()
        assert rulebook.runs() == 0, rulebook.text()[-4000:]
        post(sim, [{"severity": "Low", "event": "later"}, {"severity": "Critical", "event": "later"}])
        rulebook.wait_for_runs(1)
        rulebook.settle()
        assert rulebook.runs() == 1, rulebook.text()[-4000:]
    finally:
        rulebook.stop()
