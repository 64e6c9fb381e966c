"""Fleet report benchmark: the weekly report of a large tenant beside the full-list task, in the same run, under
each reading of call 5 (docs/api-notes.md, "Call 5 - two readings"), without and with what issue 35 added (the
history, the baseline and the hygiene's record), and the report task's peak memory.

Run: .venv/bin/python -m tests.perf.bench_fleet_report [--devices 20000] [--latency-ms 50] [--repeats 3]
     [--readings entered,in-status] [--history 3] [--memory-only]
     (make perf runs it after the other benchmarks)
     Memory at 100,000 devices: --devices 100000 --latency-ms 0 --repeats 1 --readings entered --memory-only
The simulator holds every answer --latency-ms (the WAN profile of bench_wan.py). Before anything is timed, at no
latency, the benchmark makes the history a weekly report would find: --history earlier reports in a history_dir
(each dated a week before the next) and a registration hygiene run's resend record (hm_registration_hygiene
reminding every invitation waiting a week or more; the reminders dated five days ago, every third of those users
registered the day after). For each reading (the
simulator's ``status_reading`` switch) each attempt times, one after the other, hm_device_info reading every device
(full records: the full-list task), hm_fleet_report writing the page, CSV and JSON of the same tenant (plain), and
hm_fleet_report with that history_dir (a fresh copy each attempt: the newest entry is the baseline, the trend
reads them all) and the ``hygiene`` option (reminder effectiveness and the next run's preview); it counts the
requests each sends. Task times come from tests/perf/callback_plugins/task_timer.py; peak memory is the largest
resident set of the report run's processes (ansible-playbook, its worker, the module: ru_maxrss of the run,
which Linux reports for the process and the descendants it waited for). The targets: a report within 1.3x of the
full-list task's time (the median of each attempt's own ratio: this VM's speed drifts over minutes), at most 1.25x
its requests, and under 1 GB at 100,000 devices. It asserts nothing.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time

from tests.integration.test_fleet_report_history import age_newest
from tests.perf.bench_enrolment import PERF_DIR
from tests.perf.bench_wan import LIST_PLAYBOOK, figures, median
from tests.support import REPO_ROOT, Simulator, ansible_env, playbook_command

REPORT_PLAYBOOK = """
- name: Report
  hosts: localhost
  gather_facts: false
  tasks:
    - name: report
      secops.mobile_security.hm_fleet_report:
        dest: %(dest)s
%(options)s      register: bench_report
    - name: count
      ansible.builtin.assert:
        that: bench_report.report.total == %(count)d
"""
HYGIENE_PLAYBOOK = """
- name: Hygiene
  hosts: localhost
  gather_facts: false
  tasks:
    - name: hygiene
      secops.mobile_security.hm_registration_hygiene:
        state_file: %(state_file)s
        resend_every_days: %(every)d
