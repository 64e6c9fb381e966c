"""Retry, backoff and error rules of the HTTP transport, with requests mocked out."""

import pytest
import requests

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.http_transport import (
    HttpTransport, RetryPolicy, parse_retry_after)


class FakeResponse:
    def __init__(self, status, body=None, headers=None):
        self.status_code = status
        self._body = body
        self.headers = headers or {}
        self.content = b"" if body is None else b"x"
        self.text = body if isinstance(body, str) else ""

    def json(self):
        if isinstance(self._body, (dict, list)):
            return self._body
        raise ValueError("not json")


class Script:
    """Plays back responses/exceptions in order and records the calls."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.calls = []

    def __call__(self, method, url, **kwargs):
        self.calls.append((method, url, kwargs))
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


def make_transport(script, retries=3):
    sleeps = []
    transport = HttpTransport("https://gw.example.com/", retry_policy=RetryPolicy(retries=retries, sleep=sleeps.append))
    transport.session.request = script
    return transport, sleeps


def test_429_is_retried_honouring_retry_after():
    script = Script(FakeResponse(429, {"message": "slow down"}, {"Retry-After": "7"}), FakeResponse(200, {"ok": 1}))
    transport, sleeps = make_transport(script)
    assert transport.send("POST", "/x", json_body={}, idempotent=False) == (200, {"ok": 1})
    assert sleeps == [pytest.approx(7.0, abs=0.05)]  # the pause, measured from when the 429 arrived
    assert len(script.calls) == 2


def test_5xx_retried_with_growing_backoff_then_error_carries_status_and_body():
    script = Script(*[FakeResponse(502, {"message": "bad gateway"})] * 4)
    transport, sleeps = make_transport(script, retries=3)
    with pytest.raises(ApiError) as info:
        transport.send("GET", "/app/thing?secret=1")
    err = info.value
    assert err.status == 502 and err.body == {"message": "bad gateway"}
    assert err.method == "GET" and err.path == "/app/thing"
    assert "bad gateway" in str(err) and "after 3 retries" in str(err)
    assert len(sleeps) == 3
    # equal jitter: each delay lies in [step/2, step] and the steps double
    for attempt, delay in enumerate(sleeps):
        step = 0.25 * 2 ** attempt
        assert step / 2 <= delay <= step


def test_backoff_is_capped():
    policy = RetryPolicy(backoff_base=1, backoff_cap=4)
    assert all(policy.delay(n) <= 4 for n in range(10))
    assert policy.delay(3, retry_after=1000) == 120.0


def test_500_on_non_idempotent_write_is_ambiguous_and_not_retried():
    script = Script(FakeResponse(500, {"message": "boom"}))
    transport, sleeps = make_transport(script)
    with pytest.raises(ApiError) as info:
        transport.send("POST", "/add", json_body={"a": 1}, idempotent=False)
    assert info.value.ambiguous is True
    assert sleeps == []


def test_dropped_connection_on_write_is_ambiguous_but_on_read_is_retried():
    dropped = requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected())")
    transport, _sleeps = make_transport(Script(dropped))
    with pytest.raises(ApiError) as info:
        transport.send("POST", "/add", idempotent=False)
    assert info.value.ambiguous and info.value.status is None

    transport, sleeps = make_transport(Script(dropped, FakeResponse(200, [1])))
    assert transport.send("GET", "/list") == (200, [1])
    assert len(sleeps) == 1


def test_refused_connection_is_retried_even_for_writes():
    refused = requests.exceptions.ConnectionError("NewConnectionError: Connection refused")
    transport, sleeps = make_transport(Script(refused, FakeResponse(201, {"id": 1})))
    assert transport.send("POST", "/add", idempotent=False) == (201, {"id": 1})
    assert len(sleeps) == 1


def test_unreachable_gives_up_with_clear_message():
    refused = requests.exceptions.ConnectionError("NewConnectionError: Connection refused")
    transport, sleeps = make_transport(Script(*[refused] * 3), retries=2)
    with pytest.raises(ApiError, match="could not connect"):
        transport.send("GET", "/x")
    assert len(sleeps) == 2


def test_tls_failure_is_not_retried_and_says_so():
    transport, sleeps = make_transport(Script(requests.exceptions.SSLError("certificate verify failed")))
    with pytest.raises(ApiError, match="TLS verification failed"):
        transport.send("GET", "/x")
    assert sleeps == []


def test_4xx_is_not_retried():
    transport, sleeps = make_transport(Script(FakeResponse(400, {"message": "Group name is required"})))
    with pytest.raises(ApiError, match="Group name is required") as info:
        transport.send("POST", "/groups", idempotent=False)
    assert info.value.status == 400 and not info.value.ambiguous and sleeps == []


def test_timeout_passed_and_no_redirects():
    script = Script(FakeResponse(200, {}))
    transport, _sleeps = make_transport(script)
    transport.timeout = 4.5
    transport.send("GET", "/x", params={"a": "b"})
    _method, url, kwargs = script.calls[0]
    assert url == "https://gw.example.com/x"
    assert kwargs["timeout"] == 4.5 and kwargs["allow_redirects"] is False and kwargs["params"] == {"a": "b"}
    assert kwargs["verify"] is True


def test_validate_certs_false_wins_over_requests_ca_bundle(monkeypatch):
    # requests lets REQUESTS_CA_BUNDLE override session.verify; the transport passes verify per request.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    script = Script(FakeResponse(200, {}))
    transport = HttpTransport("https://gw", validate_certs=False, retry_policy=RetryPolicy(sleep=lambda s: None))
    transport.session.request = script
    transport.send("GET", "/x")
    assert script.calls[0][2]["verify"] is False


def test_proxy_and_validate_certs_configure_the_session():
    transport = HttpTransport("https://gw", validate_certs=False, proxy_url="http://proxy:3128")
    assert transport.session.verify is False
    assert transport.session.proxies == {"http": "http://proxy:3128", "https": "http://proxy:3128"}


@pytest.mark.parametrize("value,expected", [("3", 3.0), ("0", 0.0), (" 2.5 ", 2.5), ("garbage", None), (None, None)])
def test_parse_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date():
    assert parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now=784111777) == pytest.approx(10.0)
