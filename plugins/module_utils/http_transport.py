# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP with retries: one keep-alive session, backoff with jitter, Retry-After.

Retry rules:
- 429 means "too fast": the shared Pacer cuts the pace and pauses every
  thread; the request is sent again, as often as the wait budget allows.
- 503 means the request was refused before it was processed, so any
  request is retried.
- 500, 502, 504, dropped connections and read timeouts leave a write in doubt:
  idempotent requests (GET, DELETE, PATCH and the POSTs the caller marks
  idempotent) are retried; others raise ``ApiError(ambiguous=True)`` so the
  caller can look before it writes again.
- A connection that could not be opened never reached the server and is
  always retried.
"""

import random
import time

from ansible_collections.secops.mobile_security.plugins.module_utils import times
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, server_message
from ansible_collections.secops.mobile_security.plugins.module_utils.pacing import Pacer

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
except ImportError:
    HAS_REQUESTS = False

REFUSED_STATUSES = (503,)
DOUBTFUL_STATUSES = (500, 502, 504)
IDEMPOTENT_METHODS = ("GET", "HEAD", "DELETE", "PATCH", "PUT")
MAX_RETRY_AFTER = 120.0


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = times.parse(value)
    if parsed is None:
        return None
    return max(0.0, parsed.timestamp() - (now if now is not None else time.time()))


class RetryPolicy:
    def __init__(self, retries=5, backoff_base=0.25, backoff_cap=8.0, sleep=time.sleep, rng=None):
        self.retries = int(retries)
        self.backoff_base = float(backoff_base)
        self.backoff_cap = float(backoff_cap)
        self.sleep = sleep
        self.rng = rng or random.Random()

    def delay(self, attempt, retry_after=None):
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** attempt))
        # "Equal jitter": never less than half the step, so retries stay spread out.
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)


class HttpTransport:
    """Sends requests to one base URL; knows nothing about either API's paths."""

    def __init__(self, base_url, validate_certs=True, timeout=30, proxy_url=None, retry_policy=None,
                 pool_size=10, user_agent="secops.mobile_security", pacer=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy()
        self.pacer = pacer or Pacer(sleep=self.retry_policy.sleep)
        self.session = requests.Session()
        self.session.verify = validate_certs
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, int(pool_size)), max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        if proxy_url:
            self.session.proxies = {"http": proxy_url, "https": proxy_url}

    def close(self):
        self.session.close()

    def url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return self.base_url + path

    def send(self, method, path, params=None, json_body=None, headers=None, idempotent=None):
        """Send one request, retrying as the module docstring says. Returns (status, parsed body)."""
        if idempotent is None:
            idempotent = method.upper() in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            self.pacer.acquire()
            try:
                # Headers may be a function, called as the request leaves: a token taken before a long wait on
                # the pace could have run out by then.
                status, body, retry_after = self._send_once(method, path, params, json_body,
                                                            headers() if callable(headers) else headers)
            except _Unsent as exc:
                self.pacer.abandon()
                # Nothing reached the server: always safe to try again.
                if attempt >= self.retry_policy.retries:
                    raise ApiError("could not connect: %s" % exc.reason, method, _display(path))
                self.retry_policy.sleep(self.retry_policy.delay(attempt))
                attempt += 1
                continue
            except _InDoubt as exc:
                self.pacer.abandon()
                if not idempotent:
                    raise ApiError("connection failed after the request was sent (%s); the change may or may "
                                   "not have been applied" % exc.reason, method, _display(path), ambiguous=True)
                if attempt >= self.retry_policy.retries:
                    raise ApiError("gave up after %d retries: %s" % (attempt, exc.reason), method, _display(path))
                self.retry_policy.sleep(self.retry_policy.delay(attempt))
                attempt += 1
                continue
            except BaseException:
                self.pacer.abandon()
                raise
            if status == 429:
                # Too fast, nothing processed: the pacer slows every thread down and decides how long to wait.
                try:
                    self.pacer.throttled(retry_after)
                except ApiError as err:
                    raise ApiError(err.message, method, _display(path), 429, body)
                continue
            self.pacer.release()
            retryable = status in REFUSED_STATUSES or (status in DOUBTFUL_STATUSES and idempotent)
            if retryable and attempt < self.retry_policy.retries:
                self.retry_policy.sleep(self.retry_policy.delay(attempt, retry_after))
                attempt += 1
                continue
            if status >= 400:
                message = server_message(body, "HTTP %d" % status)
                if attempt:
                    message = "%s (after %d retries)" % (message, attempt)
                raise ApiError(message, method, _display(path), status, body,
                               ambiguous=status in DOUBTFUL_STATUSES and not idempotent)
            return status, body

    def _send_once(self, method, path, params, json_body, headers):
        try:
            # verify is passed per request: requests lets REQUESTS_CA_BUNDLE override session.verify.
            response = self.session.request(method, self.url(path), params=params, json=json_body,
                                            headers=headers, timeout=self.timeout, allow_redirects=False,
                                            verify=self.session.verify)
        except requests.exceptions.SSLError as exc:
            raise ApiError("TLS verification failed (set validate_certs: false only for a trusted test "
                           "endpoint): %s" % _short(exc), method, _display(path))
        except (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError) as exc:
            raise _Unsent(_short(exc))
        except requests.exceptions.ConnectionError as exc:
            if _never_connected(exc):
                raise _Unsent(_short(exc))
            raise _InDoubt(_short(exc))
        except requests.exceptions.Timeout as exc:
            raise _InDoubt("timed out after %ss: %s" % (self.timeout, _short(exc)))
        except requests.exceptions.RequestException as exc:
            raise ApiError("request failed: %s" % _short(exc), method, _display(path))
        return response.status_code, _parse_body(response), parse_retry_after(response.headers.get("Retry-After"))


class _Unsent(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class _InDoubt(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _never_connected(exc):
    text = repr(exc)
    return any(marker in text for marker in ("NewConnectionError", "Connection refused", "Name or service not known",
                                             "nodename nor servname", "Failed to resolve"))


def _parse_body(response):
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _short(exc):
    return str(exc)[:300]


def _display(path):
    """Drop the query string: it can carry an email the caller did not ask to log."""
    return path.split("?", 1)[0]