"""
TIME_TARGET = 1.3
REQUEST_TARGET = 1.25
MEMORY_TARGET_MB = 1000.0
RESEND_EVERY_DAYS = 3
REMINDED_DAYS_AGO = 5


def run(sim, workdir, text, name):
    """ansible-playbook on ``text``: (the timed task's seconds, requests sent, peak resident set in MB)."""
    playbook = os.path.join(workdir, name + ".yml")
    with open(playbook, "w") as handle:
        handle.write(text)
    timings = os.path.join(workdir, name + ".timings.json")
    env = {"ANSIBLE_CALLBACK_PLUGINS": os.path.join(PERF_DIR, "callback_plugins"),
           "ANSIBLE_CALLBACKS_ENABLED": "task_timer", "TASK_TIMER_FILE": timings,
           "HM_TOKEN_CACHE_PATH": os.path.join(workdir, "tokens.json")}
    sim.reset_stats()
    with open(os.path.join(workdir, name + ".log"), "w") as log:
        proc = subprocess.Popen(playbook_command(playbook, sim), cwd=REPO_ROOT, env=ansible_env(sim, env),
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        # wait4's rusage covers the run and every process it waited for (worker, module): ru_maxrss is the
        # largest of them, in kB on Linux.
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        with open(log.name) as handle:
            sys.exit("%s failed:\n%s" % (name, handle.read()[-5000:]))
    with open(timings) as handle:
        seconds = sum(t["seconds"] for t in json.load(handle) if t["name"] in ("list", "report"))
    return seconds, sim.stats()["requests"], usage.ru_maxrss / 1024.0


def options_text(options):
    return "".join("        %s: %s\n" % (key, json.dumps(value)) for key, value in options.items())


def report_text(dest, count, options=None):
    return REPORT_PLAYBOOK % {"dest": dest, "count": count, "options": options_text(options or {})}


def prepare_history(sim, workdir, devices, earlier):
    """``earlier`` reports in a history_dir, each dated a week before the next, and the hygiene's resend record
    (every invitation waiting a week or more reminded, dated REMINDED_DAYS_AGO days ago). Returns the report's
    options that read them."""
    history = pathlib.Path(workdir) / "history"
    for week in range(earlier):
        run(sim, workdir, report_text(os.path.join(workdir, "earlier"), devices, {"history_dir": str(history)}),
            "earlier_%d" % week)
        # The entry just kept, dated as a weekly run left it: the oldest ``earlier`` weeks ago, the newest (the
        # baseline) one week ago.
        age_newest(history, 7 * (earlier - week))
    state_file = os.path.join(workdir, "hygiene", "resends.json")
    run(sim, workdir, HYGIENE_PLAYBOOK % {"state_file": state_file, "every": RESEND_EVERY_DAYS}, "hygiene")
    with open(state_file) as handle:
        record = json.load(handle)
    reminded_at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(
        days=REMINDED_DAYS_AGO)
    reminded = 0
    for tenant in record["tenants"].values():
        for entry in tenant.values():
            entry["resent"] = reminded_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            reminded += 1
    with open(state_file, "w") as handle:
        json.dump(record, handle)
    # Every third reminded user registers the day after the reminder: the report reads who registered when.
    registered_at = int(reminded_at.timestamp() * 1000) + 86400 * 1000
    for resend in sim.resends()[::3]:
        sim.set_device(resend["device_id"], status=1, at_ms=registered_at)
    next_run = (datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
                + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(history), {"state_file": state_file, "resend_every_days": RESEND_EVERY_DAYS,
                          "delete_after_days": 60, "next_run": next_run}, reminded


def measure(sim, workdir, devices, repeats, reading, history, hygiene, memory_only):
    sim.variants(status_reading=reading)
    found = {"list": [], "plain": [], "full": []}
    for attempt in range(repeats):
        if not memory_only:
            found["list"].append(run(sim, workdir, LIST_PLAYBOOK % {"count": devices, "options": ""},
                                     "list_%s_%d" % (reading, attempt)))
        dest = os.path.join(workdir, "reports-%s" % reading)
        found["plain"].append(run(sim, workdir, report_text(dest, devices), "report_%s_%d" % (reading, attempt)))
        kept = os.path.join(workdir, "history-%s-%d" % (reading, attempt))
        shutil.copytree(history, kept)
        dest = os.path.join(workdir, "featured-%s" % reading)
        found["full"].append(run(sim, workdir, report_text(dest, devices, {"history_dir": kept, "hygiene": hygiene}),
                                 "featured_%s_%d" % (reading, attempt)))
    sim.variants()
    return found


def page_size(directory):
    page = [n for n in os.listdir(directory) if n.endswith(".html")][0]
    return os.path.getsize(os.path.join(directory, page)) / 1e6


def ratio_row(reading, what, short, reports, lists):
    seconds = [r[0] for r in reports]
    list_seconds = [r[0] for r in lists]
    paired = [r / l for r, l in zip(seconds, list_seconds)]
    print("| call 5 read as `%s`: hm_fleet_report, %s | %s | %.2f s | %.2fx, the median of the attempts' own ratios "
          "(%s) | <= %.1fx: %s |" % (reading, what, figures(seconds), median(list_seconds), median(paired),
                                     "/".join("%.2f" % r for r in paired), TIME_TARGET,
                                     "met" if median(paired) <= TIME_TARGET else "not met"))
    report_requests = [r[1] for r in reports]
    list_requests = [r[1] for r in lists]
    asked = max(report_requests) / float(min(list_requests))
    print("| call 5 read as `%s`: requests, %s against the full list | %s | %d | %.2fx (the report's most "
          "against the list's fewest) | <= %.2fx: %s |" % (
              reading, short, "/".join(str(n) for n in report_requests), min(list_requests), asked,
              REQUEST_TARGET, "met" if asked <= REQUEST_TARGET else "not met"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=20000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--readings", default="entered,in-status")
    parser.add_argument("--history", type=int, default=3, help="earlier reports in the history_dir")
    parser.add_argument("--memory-only", action="store_true",
                        help="time and measure the report tasks only, without the full-list task")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="hm-fleet-")
    sim = Simulator(workdir).start()
    results = {}
    try:
        started = time.perf_counter()
        # Simulator.seed waits 30 s; 100,000 devices take longer to seed on this machine.
        sim.http.post(sim.url + "/_sim/seed", json={"devices": args.devices, "rng_seed": 7},
                      timeout=3600).raise_for_status()
        history, hygiene, reminded = prepare_history(sim, workdir, args.devices, args.history)
        prepared = time.perf_counter() - started
        sim.config(latency_ms=args.latency_ms)
        for reading in args.readings.split(","):
            results[reading] = measure(sim, workdir, args.devices, args.repeats, reading, history, hygiene,
                                       args.memory_only)
        plain_size = page_size(os.path.join(workdir, "reports-%s" % reading))
        full_size = page_size(os.path.join(workdir, "featured-%s" % reading))
    finally:
        sim.stop()
    print("Fleet report, %d devices, every answer held %.0f ms" % (args.devices, args.latency_ms))
    print("machine: %s, %d cores, Python %s, load %.1f" % (
        platform.machine(), os.cpu_count(), platform.python_version(), os.getloadavg()[0]))
    print("with history: %d earlier weekly reports in history_dir (the newest the baseline), the hygiene's record of "
          "%d reminders dated %d days ago (a third registered a day later), resend_every_days %d (prepared in %.0f s, "
          "not timed)" % (
              args.history, reminded, REMINDED_DAYS_AGO, RESEND_EVERY_DAYS, prepared))
    print()
    if not args.memory_only:
        print("| %d devices at %.0f ms per answer | task | beside | ratio | target |" % (
            args.devices, args.latency_ms))
        print("|---|---|---|---|---|")
        for reading, found in results.items():
            print("| call 5 read as `%s`: hm_device_info, every device, full records (the full-list task) | %s, "
                  "%s requests | | | |" % (reading, figures([r[0] for r in found["list"]]),
                                           "/".join(str(r[1]) for r in found["list"])))
            ratio_row(reading, "plain (page + CSV + JSON written)", "plain", found["plain"], found["list"])
            ratio_row(reading, "with history, baseline and hygiene (the weekly report)", "with history", found["full"],
                      found["list"])
        print()
    print("| %d devices: peak memory of the report task's run | plain | with history, baseline and hygiene | "
          "target |" % args.devices)
    print("|---|---|---|---|")
    for reading, found in results.items():
        peak = max(r[2] for r in found["plain"] + found["full"])
        print("| call 5 read as `%s` | %s MB | %s MB | < %.0f MB: %s |" % (
            reading, "/".join("%.0f" % r[2] for r in found["plain"]), "/".join("%.0f" % r[2] for r in found["full"]),
            MEMORY_TARGET_MB, "met" if peak < MEMORY_TARGET_MB else "not met"))
    print()
    print("page: %.2f MB plain, %.2f MB with history and hygiene (lists capped at 50 rows each; every flagged device "
          "is in the CSV)" % (plain_size, full_size))


if __name__ == "__main__":
    main()
