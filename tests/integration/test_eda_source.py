"""The hm_alerts event source, driven through its main(queue, args) against the simulator."""

import asyncio
import importlib.util
import json
import os

from tests.support import REPO_ROOT

SOURCE = os.path.join(REPO_ROOT, "extensions", "eda", "plugins", "event_source", "hm_alerts.py")
spec = importlib.util.spec_from_file_location("hm_alerts", SOURCE)
hm_alerts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hm_alerts)


def add_alerts(sim, *severities):
    return sim.control("POST", "alerts", {"alerts": [{"severity": s, "event": "test", "details": "d"}
                                                     for s in severities]})["ids"]


async def collect(queue, count, timeout=10):
    events = []
    while len(events) < count:
        events.append(await asyncio.wait_for(queue.get(), timeout))
    return events


def source_args(sim, tmp_path, **extra):
    args = {"gateway_url": sim.url, "client_id": "sim-client-id", "access_key": "sim-access-key-0123456789",
            "interval": 0.1, "cursor_file": str(tmp_path / "cursor"), "start": "all"}
    args.update(extra)
    return args


def test_three_rounds_each_alert_once_in_order_then_restart_from_cursor(sim, tmp_path):
    async def scenario():
        queue = asyncio.Queue()
        first = add_alerts(sim, "LOW", "HIGH", "MEDIUM", "HIGH", "NONE")
        task = asyncio.ensure_future(hm_alerts.main(queue, source_args(sim, tmp_path)))
        round1 = await collect(queue, 5)
        second = add_alerts(sim, "HIGH", "LOW", "HIGH")
        round2 = await collect(queue, 3)
        third = add_alerts(sim, "MEDIUM", "HIGH")
        round3 = await collect(queue, 2)
        await asyncio.sleep(0.5)  # several more polls: nothing new may appear
        assert queue.empty()
        task.cancel()
        ids = [e["hm_alert"]["id"] for e in round1 + round2 + round3]
        assert ids == first + second + third
        assert json.load(open(tmp_path / "cursor"))["newest_id"] == third[-1]

        # Restart: the stored cursor wins; only alerts added since are emitted.
        queue = asyncio.Queue()
        later = add_alerts(sim, "HIGH")
        task = asyncio.ensure_future(hm_alerts.main(queue, source_args(sim, tmp_path)))
        events = await collect(queue, 1)
        await asyncio.sleep(0.4)
        assert queue.empty()
        task.cancel()
        assert [e["hm_alert"]["id"] for e in events] == later

    asyncio.run(scenario())


def test_start_latest_skips_history_and_severity_filter(sim, tmp_path, caplog):
    # `severities`, the argument's name before 1.1.0, still works and warns.
    async def scenario():
        add_alerts(sim, "HIGH", "HIGH")
        queue = asyncio.Queue()
        task = asyncio.ensure_future(hm_alerts.main(queue, source_args(
            sim, tmp_path, start="latest", severities=["high"], cursor_file=None)))
        await asyncio.sleep(0.4)
        assert queue.empty()
        new = add_alerts(sim, "LOW", "HIGH", "MEDIUM")
        events = await collect(queue, 1)
        await asyncio.sleep(0.4)
        assert queue.empty()
        task.cancel()
        assert [e["hm_alert"]["id"] for e in events] == [new[1]]

    asyncio.run(scenario())
    assert "severities is deprecated" in caplog.text


def test_backs_off_on_errors_then_recovers(sim, tmp_path):
    async def scenario():
        queue = asyncio.Queue()
        sim.faults(rate_500=1.0, paths="/app/")
        sim.reset_stats()
        task = asyncio.ensure_future(hm_alerts.main(queue, source_args(
            sim, tmp_path, interval=0.05, max_backoff=0.4, retries=0)))
        await asyncio.sleep(2.0)
        polls = sim.stats()["by_route"].get("GET /app/sbm/external_api/v3/alert", 0)
        # Without back-off a 0.05 s interval would poll about 40 times in 2 s.
        assert 2 <= polls <= 9, polls
        sim.faults(rate_500=0.0)
        new = add_alerts(sim, "HIGH")
        events = await collect(queue, 1)
        task.cancel()
        assert events[0]["hm_alert"]["id"] == new[0]

    asyncio.run(scenario())


