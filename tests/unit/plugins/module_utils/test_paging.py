"""Paging under every form of ``meta.next`` a live gateway may send.

Each server below answers only on the path the client asked for (anything
else is a 404, as on the live service) and, like a gateway that rewrites
links, leaves the caller's filters out of its links: a client that requested
the link instead of its own path loses the filters or the page.
"""

import threading
import time

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import paging
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import API_ROOT, HarmonyMobileClient

from tests.unit.plugins.module_utils.test_harmony_client import FakeTransport

GATEWAY = "https://gw.example.com"
PATH = API_ROOT + "/v3/alert/"

LINK_FORMS = {
    "app-relative": lambda o, l: "/external_api/v3/alert/?limit=%d&offset=%d" % (l, o),
    "gateway-absolute": lambda o, l: "/app/SBM/external_api/v3/alert/?limit=%d&offset=%d" % (l, o),
    "full-url": lambda o, l: "%s/app/SBM/external_api/v3/alert/?limit=%d&offset=%d" % (GATEWAY, l, o),
    "full-url-upper-host": lambda o, l: "HTTPS://GW.example.com/app/SBM/external_api/v3/alert/?offset=%d&limit=%d" % (o, l),
    "query-only": lambda o, l: "?limit=%d&offset=%d" % (l, o),
    "none": None,
}


def capped_server(items, cap, link_form, required=None):
    """A server with page cap ``cap`` that serves only PATH and insists on the ``required`` filters."""
    calls = []

    def handler(method, path, params, body, headers):
        calls.append((path, dict(params or {})))
        if path != PATH:
            raise ApiError("Not found", method, path, 404)
        params = dict(params or {})
        for key, value in (required or {}).items():
            if params.get(key) != value:
                raise AssertionError("filter %s lost on %s" % (key, params))
        offset = int(params.get("offset", 0))
        limit = min(int(params.get("limit", 20)), cap)
        page = items[offset:offset + limit]
        meta = {"limit": limit, "offset": offset, "total_count": len(items)}
        if link_form is not None:
            meta["next"] = link_form(offset + limit, limit) if offset + limit < len(items) else None
        return 200, {"meta": meta, "objects": page}

    return handler, calls


@pytest.mark.parametrize("form", sorted(LINK_FORMS))
def test_every_link_form_reads_every_item_on_the_path_asked_with_filters_kept(form):
    items = [{"id": i} for i in range(1, 238)]
    handler, calls = capped_server(items, 50, LINK_FORMS[form], required={"id__gt": 0})
    client = HarmonyMobileClient(FakeTransport(handler), "cid", "key", page_size=100)
    got = list(client.paginate(PATH, {"id__gt": 0}))
    assert got == items
    assert [c[0] for c in calls] == [PATH] * 5
    assert [c[1]["offset"] for c in calls] == [0, 50, 100, 150, 200]


def test_link_form_app_relative_behind_a_gateway_with_a_path_prefix():
    items = list(range(30))

    def get_page(path, params):
        assert path == "/x/"
        offset = params["offset"]
        nxt = "/external_api/x/?offset=%d&limit=10" % (offset + 10) if offset + 10 < 30 else None
        return {"meta": {"offset": offset, "limit": 10, "next": nxt, "total_count": 30}, "objects": items[offset:offset + 10]}

    assert list(paging.iterate(get_page, "/x/", base_url="https://gw.example.com/prefix")) == items


def test_link_without_offset_and_without_total_continues_after_a_full_page_only():
    pages = {0: [1, 2, 3], 3: [4, 5]}

    def get_page(path, params):
        return {"meta": {"next": "/external_api/x/?cursor=abc"}, "objects": pages[params["offset"]]}

    # The second page is short, yet has a link; with no offset in it and no total, a third
    # request for offset 5 gives an empty page and ends the read.
    pages[5] = []
    assert list(paging.iterate(get_page, "/x/")) == [1, 2, 3, 4, 5]


