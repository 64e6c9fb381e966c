"""HTTP server for the Harmony Mobile and SmartPT simulator.

Run ``python -m tests.simulator --port 0 --db /tmp/sim.db``: it prints one
JSON line with the bound port once it is ready to serve. Control routes
under ``/_sim/`` (stats, faults, seed, state changes) exist for tests.
"""

import argparse
import collections
import json
import math
import os
import random
import secrets
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import harmony, smartpt
from .faults import FaultPlan
from .seed import add_device_record, seed
from .store import Store, StoreError
from . import tenants as tenancy
from .variants import DEFAULTS as VARIANT_DEFAULTS, checked as checked_variants, parse_cli as parse_variants

DEFAULT_CLIENT_ID = "sim-client-id"
DEFAULT_ACCESS_KEY = "sim-access-key-0123456789"
DEFAULT_COMPANY_KEY = "5f2b5a0c4f0e2d7c8f6a1b3e9d4c7a2b1e0f9d8c7b6a5f4e3d2c1b0a99887766"


class Simulator:
    def __init__(self, db_path, client_id=DEFAULT_CLIENT_ID, access_key=DEFAULT_ACCESS_KEY,
                 company_key=DEFAULT_COMPANY_KEY, token_ttl=3600.0, max_page_size=100, faults=None, variants=None):
        self.db_path = db_path
        self.client_id = client_id
        self.access_key = access_key
        # Tenants by name; the default one is the single tenant of earlier versions. Which tenant a request
        # works on is bound per handler thread (use_tenant), so the API routes keep reading `sim.store`.
        self.tenants = collections.OrderedDict()
        self.tenants_lock = threading.Lock()
        self._bound = threading.local()
        self.add_tenant(tenancy.DEFAULT_TENANT, client_id, access_key)
        self.company_key = company_key
        self.token_ttl = float(token_ttl)
        self.max_page_size = int(max_page_size)
        self.faults = FaultPlan(**(faults or {}))
        self.opaque_status = False
        self.variants = dict(VARIANT_DEFAULTS, **checked_variants(variants))
        self.base_url = ""  # set by make_server, for full-URL paging links
        self.latency = 0.0
        self.rate_limiter = RateLimiter(0)
        self.tokens = {}
        self.issued_tokens = set()
        self.token_tenant = {}
        self.stats_lock = threading.Lock()
        self.reset_stats()

    # ---- tenants --------------------------------------------------------
    def add_tenant(self, name, client_id, access_key):
        with self.tenants_lock:
            if name in self.tenants:
                raise StoreError(400, "tenant %s exists" % name)
            if any(t.client_id == client_id for t in self.tenants.values()):
                raise StoreError(400, "client id %s belongs to another tenant" % client_id)
            index = len(self.tenants)
            path = self.db_path if index == 0 else tenancy.db_path_for(self.db_path, name)
            tenant = tenancy.Tenant(name, client_id, access_key, Store(path, id_base=index * tenancy.ID_STRIDE), index)
            self.tenants[name] = tenant
            return tenant

    def tenant(self, name=None):
        if name is None:
            return self.tenants[getattr(self._bound, "name", None) or tenancy.DEFAULT_TENANT]
        if name not in self.tenants:
            raise StoreError(404, "no tenant %s" % name)
        return self.tenants[name]

    def use_tenant(self, name):
        self._bound.name = self.tenant(name).name if name else None

    @property
    def store(self):
        return self.tenant().store

    def count_tenant(self, name, *keys):
        with self.stats_lock:
            for key in keys:
                self.stats_by_tenant[name][key] += 1

    def reset_stats(self):
        with self.stats_lock:
            self.stats_by_tenant = collections.defaultdict(collections.Counter)
            self.stats = collections.Counter()
            self.stats_by_route = collections.Counter()
            self.writes_by_route = collections.Counter()

    def count(self, *keys):
        with self.stats_lock:
            for key in keys:
                self.stats[key] += 1

    def snapshot(self):
        with self.stats_lock:
            data = dict(self.stats)
            data["by_route"] = dict(self.stats_by_route)
            data["writes_by_route"] = dict(self.writes_by_route)
            by_tenant = dict((name, dict(counter)) for name, counter in self.stats_by_tenant.items())
        data.setdefault("cross_tenant", 0)
        data["state"] = self.store.counts()
        data["tenants"] = dict((name, dict(by_tenant.get(name, {}), state=t.store.counts()))
                               for name, t in list(self.tenants.items()))
        return data

    # ---- auth ---------------------------------------------------------
    def issue_token(self, body, path_tenant=None):
        """A token for the tenant whose credentials these are; at a tenant's own path, only for that one."""
        self.count("token_requests")
        owner = None
        if isinstance(body, dict):
            owner = next((t for t in list(self.tenants.values()) if body.get("clientId") == t.client_id
                          and body.get("accessKey") == t.access_key), None)
        if owner is not None and path_tenant is not None and owner.name != path_tenant:
            # Credentials of one customer sent to another's gateway path: wired to the wrong tenant.
            self.count("cross_tenant")
            self.count_tenant(path_tenant, "cross_tenant", "token_refused")
            return 403, {"success": False, "message": "These credentials belong to another tenant"}
        if owner is None:
            if path_tenant is not None:
                self.count_tenant(path_tenant, "token_refused")
            return 401, {"success": False, "message": "Authentication required"}
        self.count_tenant(owner.name, "token_requests")
        now = time.time()
        token = tenancy.make_token(owner, self.token_ttl, now)
        expires_at = now + self.token_ttl
        self.tokens[token] = expires_at
        self.issued_tokens.add(token)
        self.token_tenant[token] = owner.name
        return 200, {"success": True, "data": {
            "token": token,
            "csrf": secrets.token_hex(8),
            "expires": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(expires_at)),
            "expiresIn": self.token_ttl,
        }}

    def email_case_sensitive(self):
        return self.variants["email_match"] == "case-sensitive"

    def token_rejection(self):
        """(status, body) for a missing, unknown or expired token, in the chosen variant."""
        form = self.variants["expired_token"]
        if form == "plain-401":
            return 401, {"message": "Unauthorized: token missing, invalid or expired"}
        # Seen from a production connector's token refresher, whatever the status.
        body = {"success": False, "message": "Authentication required", "forceLogout": True}
        return {"logout-401": 401, "logout-403": 403, "logout-200": 200}[form], body

    def token_valid(self, header):
        if not header or not header.startswith("Bearer "):
            return False
        expires_at = self.tokens.get(header[len("Bearer "):])
        return expires_at is not None and expires_at > time.time()

    def token_owner(self, header):
        return self.token_tenant.get((header or "")[len("Bearer "):])