def test_first_read_from_a_time_window_then_by_cursor_and_severities_as_a_string(sim, tmp_path):
    old = {"severity": "High", "event": "old", "backend_last_updated": "01/02/2020 10:00:00"}
    undated = {"severity": "High", "event": "undated", "backend_last_updated": "No data"}
    recent = {"severity": "HIGH", "event": "recent", "backend_last_updated": "2026-01-02T10:00:00Z"}
    low = {"severity": "Low", "event": "recent-low", "backend_last_updated": "01/03/2026 10:00:00"}

    async def scenario():
        queue = asyncio.Queue()
        task = asyncio.ensure_future(hm_alerts.main(queue, source_args(
            sim, tmp_path, updated_from="2025-12-31T00:00:00Z", severity="HIGH")))
        events = await collect(queue, 1)
        await asyncio.sleep(0.4)
        assert queue.empty()
        # Past the first read, the cursor rules: a new alert is emitted whatever its time.
        later = add_alerts(sim, "High")
        events += await collect(queue, 1)
        task.cancel()
        return events, later

    for shape in ("recorded", "guide", "verbatim"):
        sim.reset()
        sim.variants(alert_shape=shape, alert_time_filter="ignored" if shape == "guide" else "honoured")
        ids = sim.control("POST", "alerts", {"alerts": [old, undated, recent, low]})["ids"]
        (tmp_path / "cursor").unlink(missing_ok=True)
        events, later = asyncio.run(scenario())
        assert [e["hm_alert"]["id"] for e in events] == [ids[2], later[0]], shape
        assert all(e["hm_alert"]["severity_level"] == "high" for e in events)
        assert json.load(open(tmp_path / "cursor"))["newest_id"] == later[0]


def test_first_start_at_latest_reads_two_small_pages_not_the_history(sim, tmp_path):
    sim.seed(alerts=750, rng_seed=8)

    async def scenario():
        queue = asyncio.Queue()
        sim.reset_stats()
        task = asyncio.ensure_future(hm_alerts.main(queue, source_args(sim, tmp_path, start="latest")))
        while not (tmp_path / "cursor").exists():
            await asyncio.sleep(0.05)
        first_read = sim.stats()["by_route"].get("GET /app/sbm/external_api/v3/alert", 0)
        new = add_alerts(sim, "High")
        events = await collect(queue, 1)
        task.cancel()
        return first_read, new, events

    first_read, new, events = asyncio.run(scenario())
    assert first_read <= 2
    assert json.load(open(tmp_path / "cursor"))["newest_id"] == new[0]
    assert [e["hm_alert"]["id"] for e in events] == new


def test_connection_settings_are_checked_as_the_modules_check_them(monkeypatch):
    for variable in ("HM_GATEWAY_URL", "HM_REGION", "HM_PROXY_URL"):
        monkeypatch.delenv(variable, raising=False)
    creds = {"client_id": "sim-client-id", "access_key": "sim-access-key-0123456789"}
    for extra, message in (({"region": "mars"}, "region: 'mars' is not one of ap, eu, in, us"),
                           ({"region": "eu", "gateway_url": "https://gw.example.com"}, "are both set"),
                           ({"timeout": 0}, "timeout: must be greater than 0"),
                           ({"proxy_url": "proxy:3128"}, "proxy_url: 'proxy:3128' is not an http(s) URL")):
        try:
            hm_alerts.AlertPoller(dict(creds, **extra))
        except ValueError as err:
            assert message in str(err)
        else:
            raise AssertionError("%r was accepted" % extra)
    monkeypatch.setenv("HM_REGION", "us")
    poller = hm_alerts.AlertPoller(dict(creds))
    assert poller.client.transport.base_url == "https://cloudinfra-gw-us.portal.checkpoint.com"
    assert poller.client.transport.retry_policy.retries == 5  # the modules' default (1.0.0's source used 3)
