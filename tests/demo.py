"""`make demo`: start the simulator, run the example playbooks against it, show what changed, stop.

Each step runs a real ansible-playbook over HTTP. After each one the demo
prints the playbook's own summary lines and the writes the simulated
tenant received, then the final state.
"""

import os
import re
import shutil
import sys

from tests.support import BUILD_DIR, REPO_ROOT, Simulator, run_playbook

PLAYBOOKS = os.path.join(REPO_ROOT, "playbooks")
REPORTS = os.path.join(BUILD_DIR, "demo", "reports")
RISKY_EMAILS = ("ana.0@example.com", "bo.1@example.com", "chen.2@example.com", "eli.4@example.com")


def make_some_devices_risky(sim):
    """The simulated fleet reports threats: a few enrolled devices go active at high risk."""
    for device in sim.all_devices():
        if device["email"] in RISKY_EMAILS:
            sim.set_device(device["internal_id"], status=1, risk=3)
    print("  (simulator: %s now report risk high)\n" % ", ".join(RISKY_EMAILS))


STEPS = [
    ("Group hierarchy (playbooks/build_groups.yml)", "build_groups.yml", {}),
    ("Same playbook again: nothing to change", "build_groups.yml", {}),
    ("Bulk enrolment from inventory (playbooks/enrol_devices.yml)", "enrol_devices.yml",
     {"inventory": os.path.join(PLAYBOOKS, "inventory", "devices.yml")}),
    ("Isolation response for high-risk devices (playbooks/isolate_risky_devices.yml)", "isolate_risky_devices.yml",
     {"before": make_some_devices_risky}),
    ("Isolation response again: targets already isolated", "isolate_risky_devices.yml", {}),
    ("Weekly fleet report (playbooks/weekly_fleet_report.yml)", "weekly_fleet_report.yml",
     {"extra_vars": {"fleet_report_dest": REPORTS}}),
]


def interesting_lines(output):
    keep = []
    for line in output.splitlines():
        if re.search(r'"msg": |^localhost\s+:|^\[WARNING\]|^fatal|FAILED', line):
            keep.append("    " + line.strip())
    return keep


def writes_between(before, after):
    lines = []
    for route, count in sorted(after["writes_by_route"].items()):
        delta = count - before["writes_by_route"].get(route, 0)
        if delta:
            lines.append("    %5d x %s" % (delta, route))
    return lines or ["    (no writes)"]


def main():
    workdir = os.path.join(BUILD_DIR, "demo")
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    sim = Simulator(workdir).start()
    print("Simulator listening on %s (state in %s)\n" % (sim.url, sim.db_path))
    failed = False
    try:
        for title, playbook, options in STEPS:
            path = os.path.join(PLAYBOOKS, playbook)
            if not os.path.exists(path):
                continue
            print("=== %s" % title)
            if options.get("before"):
                options["before"](sim)
            before = sim.stats()
            result = run_playbook(path, sim, extra_vars=options.get("extra_vars"), inventory=options.get("inventory"),
                                  env={"HM_TOKEN_CACHE_PATH": os.path.join(workdir, "tokens.json")})
            after = sim.stats()
            print("\n".join(interesting_lines(result.stdout)))
            print("  state changes the simulated services received:")
            print("\n".join(writes_between(before, after)))
            print("  API requests: %d, of which logins: %d\n" % (
                after.get("requests", 0) - before.get("requests", 0),
                after.get("token_requests", 0) - before.get("token_requests", 0)))
            if result.returncode != 0:
                print(result.stdout[-4000:])
                failed = True
                break
        state = sim.stats()["state"]
        print("Final simulated tenant: %(groups)d groups (the root group included), %(devices)d devices" % state)
        isolated = [t for t in sim.control("GET", "smartpt") if t["state"] in ("isolated", "blocked")]
        print("SmartPT targets isolated or blocked: %s" % (
            ", ".join("%s:%s" % (t["platform"], t["target"]) for t in isolated) or "none"))
        pages = sorted(name for name in os.listdir(REPORTS) if name.endswith("-fleet-report.html")) \
            if os.path.isdir(REPORTS) else []
        for name in pages:
            print("Weekly fleet report: %s (open it in a browser)" % os.path.join(REPORTS, name))
    finally:
        sim.stop()
        print("Simulator stopped.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
