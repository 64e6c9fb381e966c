# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hm_alerts: Event-Driven Ansible source that emits new Harmony Mobile alerts.

Polls the alerts API (v3) with an id cursor every ``interval`` seconds and puts
one event per new alert on the queue, oldest first: ``{"hm_alert": {...}, "hm_tenant": {...}}``.
``hm_tenant`` names the tenant the alert came from (name, gateway_url, client_id, tenant_id, label; never
the key), so one rulebook can watch several tenants, one source each.
Each alert keeps its raw fields and carries the normalised ones that
hm_alert_info documents (severity_level, event_time, updated_time, is_rooted,
device_internal_id), so rules can match ``event.hm_alert.severity_level``
whatever vocabulary the tenant uses.

Arguments (all optional except the credentials, which may come from the environment):

    region          Infinity Portal region, eu, us, ap or in (HM_REGION); or
    gateway_url     any other gateway (HM_GATEWAY_URL); with neither, the EU gateway
    tenant_name     a name for this source's tenant, shown in every event's hm_tenant; with it set the
                    connection (client_id, access_key, region or gateway_url) must be given here, not
                    taken from HM_* variables or the default region, unless credentials_from_env: true
    client_id       API client id (HM_CLIENT_ID)
    access_key      API access key (HM_ACCESS_KEY)
    validate_certs  verify TLS (HM_VALIDATE_CERTS; default true)
    proxy_url       HTTP(S) proxy (HM_PROXY_URL)
    timeout, retries, rate_limit_wait   as the modules' options of the same names
    interval        seconds between polls (default 60)
    cursor_file     file that keeps the last emitted id across restarts (recommended), with the tenant it
                    belongs to: a cursor file of another tenant is refused (one file per source)
    start           "latest" (default): on the very first start skip existing alerts;
                    "all": emit every existing alert first
    since_id        explicit starting cursor when there is no cursor file
    severity        emit only these severities, a list or a comma-separated string, in any
                    vocabulary and case (high matches HIGH, High, 3); others still advance the cursor
    updated_from    with no stored cursor and no since_id, start from the alerts last updated at or
                    after this time (ISO 8601, MM/DD/YYYY HH:MM:SS, epoch milliseconds, or an age such
                    as 24h); overrides start
    max_backoff     longest wait after repeated errors, in seconds (default 300)

An alert is never emitted twice: the cursor is advanced (and written to
cursor_file) before its event is queued, with no await in between, and
events for ids at or below the cursor are dropped. After an error the
source waits twice interval, then four times, doubling up to max_backoff.