class RateLimiter:
    """The gateway's request budget across all clients: ``limit`` requests per ``window`` seconds, enforced in
    one of the shapes a gateway may use (the live service's is not documented):

    - ``token-bucket``: a bucket of ``limit`` tokens refilled evenly over ``window`` (a burst, then a steady rate);
    - ``sliding``: at most ``limit`` requests in any ``window`` seconds (a sliding log);
    - ``fixed-window``: ``limit`` requests per window, windows aligned on when the limit was set (a burst passes,
      then 429 until the window turns: how per-minute budgets usually work).

    Past it: 429, with ``Retry-After`` (whole seconds, rounded up: when a request would pass again) unless
    ``retry_after`` is off. ``limit`` 0 means no limit.
    """

    SHAPES = ("token-bucket", "sliding", "fixed-window")

    def __init__(self, limit=0, window=1.0, shape="token-bucket", retry_after=True, clock=time.monotonic):
        self.lock = threading.Lock()
        self.clock = clock
        self.set(limit, window, shape, retry_after)

    def set(self, limit=0, window=1.0, shape="token-bucket", retry_after=True):
        limit, window = float(limit or 0), float(window)
        if shape not in self.SHAPES:
            raise ValueError("rate_limit_shape: %r is not one of %s" % (shape, ", ".join(self.SHAPES)))
        if limit < 0 or window <= 0:
            raise ValueError("rate_limit must be 0 or more and rate_limit_window more than 0, got %r and %r" % (
                limit, window))
        with self.lock:
            self.limit, self.window, self.shape, self.retry_after = limit, window, shape, bool(retry_after)
            self.tokens = limit
            self.stamp = self.epoch = self.clock()
            self.admitted = collections.deque()
            self.window_index, self.window_count = 0, 0

    @property
    def per_second(self):
        return self.limit / self.window

    def settings(self):
        return {"rate_limit": self.limit, "rate_limit_window": self.window, "rate_limit_shape": self.shape,
                "rate_limit_retry_after": self.retry_after}

    def allow(self):
        """None when the request passes; else the seconds until one would (for Retry-After)."""
        with self.lock:
            if self.limit <= 0:
                return None
            now = self.clock()
            if self.shape == "token-bucket":
                rate = self.limit / self.window
                self.tokens = min(self.limit, self.tokens + (now - self.stamp) * rate)
                self.stamp = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return None
                return (1 - self.tokens) / rate
            if self.shape == "sliding":
                while self.admitted and self.admitted[0] <= now - self.window:
                    self.admitted.popleft()
                if len(self.admitted) < self.limit:
                    self.admitted.append(now)
                    return None
                return self.admitted[0] + self.window - now
            index = int((now - self.epoch) // self.window)
            if index != self.window_index:
                self.window_index, self.window_count = index, 0
            if self.window_count < self.limit:
                self.window_count += 1
                return None
            return self.epoch + (index + 1) * self.window - now

    def headers(self, wait):
        """The 429's headers: Retry-After in whole seconds, never 0 (a client would retry at once)."""
        return {"Retry-After": str(max(1, int(math.ceil(wait))))} if self.retry_after else {}


def route_key(method, path):
    """Collapse ids out of a path so stats group by call, not by object."""
    parts = ["{id}" if p.isdigit() else p for p in path.lower().strip("/").split("/")]
    return "%s /%s" % (method, "/".join(parts))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "HMSimulator/1.0"
    sim = None  # set by make_server

    def setup(self):
        super().setup()
        # Without this a small response can sit behind Nagle + delayed ACK for 40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        if os.environ.get("SIM_LOG"):
            sys.stderr.write("sim: " + (format % args) + "\n")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PUT(self):
        self.dispatch("PUT")

    def send_json(self, status, body, extra_headers=None):
        payload = b"" if body is None or status == 204 else json.dumps(body).encode()
        lines = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0]),
                 "Server: %s" % self.server_version,
                 "Content-Type: application/json",
                 "Content-Length: %d" % len(payload)]
        for key, value in (extra_headers or {}).items():
            lines.append("%s: %s" % (key, value))
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # One write per answer: headers and body leave in the same segment.
        self.wfile.write(head + payload)

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None, raw
        try:
            return json.loads(raw), raw
        except ValueError:
            return ValueError, raw

    def dispatch(self, method):
        sim = self.sim
        split = urlsplit(self.path)
        path_tenant, path = tenancy.split_path(split.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        body, raw = self.read_body()
        sim.use_tenant(None)
        if path.startswith("/_sim/") and path_tenant is None:
            return self.control(method, path, body, query)
        if path_tenant is not None and path_tenant not in sim.tenants:
            return self.send_json(404, {"message": "No tenant %s at this simulator" % path_tenant})
        sim.count("requests")
        if path_tenant is not None:
            sim.count_tenant(path_tenant, "requests")
            fault = sim.tenants[path_tenant].fault
            if fault == "outage":
                return self.send_json(503, {"message": "Service unavailable (tenant %s outage)" % path_tenant})
            if fault == "rate-limit":
                return self.send_json(429, {"message": "Rate limit exceeded"}, {"Retry-After": "1"})
        with sim.stats_lock:
            sim.stats_by_route[route_key(method, path)] += 1
        if sim.latency:
            # A WAN gateway: every answer takes this long, whatever it is.
            time.sleep(sim.latency)
        wait = sim.rate_limiter.allow()
        if wait is not None:
            sim.count("rate_limited")
            return self.send_json(429, {"message": "Rate limit exceeded"}, sim.rate_limiter.headers(wait))
        is_write = method in ("POST", "PATCH", "DELETE", "PUT") and path != "/auth/external"
        fault = sim.faults.draw(path, is_write)
        if fault:
            sim.count("faults", "fault_" + fault)
        if fault == "429":
            return self.send_json(429, {"message": "Too many requests"}, {"Retry-After": sim.faults.retry_after})
        if fault in ("500", "502", "503"):
            return self.send_json(int(fault), {"message": "Injected fault %s" % fault})
        if fault == "drop":
            return self.drop()
        if fault == "slow":
            time.sleep(sim.faults.slow_seconds)
        if body is ValueError:
            return self.send_json(400, {"message": "Request body is not valid JSON"})

        try:
            if path.rstrip("/") == "/auth/external":
                if method != "POST":
                    raise StoreError(405, "Method not allowed")
                status, answer = sim.issue_token(body, path_tenant)
                wrote = False
            elif smartpt.is_smartpt_path(path):
                if method != "POST":
                    raise StoreError(405, "Method not allowed")
                status, answer, wrote = smartpt.handle(sim, path, self.headers, body)
            else:
                authorization = self.headers.get("Authorization")
                if not sim.token_valid(authorization):
                    sim.count("unauthorized")
                    return self.send_json(*sim.token_rejection())
                owner = sim.token_owner(authorization)
                if path_tenant is not None and owner != path_tenant:
                    # A token of one customer used on another's data: refused, whatever the call.
                    sim.count("cross_tenant")
                    sim.count_tenant(path_tenant, "cross_tenant")
                    return self.send_json(403, {"message": "This token belongs to another tenant"})
                sim.use_tenant(owner)
                status, answer, wrote = harmony.handle(sim, method, path, query, body)
        except StoreError as err:
            status, answer, wrote = err.status, {err.key: err.message}, False
        if wrote and not smartpt.is_smartpt_path(path):
            sim.count_tenant(sim.tenant().name, "writes")
        if wrote:
            sim.count("writes")
            with sim.stats_lock:
                sim.writes_by_route[route_key(method, path)] += 1
        if fault == "drop_after_write" and wrote:
            return self.drop()
        self.send_json(status, answer)

    def control(self, method, path, body, query=None):
        sim = self.sim
        body = body if isinstance(body, dict) else {}
        parts = path.strip("/").split("/")[1:]
        try:
            # ?tenant=<name> points a state route (seed, alerts, devices, reset, tokens) at that tenant.
            chosen = (query or {}).get("tenant") or None
            sim.use_tenant(chosen)
            if parts[:1] == ["tenants"]:
                return self.send_json(*self.tenant_control(method, parts[1:], body))
            if parts == ["stats"] and method == "GET":
                return self.send_json(200, sim.snapshot())
            if parts == ["stats", "reset"] and method == "POST":
                sim.reset_stats()
                return self.send_json(200, {"ok": True})
            if parts == ["faults"] and method == "POST":
                sim.opaque_status = bool(body.pop("opaque_status", sim.opaque_status))
                return self.send_json(200, sim.faults.update(body))
            if parts == ["config"] and method == "POST":
                if "token_ttl" in body:
                    sim.token_ttl = float(body["token_ttl"])
                if "max_page_size" in body:
                    sim.max_page_size = int(body["max_page_size"])
                if "latency_ms" in body:
                    sim.latency = float(body["latency_ms"]) / 1000.0
                limiter = RateLimiter().settings()
                if any(key in body for key in limiter):
                    # Every limiter setting not named goes back to its default, so "rate_limit" alone is requests
                    # per second in a token bucket, as before the shapes existed.
                    limiter.update((key, body[key]) for key in limiter if key in body)
                    sim.rate_limiter.set(limiter["rate_limit"], limiter["rate_limit_window"],
                                         limiter["rate_limit_shape"], limiter["rate_limit_retry_after"])
                if "variants" in body:
                    # Every switch not named goes back to its default, so a test never inherits another's.
                    sim.variants = dict(VARIANT_DEFAULTS, **checked_variants(body["variants"]))
                return self.send_json(200, dict(sim.rate_limiter.settings(), token_ttl=sim.token_ttl,
                                                max_page_size=sim.max_page_size, latency_ms=sim.latency * 1000,
                                                variants=sim.variants))
            if parts == ["tokens"] and method == "GET":
                # Every token handed out since start, so tests can prove none leaked into output.
                if chosen:
                    return self.send_json(200, sorted(t for t, n in list(sim.token_tenant.items()) if n == chosen))
                return self.send_json(200, sorted(sim.issued_tokens))
            if parts == ["tokens", "expire"] and method == "POST":
                sim.tokens.clear()
                return self.send_json(200, {"ok": True})
            if parts == ["reset"] and method == "POST":
                for tenant in ([sim.tenant()] if chosen else list(sim.tenants.values())):
                    tenant.store.reset()
                    tenant.fault = None
                sim.reset_stats()
                return self.send_json(200, {"ok": True})
            if parts == ["seed"] and method == "POST":
                return self.send_json(200, seed(sim.store, **body))
            if parts == ["alerts"] and method == "POST":
                ids = [sim.store.add_alert(a) for a in body.get("alerts", [])]
                return self.send_json(200, {"ids": ids})
            if parts == ["devices"] and method == "POST":
                # Every device of one user (any case), so a quick start can give a simulated device a risk.
                rows = sim.store.db.execute("SELECT id FROM devices WHERE lower(email)=lower(?) ORDER BY id",
                                            (str(body.get("email", "")),)).fetchall()
                if not rows:
                    raise StoreError(404, "no device with email %r" % body.get("email"))
                return self.send_json(200, [sim.store.set_device_state(r["id"], body.get("status"), body.get("risk"))
                                            for r in rows])
            if len(parts) == 2 and parts[0] == "devices" and method == "POST":
                return self.send_json(200, sim.store.set_device_state(
                    int(parts[1]), body.get("status"), body.get("risk"), body.get("at_ms"),
                    body.get("last_connection_ms"), body.get("client_version")))
            if parts in (["resends"], ["deletions"]) and method == "GET":
                # Every resend (call 6) and delete the service carried out, oldest first, with its time.
                return self.send_json(200, sim.store.sent_log(parts[0]))
            if parts == ["status_history"] and method == "GET":
                # Every device's status spells (what call 5 answers from), for tests that count independently.
                return self.send_json(200, sim.store.status_history())
            if parts == ["device_records"] and method == "POST":
                return self.send_json(200, {"ids": [add_device_record(sim.store, d) for d in body.get("devices", [])]})
            if parts == ["smartpt"] and method == "GET":
                rows = sim.store.db.execute("SELECT platform, target, state FROM smartpt_targets").fetchall()
                return self.send_json(200, [dict(r) for r in rows])
        except (StoreError, ValueError, TypeError, KeyError) as err:
            return self.send_json(getattr(err, "status", 400), {"message": str(err)})
        return self.send_json(404, {"message": "Unknown control route"})

    def tenant_control(self, method, parts, body):
        """GET /_sim/tenants: every tenant with its test credentials and path; POST /_sim/tenants {"count": N}
        or {"name", "client_id", "access_key"}: add tenants; POST /_sim/tenants/<name> {"fault": ...}."""
        sim = self.sim
        if not parts and method == "GET":
            return 200, [t.describe() for t in list(sim.tenants.values())]
        if not parts and method == "POST":
            if "count" in body:
                wanted = tenancy.tenant_names(body["count"])
                added = [sim.add_tenant(name, "sim-%s-client" % name, "sim-%s-key-%s" % (name, secrets.token_hex(6)))
                         for name in wanted if name not in sim.tenants]
            else:
                added = [sim.add_tenant(body["name"], body["client_id"], body["access_key"])]
            return 200, [t.describe() for t in added]
        if len(parts) == 1 and method == "POST":
            tenant = sim.tenant(parts[0])
            if "fault" in body:
                if body["fault"] not in tenancy.FAULTS:
                    raise ValueError("fault: %r is not one of %s" % (body["fault"], tenancy.FAULTS))
                tenant.fault = body["fault"]
            return 200, tenant.describe()
        return 404, {"message": "Unknown control route"}


def make_server(sim, host="127.0.0.1", port=0, tls_cert=None, tls_key=None):
    handler = type("BoundHandler", (Handler,), {"sim": sim})
    # Many clients connect at once (parallel pages, bulk writes): a backlog of 5 would make some wait a second.
    server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 128})
    server = server_class((host, port), handler)
    server.daemon_threads = True
    sim.base_url = "%s://%s:%d" % ("https" if tls_cert else "http", host, server.server_address[1])
    if tls_cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    return server


