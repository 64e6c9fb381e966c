"""Many-tenant benchmark: the playbooks/tenants baseline over N tenants x M devices from one controller.

Run: .venv/bin/python -m tests.perf.bench_tenants --tenants 20 --devices 200 --latency-ms 50
One simulator serves every tenant (each at its own path, its own credentials and data) with a WAN latency.
Each run starts from empty tenants (every device is added), and is timed as a whole ansible-playbook run.
Beside each figure stands its tenant-count floor, measured in the same run: one tenant alone (the play limited
to one host, on empty data; it pays every one-time cost; the better of two runs) plus, for each further round
the forks need (ceil(tenants / forks) - 1), what one more tenant adds (four tenants with forks 1, less one tenant
alone, over three): what perfect parallelism over the tenants would give.
It asserts nothing: a person reads the figures.
"""

import argparse
import math
import os
import platform
import sys
import tempfile
import time

from tests.integration.test_tenants import BASELINE, customers, write_inventory
from tests.support import Simulator, run_playbook


def devices_of(name, count):
    return [{"email": "user%d@%s.example.com" % (j, name), "name": "User %d" % j, "number": "+1555%07d" % j}
            for j in range(count)]


def timed_run(sim, inventory, forks, limit=None):
    """(seconds, recap line count with failed=0, the simulator's stats) of one baseline run from empty tenants."""
    args = ["--forks", str(forks)] + (["--limit", limit] if limit else [])
    started = time.monotonic()
    done = run_playbook(BASELINE, extra_vars={}, args=args, inventory=inventory,
                        env={"HM_TOKEN_CACHE_PATH": os.path.join(os.path.dirname(inventory), "tokens-%d-%s.json" % (forks, limit))},
                        timeout=3600)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:])
        raise SystemExit("baseline run failed (forks %d)" % forks)
    return seconds, done.stdout.count("failed=0"), sim.stats()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--forks", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="bench-tenants-")
    sim = Simulator(workdir, extra_args=["--tenants", str(args.tenants), "--latency-ms", str(args.latency_ms)]).start()
    try:
        tenants = customers(sim)
        overrides = dict((t["name"], {"tenant_devices": devices_of(t["name"], args.devices)}) for t in tenants)
        inventory = write_inventory(os.path.join(workdir, "inv"), sim, tenants, overrides)

        def fresh():
            sim.reset()  # every tenant empty again (and its stats)

        alone = []
        for _attempt in range(2):
            alone.append(timed_run(sim, inventory, 1, limit=tenants[0]["name"])[0])
            fresh()
        one = min(alone)
        four, _ok, _stats = timed_run(sim, inventory, 1, limit=",".join(t["name"] for t in tenants[:4]))
        work = (four - one) / 3.0
        rows = [("one tenant alone, %d devices, whole run (better of two)" % args.devices,
                 "%.1f s (%.1f s, %.1f s)" % (one, alone[0], alone[1]), ""),
                ("four tenants, forks 1: what one more tenant adds", "(%.1f s - %.1f s) / 3 = %.1f s" % (
                    four, one, work), "")]
        for forks in args.forks:
            fresh()
            seconds, ok_hosts, stats = timed_run(sim, inventory, forks)
            rounds = math.ceil(len(tenants) / float(forks))
            floor = one + (rounds - 1) * work
            per_tenant = stats["tenants"]
            devices = sum(per_tenant[t["name"]]["state"]["devices"] for t in tenants)
            rows.append(("forks %d: %d tenants x %d devices, whole run" % (forks, len(tenants), args.devices),
                         "%.1f s" % seconds, "%.1f s + %d x %.1f s = %.1f s; ratio %.2fx" % (
                             one, rounds - 1, work, floor, seconds / floor)))
            rows.append(("forks %d: tenants ok / devices in the tenants / cross-tenant refusals / API requests" % forks,
                         "%d / %d / %d / %d" % (ok_hosts, devices, stats["cross_tenant"], stats.get("requests", 0)),
                         "%d / %d / 0 /" % (len(tenants), len(tenants) * args.devices)))
        fresh()
    finally:
        sim.stop()

    print("Many-tenant benchmark: %d tenants x %d devices, %.0f ms per answer" % (
        args.tenants, args.devices, args.latency_ms))
    print("machine: %s, %d cores, Python %s" % (platform.machine(), os.cpu_count() or 0, platform.python_version()))
    print()
    print("| measurement | figure | floor |")
    print("|---|---|---|")
    for row in rows:
        print("| %s | %s | %s |" % row)


if __name__ == "__main__":
    main()