def test_no_meta_at_all_is_one_page():
    assert list(paging.iterate(lambda p, q: [1, 2, 3], "/x")) == [1, 2, 3]
    assert list(paging.iterate(lambda p, q: {"objects": [1, 2]}, "/x")) == [1, 2]


@pytest.mark.parametrize("link", ["https://evil.example.net/app/SBM/external_api/v3/alert/?offset=5",
                                  "//evil.example.net/x?offset=5", "http://gw.example.com/x?offset=5"])
def test_links_to_another_host_or_scheme_are_refused(link):
    def get_page(path, params):
        return {"meta": {"next": link, "total_count": 99, "offset": params["offset"]}, "objects": [1]}

    with pytest.raises(ApiError, match="another host"):
        list(paging.iterate(get_page, "/x", base_url=GATEWAY))


def test_a_link_that_does_not_move_forward_is_a_loop():
    def get_page(path, params):
        return {"meta": {"next": "/external_api/x?offset=0", "total_count": 99, "offset": params["offset"]},
                "objects": [1]}

    with pytest.raises(ApiError, match="paging loop"):
        list(paging.iterate(get_page, "/x"))


def test_a_server_that_ignores_offset_is_refused_not_read_twice():
    def get_page(path, params):
        return {"meta": {"next": "?offset=10", "total_count": 30, "offset": 0}, "objects": list(range(10))}

    with pytest.raises(ApiError, match="asked for offset 10, the server answered with offset 0"):
        list(paging.iterate(get_page, "/x"))


def test_link_offset_and_limit_win_over_arithmetic():
    # The server says where the next page starts (here it skips nothing but caps the limit at 7).
    handler, calls = capped_server([{"id": i} for i in range(20)], 7, LINK_FORMS["app-relative"])
    client = HarmonyMobileClient(FakeTransport(handler), "cid", "key", page_size=100)
    assert len(list(client.paginate(PATH))) == 20
    assert [(c[1]["offset"], c[1]["limit"]) for c in calls] == [(0, 100), (7, 7), (14, 7)]


class Tenant:
    """A thread-safe paged list whose content a test can change between (or during) page reads."""

    def __init__(self, count, cap=50, total_shown=True):
        self.items = [{"id": i} for i in range(1, count + 1)]
        self.cap = cap
        self.total_shown = total_shown
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls = []
        self.on_page = None

    def get_page(self, path, params):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.calls.append(params["offset"])
        time.sleep(0.01)
        with self.lock:
            self.in_flight -= 1
            if self.on_page:
                self.on_page(self, params)
            offset, limit = params["offset"], min(params["limit"], self.cap)
            meta = {"limit": limit, "offset": offset}
            if self.total_shown:
                meta["total_count"] = len(self.items)
            return {"meta": meta, "objects": [dict(i) for i in self.items[offset:offset + limit]]}


def test_parallel_read_is_complete_in_order_and_really_parallel():
    tenant = Tenant(237)
    got = list(paging.iterate(tenant.get_page, "/x", concurrency=8))
    assert [o["id"] for o in got] == list(range(1, 238))
    assert sorted(tenant.calls) == [0, 50, 100, 150, 200] and len(tenant.calls) == 5
    assert tenant.max_in_flight > 1


def test_parallel_read_stops_fetching_at_max_items():
    tenant = Tenant(1000)
    got = list(paging.iterate(tenant.get_page, "/x", concurrency=8, max_items=120))
    assert [o["id"] for o in got] == list(range(1, 121))
    assert sorted(tenant.calls) == [0, 50, 100]


def test_a_total_that_changes_during_the_read_falls_back_to_a_sequential_re_read():
    tenant = Tenant(237)

    def grow_once(t, params):
        if params["offset"] == 100 and len(t.items) == 237:
            t.items.insert(0, {"id": 0})  # a device added mid-read shifts every later page

    tenant.on_page = grow_once
    got = list(paging.iterate(tenant.get_page, "/x", concurrency=8))
    assert [o["id"] for o in got] == list(range(0, 238))
    assert len(tenant.calls) == 5 + 5  # the parallel read, then the sequential one


