"""Token handling, paging, path safety and write reconciliation of the Harmony Mobile client."""

import base64
import json
import os
import stat

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import device_copies, paging
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import (
    API_ROOT, HarmonyMobileClient, path_id)
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_session import token_expiry
from ansible_collections.secops.mobile_security.plugins.module_utils.http_transport import RetryPolicy
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant
from ansible_collections.secops.mobile_security.plugins.module_utils.token_cache import TokenCache


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


class FakeTransport:
    """Answers by (method, path) with a handler; records what was sent."""

    base_url = "https://gw.example.com"

    def __init__(self, handler, ttl=600):
        self.handler = handler
        self.calls = []
        self.ttl = ttl
        self.tokens = 0
        self.retry_policy = RetryPolicy(retries=3)

    def send(self, method, path, params=None, json_body=None, headers=None, idempotent=None):
        headers = headers() if callable(headers) else headers
        self.calls.append({"method": method, "path": path, "params": params, "json": json_body, "headers": headers})
        if path == "/auth/external":
            self.tokens += 1
            return 200, {"success": True, "data": {"token": "tok-%d" % self.tokens, "expiresIn": self.ttl}}
        return self.handler(method, path, params, json_body, headers)

    def api_calls(self):
        return [c for c in self.calls if c["path"] != "/auth/external"]


def ok(method, path, params, body, headers):
    return 200, {"meta": {"total_count": 0}, "objects": []}


def test_token_is_fetched_once_and_reused():
    transport = FakeTransport(ok)
    client = HarmonyMobileClient(transport, "cid", "key")
    client.list_groups()
    client.list_groups()
    assert transport.tokens == 1
    assert all(c["headers"]["Authorization"] == "Bearer tok-1" for c in transport.api_calls())


def test_token_refreshed_before_expiry():
    clock = Clock()
    transport = FakeTransport(ok, ttl=10)
    client = HarmonyMobileClient(transport, "cid", "key", clock=clock)
    client.list_groups()
    clock.now += 7  # inside the refresh margin (a fifth of a 10 s TTL)
    client.list_groups()
    clock.now += 1
    client.list_groups()
    assert transport.tokens == 2


def test_401_reauthenticates_once_then_gives_up():
    answers = [ApiError("Unauthorized", "GET", "/g", 401), (200, [])]

    def handler(*_args):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    transport = FakeTransport(handler)
    client = HarmonyMobileClient(transport, "cid", "key")
    assert client.list_groups() == []
    assert transport.tokens == 2

    def always_401(*_args):
        raise ApiError("Unauthorized", "GET", "/g", 401)

    transport = FakeTransport(always_401)
    with pytest.raises(ApiError) as info:
        HarmonyMobileClient(transport, "cid", "key").list_groups()
    assert info.value.status == 401 and transport.tokens == 2


def test_bad_credentials_message_never_contains_the_key():
    class Rejecting(FakeTransport):
        def send(self, method, path, **kwargs):
            raise ApiError("Authentication required", method, path, 401)

    with pytest.raises(ApiError) as info:
        HarmonyMobileClient(Rejecting(ok), "cid", "very-secret-key").list_groups()
    assert "authentication failed" in str(info.value) and "very-secret-key" not in repr(info.value.__dict__)


def test_token_cache_shared_between_clients_with_mode_0600(tmp_path):
    path = str(tmp_path / "sub" / "tokens.json")
    transport = FakeTransport(ok)
    HarmonyMobileClient(transport, "cid", "key", token_cache=TokenCache(path)).list_groups()
    HarmonyMobileClient(transport, "cid", "key", token_cache=TokenCache(path)).list_groups()
    assert transport.tokens == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    content = open(path).read()
    assert "key" not in content.replace("expires_at", "") and "cid" not in content
    # another access key never reuses that token
    HarmonyMobileClient(transport, "cid", "other", token_cache=TokenCache(path)).list_groups()
    assert transport.tokens == 2


def test_token_cache_dropped_on_401(tmp_path):
    path = str(tmp_path / "tokens.json")
    calls = {"n": 0}

    def first_401(method, path_, params, body, headers):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ApiError("expired", method, path_, 401)
        return 200, []

    transport = FakeTransport(first_401)
    HarmonyMobileClient(transport, "cid", "key", token_cache=TokenCache(path)).list_groups()
    assert transport.tokens == 2
    cache = TokenCache(path)
    assert list(cache._load().values())[0]["token"] == "tok-2"


def test_token_cache_ignores_expired_and_corrupt_entries(tmp_path):
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    clock = Clock()
    cache = TokenCache(str(path), clock=clock)
    assert cache.get("k") is None
    cache.put("k", "t", clock.now + 5)
    assert cache.get("k") == ("t", clock.now + 5)
    clock.now += 6
    assert cache.get("k") is None


def jwt(claims):
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return "eyJhbGciOiJIUzI1NiJ9.%s.c2lnbmF0dXJl" % part