def env_lines(url, client_id=DEFAULT_CLIENT_ID, access_key=DEFAULT_ACCESS_KEY, company_key=DEFAULT_COMPANY_KEY,
              indent=""):
    """The shell lines that point the collection at a simulator (its test credentials, not secrets)."""
    return ("%sexport HM_GATEWAY_URL=%s HM_CLIENT_ID=%s HM_ACCESS_KEY=%s\n"
            "%sexport SMARTPT_API_URL=%s SMARTPT_COMPANY_KEY=%s\n" % (
                indent, url, client_id, access_key, indent, url, company_key))


def sim_env(url, db_path, tenant=""):
    """env_lines for the simulator that keeps its state in ``db_path``: its generated credentials if it has
    them (``--generate-credentials``), else the fixed test ones; ``tenant`` picks one of its extra tenants."""
    stored = tenancy.CredentialFile(db_path).load()
    name = tenant or tenancy.DEFAULT_TENANT
    entry = stored.get(name)
    if tenant and not entry:
        raise SystemExit("sim-env: %s holds no tenant %s (start the simulator with make sim SIM_TENANTS=N)" % (
            db_path, tenant))
    entry = entry or {"client_id": DEFAULT_CLIENT_ID, "access_key": DEFAULT_ACCESS_KEY}
    base = url + (tenancy.PATH_PREFIX + tenant if tenant else "")
    lines = env_lines(base, entry["client_id"], entry["access_key"])
    return lines.replace("SMARTPT_API_URL=" + base, "SMARTPT_API_URL=" + url)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--db", default=os.path.join(os.getcwd(), ".simulator.db"))
    parser.add_argument("--client-id", help="client id of the default tenant (default %s, or generated with "
                        "--generate-credentials)" % DEFAULT_CLIENT_ID)
    parser.add_argument("--access-key", help="access key of the default tenant")
    parser.add_argument("--tenants", type=int, default=0,
                        help="serve this many more tenants (t01, t02, ...), each at <url>/tenants/<name> with its "
                             "own credentials, state file (<db>-<name>) and tokens")
    parser.add_argument("--tenant-inventory", metavar="PATH",
                        help="write an Ansible inventory of the --tenants tenants there (group tenants, each host's "
                             "connection in its host vars, mode 0600) for the MSSP example playbooks")
    parser.add_argument("--generate-credentials", action="store_true",
                        help="generate every tenant's credentials once per state file (kept in <db>.credentials.json) "
                             "instead of the fixed test ones, so two simulators never share credentials")
    parser.add_argument("--company-key", default=DEFAULT_COMPANY_KEY)
    parser.add_argument("--token-ttl", type=float, default=3600.0)
    parser.add_argument("--max-page-size", type=int, default=100)
    parser.add_argument("--faults", default="{}", help="JSON object of fault settings, e.g. '{\"rate_429\": 0.1}'")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="hold every API answer this long, as a WAN gateway does (e.g. 50)")
    parser.add_argument("--rate-limit", type=float, default=0.0,
                        help="requests per --rate-limit-window (1 s unless set) across all clients; past it 429 "
                             "with Retry-After (0: none)")
    parser.add_argument("--rate-limit-window", type=float, default=1.0, help="seconds (default 1)")
    parser.add_argument("--rate-limit-shape", choices=RateLimiter.SHAPES, default="token-bucket",
                        help="how the limit is enforced (default token-bucket)")
    parser.add_argument("--no-retry-after", action="store_true", help="answer 429 without a Retry-After header")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=VALUE",
                        help="a choice where the API guide is silent, e.g. paging_links=gateway-absolute "
                             "(repeatable; see tests/simulator/variants.py and docs/api-notes.md)")
    parser.add_argument("--seed-devices", type=int, default=0)
    parser.add_argument("--seed-alerts", type=int, default=0)
    parser.add_argument("--seed-audits", type=int, default=0)
    parser.add_argument("--print-env", action="store_true",
                        help="print the environment variables that point the collection at this simulator")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args(argv)
    try:
        variants = parse_variants(args.variant)
    except ValueError as err:
        parser.error(str(err))
    credentials = tenancy.CredentialFile(args.db) if args.generate_credentials else None
    client_id, access_key = args.client_id, args.access_key
    if credentials and not (client_id or access_key):
        client_id, access_key = credentials.credentials(tenancy.DEFAULT_TENANT)
    sim = Simulator(args.db, client_id or DEFAULT_CLIENT_ID, access_key or DEFAULT_ACCESS_KEY, args.company_key,
                    args.token_ttl, args.max_page_size, json.loads(args.faults), variants)
    for name in tenancy.tenant_names(args.tenants):
        if credentials:
            sim.add_tenant(name, *credentials.credentials(name))
        else:
            sim.add_tenant(name, "sim-%s-client" % name, "sim-%s-key" % name)
    # Seeding fills only what the state file does not hold yet, so restarting with the same command never
    # seeds twice (duplicate e-mails); `make sim-reset` deletes the file to start over.
    wanted = {"devices": args.seed_devices, "alerts": args.seed_alerts, "audits": args.seed_audits}
    for tenant in list(sim.tenants.values()):
        held = tenant.store.counts()
        todo = dict((kind, count if not held[kind] else 0) for kind, count in wanted.items())
        if any(todo.values()):
            # Each tenant's users have their own domain, so one customer's data is recognisable anywhere.
            domain = "seed.example.com" if tenant.name == tenancy.DEFAULT_TENANT else "%s.example.com" % tenant.name
            seed(tenant.store, rng_seed=random.randint(0, 1 << 30), email_domain=domain, **todo)
        kept = [kind for kind, count in wanted.items() if count and held[kind]]
        if kept and tenant.name == tenancy.DEFAULT_TENANT:
            sys.stderr.write("simulator: %s already holds %s; not seeding those again (delete the file, or make "
                             "sim-reset, to start over)\n" % (args.db, ", ".join("%d %s" % (held[k], k) for k in kept)))
    sim.latency = args.latency_ms / 1000.0
    sim.rate_limiter.set(args.rate_limit, args.rate_limit_window, args.rate_limit_shape, not args.no_retry_after)
    server = make_server(sim, args.host, args.port, args.tls_cert, args.tls_key)
    scheme = "https" if args.tls_cert else "http"
    url = "%s://%s:%d" % (scheme, args.host, server.server_address[1])
    if args.tenant_inventory:
        tenancy.write_inventory(args.tenant_inventory, list(sim.tenants.values())[1:], url)
    print(json.dumps({"ready": True, "port": server.server_address[1], "url": url}), flush=True)
    if args.print_env:
        sys.stderr.write("simulator: serving %s with state in %s (%s). In another shell (or eval \"$(make -s "
                         "sim-env)\"):\n%sStop it with Ctrl-C.\n" % (
                             url, args.db, ", ".join("%d %s" % (v, k) for k, v in sorted(sim.store.counts().items())),
                             env_lines(url, sim.client_id, sim.access_key, args.company_key, indent="  ")))
        for tenant in list(sim.tenants.values())[1:]:
            sys.stderr.write("simulator: tenant %s (its own devices and tokens):\n  export HM_GATEWAY_URL=%s%s "
                             "HM_CLIENT_ID=%s HM_ACCESS_KEY=%s\n" % (tenant.name, url, tenancy.PATH_PREFIX + tenant.name,
                                                                     tenant.client_id, tenant.access_key))
        if args.tenant_inventory and len(sim.tenants) > 1:
            sys.stderr.write("simulator: every tenant's connection is in the inventory %s; the weekly report over "
                             "all of them:\n  ansible-playbook -i %s playbooks/weekly_fleet_report.yml -e "
                             "fleet_report_hosts=tenants\n" % (args.tenant_inventory, args.tenant_inventory))
        sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