def disturbed_once(tenant, offset, change):
    """The tenant's pages, with the first answer for ``offset`` changed by ``change(body)``."""
    state = {"done": False}

    def get_page(path, params):
        body = tenant.get_page(path, params)
        if params["offset"] == offset and not state["done"]:
            state["done"] = True
            change(body)
        return body

    return get_page


def test_duplicates_across_pages_fall_back_to_a_sequential_re_read():
    # The server serves an object twice.
    repeating = disturbed_once(Tenant(150), 100, lambda body: body["objects"].__setitem__(0, {"id": 1}))
    assert [o["id"] for o in paging.iterate(repeating, "/x", concurrency=4)] == list(range(1, 151))


def test_a_short_page_falls_back_and_no_total_reads_sequentially():
    short = disturbed_once(Tenant(150), 50, lambda body: body.update(objects=body["objects"][:10]))
    assert [o["id"] for o in paging.iterate(short, "/x", concurrency=4)] == list(range(1, 151))
    no_total = Tenant(120, total_shown=False)
    no_total.cap = 50
    got = list(paging.iterate(no_total.get_page, "/x", page_size=50, concurrency=8))
    assert [o["id"] for o in got] == list(range(1, 121)) and no_total.max_in_flight == 1


def test_a_list_that_cannot_be_read_in_parallel_is_not_requested_twice():
    # An empty alert list is what the event source reads on every quiet poll.
    for tenant in (Tenant(0), Tenant(30, total_shown=False), Tenant(30)):
        got = list(paging.iterate(tenant.get_page, "/x", page_size=50, concurrency=8))
        assert len(got) == len(tenant.items)
        assert tenant.calls == [0], tenant.calls


def test_page_map_runs_in_the_fetching_threads_and_the_checks_see_the_raw_objects():
    tenant = Tenant(237)
    threads = set()

    def label(objects):
        threads.add(threading.current_thread().name)
        # A map that drops the ids: the repeat check must still read them from the raw objects.
        return ["device %d" % o["id"] for o in objects]

    got = list(paging.iterate(tenant.get_page, "/x", concurrency=8, page_map=label))
    assert got == ["device %d" % i for i in range(1, 238)]
    assert len(threads) > 1  # the other pages were mapped where they were fetched, not after the last one

    repeating = disturbed_once(Tenant(150), 100, lambda body: body["objects"].__setitem__(0, {"id": 1}))
    got = list(paging.iterate(repeating, "/x", concurrency=4, page_map=label))
    assert got == ["device %d" % i for i in range(1, 151)]  # the repeat was seen, the list read again


def test_page_map_applies_to_sequential_reads_and_does_not_combine_with_max_items():
    def evens(objects):
        return [o for o in objects if o["id"] % 2 == 0]

    no_total = Tenant(120, total_shown=False)
    assert [o["id"] for o in paging.iterate(no_total.get_page, "/x", page_size=50, page_map=evens)] == list(
        range(2, 121, 2))
    with pytest.raises(ValueError, match="max_items"):
        list(paging.iterate(Tenant(300).get_page, "/x", concurrency=4, max_items=30, page_map=evens))


def test_an_error_mapping_the_first_page_stops_the_pages_not_yet_sent():
    tenant = Tenant(2000, cap=50)  # 40 pages

    def refuse_the_first_page(objects):
        if objects[0]["id"] == 1:
            raise ApiError("the service ignored groups__in")
        return objects

    with pytest.raises(ApiError, match="ignored groups__in"):
        list(paging.iterate(tenant.get_page, "/x", concurrency=2, page_map=refuse_the_first_page))
    # The first page and the few in flight beside it; before, all 40 were still fetched before the error showed.
    assert len(tenant.calls) < 10, len(tenant.calls)