def test_token_expiry_reads_expires_in_or_date():
    assert token_expiry({"expiresIn": 1800}, 100.0) == 1900.0
    assert token_expiry({"expires": "1970-01-01T00:10:00.000Z"}, 0.0) == 600.0


def test_a_token_whose_answer_says_nothing_lives_30_minutes_not_more():
    # Infinity Portal tokens live 1800 s (field notes); 1.1.0 assumed 600, public clients 3600.
    assert token_expiry({}, 50.0) == 1850.0
    assert token_expiry({}, 50.0, "opaque-token") == 1850.0
    assert token_expiry({"expiresIn": "soon"}, 50.0, "a.b.c") == 1850.0


def test_a_jwt_token_says_how_long_it_lives():
    # The claims of the public token: exp - iat = 1800, issued by a clock 2 hours off ours.
    token = jwt({"iat": 1700000000, "exp": 1700001800, "description": "Harmony mobile API", "scope": None})
    assert token_expiry({}, 100.0, token) == 1900.0
    assert token_expiry({}, 100.0, jwt({"iat": 1000, "exp": 1030})) == 130.0
    assert token_expiry({}, 100.0, jwt({"exp": 400})) == 400.0
    # The earliest of what the answer and the token say.
    assert token_expiry({"expiresIn": 3600}, 100.0, token) == 1900.0
    assert token_expiry({"expiresIn": 60}, 100.0, token) == 160.0


def test_a_login_without_an_expiry_refreshes_before_30_minutes(monkeypatch):
    clock = Clock(1000.0)

    class NoExpiry(FakeTransport):
        def send(self, method, path, params=None, json_body=None, headers=None, idempotent=None):
            if path == "/auth/external":
                self.tokens += 1
                return 200, {"success": True, "data": {"token": "tok-%d" % self.tokens}}
            return FakeTransport.send(self, method, path, params, json_body, headers, idempotent)

    transport = NoExpiry(ok)
    client = HarmonyMobileClient(transport, "cid", "key", clock=clock)
    client.list_groups()
    clock.now += 1700
    client.list_groups()
    assert transport.tokens == 1
    clock.now += 100  # 1800 s after the login: refreshed before the token died, not after a 401
    client.list_groups()
    assert transport.tokens == 2


def paged_handler(items, cap):
    """A server that caps the page size at ``cap`` whatever limit was asked."""

    def handler(method, path, params, body, headers):
        if params is None:
            query = dict(p.split("=") for p in path.split("?", 1)[1].split("&"))
        else:
            query = params
        offset = int(query.get("offset", 0))
        page = items[offset:offset + cap]
        nxt = offset + cap
        return 200, {"meta": {"limit": cap, "offset": offset, "total_count": len(items),
                              "next": "%s/v1/groups/?limit=%d&offset=%d" % (API_ROOT, cap, nxt) if nxt < len(items) else None},
                     "objects": page}

    return handler


def test_paging_follows_meta_next_when_server_caps_page_size():
    items = [{"id": i, "name": "g%d" % i} for i in range(1, 58)]
    transport = FakeTransport(paged_handler(items, cap=10))
    client = HarmonyMobileClient(transport, "cid", "key", page_size=100)
    assert client.list_groups() == items
    assert len(transport.api_calls()) == 6


def test_paging_uses_total_count_when_next_is_missing():
    items = list(range(25))

    def handler(method, path, params, body, headers):
        offset = params["offset"]
        return 200, {"meta": {"offset": offset, "total_count": 25}, "objects": items[offset:offset + 10]}

    got = list(paging.iterate(lambda p, q: handler("GET", p, q, None, None)[1], "/x"))
    assert got == items


def test_paging_stops_at_max_items():
    items = [{"id": i, "name": "g%d" % i} for i in range(1, 58)]
    transport = FakeTransport(paged_handler(items, cap=10))
    client = HarmonyMobileClient(transport, "cid", "key")
    assert len(list(client.paginate(API_ROOT + "/v1/groups/", max_items=15))) == 15
    assert len(transport.api_calls()) == 2


@pytest.mark.parametrize("bad", ["../1", "1/../../auth", "1?x=1", "%2e%2e", "", " ", None, "a" * 65, "1#x"])
def test_path_ids_cannot_change_the_path(bad):
    with pytest.raises(ValueError, match="device_id"):
        path_id(bad, "device_id")


def test_path_id_accepts_numbers_and_strings():
    assert path_id(42, "id") == "42" and path_id(" 42 ", "id") == "42" and path_id("a-b_C", "id") == "a-b_C"


def test_undocumented_device_filters_are_refused():
    client = HarmonyMobileClient(FakeTransport(ok), "cid", "key")
    with pytest.raises(ValueError, match="email"):
        list(client.list_devices({"email": "a@b.c"}))
    with pytest.raises(ValueError, match="severity"):
        list(client.log_entries("alert", {"severity": "HIGH"}))


