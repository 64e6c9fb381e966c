"""Fleet report history benchmark: what one week's history entry of a large tenant weighs, beside the full report
the history kept before entries existed.

Run: .venv/bin/python -m tests.perf.bench_fleet_history [--devices 100000] [--weeks 4]
The tenant is the simulator's seed (tests/simulator/seed.py: its mix of statuses, risks, clients and connection
ages) in a store of its own, read without HTTP (what is measured is the files, not the reads). Each week a share
of devices changes risk, connection and client; each week's report is computed from the previous week's entry as
its baseline, its entry written as hm_fleet_report writes it (compact JSON). The target is an entry under 5 MB
per week at 100,000 devices. It asserts nothing.
"""

import argparse
import datetime
import json
import os
import platform
import random
import tempfile
import time

from tests.simulator.seed import seed
from tests.simulator.store import Store
from tests.support import ensure_collection_link

TARGET_MB = 5.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=100000)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--churn", type=float, default=0.03, help="share of devices changed each week")
    args = parser.parse_args(argv)
    ensure_collection_link()
    from ansible_collections.secops.mobile_security.plugins.module_utils import devices as device_shapes
    from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_report

    workdir = tempfile.mkdtemp(prefix="hm-history-")
    store = Store(os.path.join(workdir, "sim.db"))
    started = time.monotonic()
    seed(store, devices=args.devices, groups=["Region-%d" % i for i in range(20)], rng_seed=7)
    seeded = time.monotonic() - started
    groups = store.list_groups()
    _total, raw = store.query_devices([], [], 0, args.devices)
    fleet = [device_shapes.normalise(r) for r in raw]
    rng = random.Random(3)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    tenant = {"name": "bench", "gateway_url": "https://gw.example.com", "client_id": "bench", "tenant_id": None,
              "label": "bench"}
    entries, rows = [], []
    for week in range(args.weeks):
        moment = now + datetime.timedelta(days=7 * week)
        if week:
            for device in rng.sample(fleet, int(len(fleet) * args.churn)):
                device.update(risk_name=rng.choice(("none", "low", "medium", "high")),
                              client_version=rng.choice(("3.8.7.4212", "3.7.2.1888")),
                              last_connection=(moment - datetime.timedelta(days=rng.choice((1, 45)))).isoformat())
        started = time.monotonic()
        report = fleet_report.compute(groups, fleet, moment, 30, 7, None, entries[-1] if entries else None, tenant,
                                      set())
        history, _lists = fleet_history.history(report, fleet, entries)
        report["history"] = history
        computed = time.monotonic() - started
        full = len(json.dumps(report, indent=1, sort_keys=True)) + 1
        entry = fleet_history.entry(report, fleet)
        kept = len(json.dumps(entry, sort_keys=True, separators=(",", ":"))) + 1
        entries.append(entry)
        rows.append((week + 1, full, kept, computed, history["changes"]["high"]))
    print("Fleet report history, %d devices (seeded in %.0f s), %d weeks, %.0f%% of devices changed each week" % (
        args.devices, seeded, args.weeks, 100 * args.churn))
    print("machine: %s, %d cores, Python %s" % (platform.machine(), os.cpu_count(), platform.python_version()))
    print()
    print("| week | full report (what history_dir kept before) | history entry (kept now) | target | "
          "report + history computed | new / resolved high risk |")
    print("|---|---|---|---|---|---|")
    for week, full, kept, computed, high in rows:
        print("| %d | %.2f MB | %.2f MB | < %.0f MB: %s | %.2f s | %s |" % (
            week, full / 1e6, kept / 1e6, TARGET_MB, "met" if kept / 1e6 < TARGET_MB else "not met", computed,
            "%d / %d" % (high["new"], high["resolved"]) if high["known"] else "first report"))


if __name__ == "__main__":
    main()
