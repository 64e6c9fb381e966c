"""The weekly registration hygiene job as AWX runs it on a remote execution node: the job template of
extensions/awx/README.md, only the credential type's environment, and the private data directory streamed
through ansible-runner transmit | worker | process. The events that come back must say what a direct run says."""

import json
import os
import sys

from tests.integration.awx_stream import run_streamed
from tests.integration.test_awx_runner import assert_clean, credentials_env, run_job
from tests.integration.test_examples import AWX_README, yaml_blocks
from tests.integration.test_registration_hygiene import fleet
from tests.support import COLLECTIONS_ROOT, REPO_ROOT, SIM_ACCESS_KEY

ACTION = "secops.mobile_security.hm_registration_hygiene"


def weekly_tasks():
    play = next(b[0] for b in yaml_blocks(AWX_README) if isinstance(b, list) and b[0].get("name") == "Weekly Harmony Mobile jobs")
    return {t["name"]: t for t in play["tasks"]}


def job_environment(sim):
    """Only what the credential types inject: this test run's own HM_*/SMARTPT_* are blanked, as on a node."""
    envvars = dict(credentials_env(sim), ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT,
                   ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    for key in list(os.environ):
        if key.startswith(("HM_", "SMARTPT_")):
            envvars.setdefault(key, "")
    return envvars


def test_the_weekly_templates_name_existing_playbooks_and_weekly_schedules():
    tasks = weekly_tasks()
    hygiene = tasks["Job template for the weekly registration hygiene"]["awx.awx.job_template"]
    assert os.path.exists(os.path.join(REPO_ROOT, hygiene["playbook"]))
    report = tasks["Job template for the weekly fleet report"]["awx.awx.job_template"]
    # Written on another branch; the template names the variables that playbook reads.
    assert report["playbook"] == "playbooks/weekly_fleet_report.yml"
    assert sorted(report["extra_vars"]) == ["fleet_report_dest", "fleet_report_history_dir", "fleet_report_stale_days",
                                            "fleet_report_unanswered_days"]
    schedules = [t["awx.awx.schedule"] for t in tasks.values() if "awx.awx.schedule" in t]
    assert sorted(s["unified_job_template"] for s in schedules) == sorted([hygiene["name"], report["name"]])
    assert all("RRULE:FREQ=WEEKLY;" in s["rrule"] for s in schedules)


def test_the_hygiene_job_streamed_to_an_execution_node_reports_what_a_direct_run_does(sim, tmp_path, monkeypatch):
    bin_dir = os.path.dirname(sys.executable)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ.get("PATH", ""))
    fleet(sim)
    template = weekly_tasks()["Job template for the weekly registration hygiene"]["awx.awx.job_template"]
    state = tmp_path / "state" / "resends.json"
    extravars = dict(template["extra_vars"], registration_hygiene_state_file=str(state))
    playbook = os.path.join(REPO_ROOT, template["playbook"])
    envvars = job_environment(sim)

    def streamed(name, cmdline=None):
        job = run_streamed(str(tmp_path / name), playbook, extravars=extravars, envvars=envvars, cmdline=cmdline)
        assert job.status == "successful" and job.rc == 0, job.stderr[-3000:]
        assert not job.stats["failures"] and not job.stats["dark"]
        assert SIM_ACCESS_KEY not in json.dumps(job.events)
        return job

    # The same job type Check, run directly and streamed: the same plan comes back, and nothing is written.
    runner, events, stats = run_job(tmp_path, "direct", playbook, sim, extravars, cmdline="--check --diff")
    assert_clean(runner, events, stats)
    direct = [e["event_data"]["res"] for e in events if e["event"] == "runner_on_ok"
              and e["event_data"].get("task_action") == ACTION][0]
    job = streamed("check", cmdline="--check --diff")
    plan = job.results(ACTION)[0]
    for key in ("devices", "summary", "waiting", "diff", "window_enforced", "predicted"):
        assert plan[key] == direct[key], key
    assert [(i["action"], i["email"], i["result"]) for i in plan["devices"]] == [
        ("resend", "week@example.com", "planned"), ("resend", "month@example.com", "planned"),
        ("resend", "quarter@example.com", "planned"), ("resend", "other@example.com", "planned")]
    assert sim.stats().get("writes", 0) == 0 and sim.resends() == []
    assert os.path.exists(os.path.join(job.artifacts, "stdout")) and len(job.events) > 5

    # Run for real on the execution node, then once more as next week's schedule would within the week.
    job = streamed("run")
    assert job.stats["changed"] == {"localhost": 1}
    assert job.results(ACTION)[0]["summary"] == {"resent": 4, "deleted": 0, "unchanged": 0, "failed": 0}
    assert sorted(r["email"] for r in sim.resends()) == sorted(i["email"] for i in plan["devices"])
    assert state.exists()
    job = streamed("again")
    assert job.stats["changed"] == {} and job.results(ACTION)[0]["summary"]["unchanged"] == 4
    assert len(sim.resends()) == 4


def test_the_report_job_streamed_to_an_execution_node_writes_what_a_direct_run_writes(sim, tmp_path, monkeypatch):
    bin_dir = os.path.dirname(sys.executable)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ.get("PATH", ""))
    sim.seed(devices=150, groups=["EMEA", "AMER"], rng_seed=3)
    template = weekly_tasks()["Job template for the weekly fleet report"]["awx.awx.job_template"]
    playbook = os.path.join(REPO_ROOT, template["playbook"])
    envvars = job_environment(sim)
    reports = {}
    for name in ("direct", "streamed"):
        extravars = dict(template["extra_vars"], fleet_report_dest=str(tmp_path / name / "reports"),
                         fleet_report_history_dir=str(tmp_path / name / "history"))
        if name == "direct":
            runner, events, stats = run_job(tmp_path, name, playbook, sim, extravars)
            assert_clean(runner, events, stats)
            results = [e["event_data"]["res"] for e in events if e["event"] == "runner_on_ok"
                       and e["event_data"].get("task_action") == "secops.mobile_security.hm_fleet_report"]
        else:
            job = run_streamed(str(tmp_path / name / "job"), playbook, extravars=extravars, envvars=envvars)
            assert job.status == "successful" and job.rc == 0, job.stderr[-3000:]
            assert SIM_ACCESS_KEY not in json.dumps(job.events)
            results = job.results("secops.mobile_security.hm_fleet_report")
        assert len(results) == 1
        reports[name] = results[0]
        # The page, the CSV and the JSON are where the job template says, and the JSON is the result's numbers.
        files = results[0]["files"]
        assert {key: os.path.splitext(files[key])[1] for key in ("html", "csv", "json")} == {
            "html": ".html", "csv": ".csv", "json": ".json"}
        assert all(os.path.isfile(f) for f in files.values())
        with open(files["json"], encoding="utf-8") as handle:
            written = json.load(handle)
        assert written["counts"] == results[0]["report"]["counts"]
    direct, streamed = reports["direct"]["report"], reports["streamed"]["report"]
    for key in ("total", "counts", "risk", "funnel"):
        assert streamed[key] == direct[key], key
    assert streamed["total"] == 150