def created_by(client):
    """What device_copies gives the client to tell, after an add in doubt, whether the add created N's device."""
    return device_copies.find_created(Tenant(client), {"email": "n@example.com", "name": "N"}, ())


def test_an_add_in_doubt_is_never_sent_again_without_a_way_to_tell_whether_it_was_applied():
    posts = []

    def handler(method, path, params, body, headers):
        posts.append(path)
        raise ApiError("connection dropped", method, path, ambiguous=True)

    with pytest.raises(ApiError, match="connection dropped"):
        HarmonyMobileClient(FakeTransport(handler), "cid", "key").add_device("N", "n@example.com")
    assert len(posts) == 1


def test_ambiguous_add_device_is_reconciled_not_duplicated():
    state = {"posts": 0}

    def handler(method, path, params, body, headers):
        if method == "POST":
            state["posts"] += 1
            raise ApiError("connection dropped", method, path, ambiguous=True)
        if path.endswith("get_registration_details"):
            return 200, {"id": "77", "device_hash": "h", "server": "s"}
        if path.endswith("/device_status/77/"):
            return 200, {"internal_id": "77", "email": "N@Example.com", "name": "N", "groups": []}
        raise AssertionError(path)

    transport = FakeTransport(handler)
    client = HarmonyMobileClient(transport, "cid", "key")
    assert client.add_device("N", "n@example.com", find_created=created_by(client)) == "77"
    assert state["posts"] == 1


def test_after_an_add_in_doubt_call_9_naming_another_users_device_is_not_taken():
    state = {"posts": 0}
    listing = [{"internal_id": "5", "email": "other@example.com", "name": "Other", "groups": []},
               {"internal_id": "80", "email": "n@example.com", "name": "N", "groups": []}]

    def handler(method, path, params, body, headers):
        if method == "POST":
            state["posts"] += 1
            raise ApiError("connection dropped", method, path, ambiguous=True)
        if path.endswith("get_registration_details"):
            return 200, {"id": "5"}  # a service that ignored ?email= answers some device
        if path.endswith("/device_status/5/"):
            return 200, listing[0]
        if path.endswith("/device_status/"):
            return 200, {"meta": {"total_count": 2, "offset": 0}, "objects": listing}
        raise AssertionError(path)

    client = HarmonyMobileClient(FakeTransport(handler), "cid", "key")
    assert client.add_device("N", "n@example.com", find_created=created_by(client)) == "80"
    assert state["posts"] == 1


def test_ambiguous_add_device_retried_when_not_applied():
    state = {"posts": 0}

    def handler(method, path, params, body, headers):
        if method == "POST":
            state["posts"] += 1
            if state["posts"] == 1:
                raise ApiError("502", method, path, 502, ambiguous=True)
            return 201, {"device_id": "78", "status": "success"}
        return 404, None

    def handler_404(method, path, params, body, headers):
        if method == "GET" and path.endswith("/device_status/"):
            return 200, {"meta": {"total_count": 0, "offset": 0}, "objects": []}
        if method == "GET":
            raise ApiError("not found", method, path, 404)
        return handler(method, path, params, body, headers)

    client = HarmonyMobileClient(FakeTransport(handler_404), "cid", "key")
    assert client.add_device("N", "n@example.com", groups=["G"], find_created=created_by(client)) == "78"
    assert state["posts"] == 2


def test_ambiguous_add_group_is_reconciled_by_name():
    def handler(method, path, params, body, headers):
        if method == "POST":
            raise ApiError("dropped", method, path, ambiguous=True)
        return 200, {"meta": {"total_count": 1}, "objects": [{"id": 9, "name": "EMEA", "parent": {"id": 1}}]}

    client = HarmonyMobileClient(FakeTransport(handler), "cid", "key")
    assert client.add_group("EMEA", 1)["id"] == 9


def test_groups_named_filters_client_side_when_server_ignores_name():
    def handler(method, path, params, body, headers):
        return 200, [{"id": 1, "name": "ALL"}, {"id": 2, "name": "EMEA"}]

    client = HarmonyMobileClient(FakeTransport(handler), "cid", "key")
    assert [g["id"] for g in client.groups_named("EMEA")] == [2]


def test_delete_of_missing_object_is_not_an_error():
    def handler(method, path, params, body, headers):
        raise ApiError("not found", method, path, 404)

    client = HarmonyMobileClient(FakeTransport(handler), "cid", "key")
    assert client.delete_group(5) is False
    assert client.delete_device("6") is False
    assert client.get_device("7") is None


def test_a_filter_the_client_does_not_send_is_a_bug_not_user_input():
    from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
    client = HarmonyMobileClient(FakeTransport(ok), "cid", "key")
    with pytest.raises(ValueError, match="v1/device_status/: the client does not send the filter.s. groups__exact, risk__in") as err:
        list(client.list_devices({"risk__in": "3", "groups__exact": "1"}))
    assert not isinstance(err.value, UserError)