Example rulebook: extensions/eda/rulebooks/isolate_on_high_risk.yml
"""

import asyncio
import hashlib
import json
import logging
import os
import sys

try:
    from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
except ImportError:  # loaded by path: make the collection root importable
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), *([os.pardir] * 7))))
    from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError

from ansible_collections.secops.mobile_security.plugins.module_utils import alerts as alert_shapes
from ansible_collections.secops.mobile_security.plugins.module_utils import clients, log_entries, times
from ansible_collections.secops.mobile_security.plugins.module_utils.files import write_private
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import boolean

LOGGER = logging.getLogger("secops.mobile_security.hm_alerts")


def cursor_owner(tenant):
    """Who a cursor belongs to: a hash of gateway and client id (alert ids are numbered per tenant)."""
    return hashlib.sha256(clients.tenant_key(tenant).encode("utf-8")).hexdigest()[:32]


class CursorStore:
    """The last emitted alert id of one tenant, optionally persisted (atomic replace, mode 0600) as
    ``{"newest_id": N, "tenant": key, "tenant_label": ...}``; a bare number (1.1.0's format) is read as this
    tenant's."""

    def __init__(self, path, tenant):
        self.path = path
        self.tenant = tenant
        self.key = cursor_owner(tenant)

    def load(self):
        if not self.path or not os.path.exists(self.path):
            return None
        with open(self.path) as handle:
            text = handle.read().strip()
        if text.isdigit():
            return int(text)
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        if data.get("tenant") not in (None, self.key):
            raise UserError("cursor_file: %s holds the cursor of another tenant (%s), not of %s; give each "
                            "source its own cursor_file" % (self.path, data.get("tenant_label"), self.tenant["label"]))
        newest = data.get("newest_id")
        return newest if isinstance(newest, int) and not isinstance(newest, bool) else None

    def save(self, value):
        if self.path:
            write_private(self.path, json.dumps({"newest_id": value, "tenant": self.key,
                                                 "tenant_label": self.tenant["label"]}))


def severity_argument(args):
    """(value, name) of the severity filter. `severities` was its name before 1.1.0 (hm_alert_info says
    `severity`); it works until 2.0.0 and logs a deprecation warning."""
    if args.get("severities") is not None:
        if args.get("severity") is not None:
            raise UserError("severity: given together with severities, its deprecated name; keep only severity")
        LOGGER.warning("hm_alerts: the argument severities is deprecated and will be removed in 2.0.0; "
                       "call it severity, as hm_alert_info does")
        return args["severities"], "severities"
    return args.get("severity"), "severity"


class AlertPoller:
    def __init__(self, args):
        def arg(name, default=None):
            value = args.get(name)
            return default if value is None else value

        settings = clients.with_environment(args, clients.HM_ENVIRONMENT)
        settings["credentials_from_env"] = boolean(arg("credentials_from_env", False), "credentials_from_env")
        # A named tenant's connection must come from this source's own arguments, not HM_* of the process.
        clients.check_tenant_settings(settings, args)
        self.settings = settings
        self.client = clients.harmony_mobile_client(settings)
        self.store = CursorStore(arg("cursor_file"), clients.tenant_of(settings))
        self.wanted = alert_shapes.severity_matcher(*severity_argument(args)) or (lambda _alert: True)
        self.updated_from = times.bound(arg("updated_from"), "updated_from")
        self.start = arg("start", default="latest")
        if self.start not in ("latest", "all"):
            raise UserError("start: %r must be latest or all" % self.start)
        stored = self.store.load()
        self.cursor = stored if stored is not None else log_entries.cursor(arg("since_id"), "since_id")

    def fetch_new(self):
        """(new alerts past the cursor oldest first, normalised; highest id read). Blocking: run in a thread."""
        if self.cursor is None and self.updated_from is not None:
            fresh, newest = log_entries.alerts(self.client, updated_from=self.updated_from)
        elif self.cursor is None and self.start == "latest":
            return [], self.client.newest_log_id("alert") or 0
        else:
            fresh, newest = log_entries.alerts(self.client, since_id=self.cursor)
        return [a for a in fresh if log_entries.entry_id(a) is not None], newest

    def tenant(self):
        """This source's tenant for its events (with the token's tenant id once logged in)."""
        return clients.tenant_of(self.settings, self.client)

    def advance(self, alert_id):
        self.cursor = alert_id
        self.store.save(alert_id)


async def main(queue, args):
    poller = AlertPoller(args)
    interval = float(args.get("interval", 60))
    max_backoff = float(args.get("max_backoff", 300))
    failures = 0
    while True:
        try:
            alerts, newest = await asyncio.to_thread(poller.fetch_new)
        except (ApiError, OSError) as err:  # the service or the network; a bug or bad input stops the source
            failures += 1
            delay = min(max_backoff, interval * (2 ** failures))
            LOGGER.warning("hm_alerts: poll failed (%s); retrying in %.1f s", err, delay)
            await asyncio.sleep(delay)
            continue
        failures = 0
        for alert in alerts:
            alert_id = log_entries.entry_id(alert)
            if poller.cursor is not None and alert_id <= poller.cursor:
                continue
            poller.advance(alert_id)
            if poller.wanted(alert):
                await queue.put({"hm_alert": alert, "hm_tenant": poller.tenant()})
        if newest is not None and (poller.cursor is None or newest > poller.cursor):
            # Alerts read but left out (outside the first read's window) are not read again.
            poller.advance(newest)
        await asyncio.sleep(interval)


if __name__ == "__main__":

    class PrintQueue:
        async def put(self, event):
            print(event, flush=True)

    asyncio.run(main(PrintQueue(), {"interval": 10, "start": "all"}))
