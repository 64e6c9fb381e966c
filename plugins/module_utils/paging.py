# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tastypie paging that works whatever form ``meta.next`` takes.

The live service's ``meta.next`` is relative to the app mount
(``/external_api/v3/alert/?...&offset=100``, without ``/app/SBM``); other
servers give the gateway path, a full URL or a bare ``?query``, or no link at
all. Requesting the link as a path would 404 on the first of those forms, so
the client never does: it keeps the path it asked for and takes only
``limit`` and ``offset`` from the link. Without a usable link it continues
at ``meta.offset`` + objects received while that is below
``meta.total_count``. It never assumes the page size it asked for: a server
may cap ``limit``. A bare JSON list is taken as the only page.
"""

from concurrent.futures import ThreadPoolExecutor

from urllib.parse import parse_qsl, urlsplit

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError


def split_page(body):
    """(objects, meta) from a Tastypie page or a bare list."""
    if isinstance(body, list):
        return body, {}
    if isinstance(body, dict):
        objects = body.get("objects")
        if objects is None:
            objects = body.get("data") if isinstance(body.get("data"), list) else None
        if isinstance(objects, list):
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            return objects, meta
    raise ApiError("expected a list page (meta/objects), got %s" % type(body).__name__)


def link_window(next_link, base_url):
    """(offset, limit) that a ``meta.next`` link asks for, each None when the link does not say.

    A link to another host is refused: following it would hand the bearer token to that host.
    """
    parts = urlsplit(str(next_link))
    if parts.scheme or parts.netloc:
        base = urlsplit(base_url)
        if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
            raise ApiError("refusing to follow paging link to another host: %s://%s" % (parts.scheme, parts.netloc))
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return as_int(query.get("offset")), as_int(query.get("limit"))


def next_window(meta, base_url, offset, limit, received):
    """(offset, limit) of the page after this one, or None when this was the last page.

    ``offset``/``limit`` are what this page was asked for; ``received`` how many objects it held.
    """
    link = meta.get("next")
    page_offset = as_int(meta.get("offset"))
    if page_offset is None:
        page_offset = offset
    elif page_offset != offset:
        # A server that ignores offset would hand us its first page again and again.
        raise ApiError("paging: asked for offset %d, the server answered with offset %d" % (offset, page_offset))
    if link:
        link_offset, link_limit = link_window(link, base_url)
        if link_offset is not None:
            return link_offset, link_limit or limit
    total = as_int(meta.get("total_count"))
    if total is None:
        # No total: a full page (by the size the server says it used) may have more behind it, a short
        # one cannot; a link without an offset still says there is more.
        full = received >= (as_int(meta.get("limit")) or limit)
        return (page_offset + received, limit) if received and (link or full) else None
    if page_offset + received >= total:
        return None
    return page_offset + received, limit


def iterate(get_page, path, params=None, page_size=100, base_url="", max_items=None, concurrency=1, page_map=None):
    """Yield every object of a paged list. ``get_page(path, params)`` returns the parsed body.

    With ``concurrency`` > 1 and a ``total_count`` on the first page, the other pages are fetched at
    once (at most ``concurrency`` in flight) and yielded in offset order; if they do not add up
    (the total changed, a page is short or repeats objects), the list is read again one page after
    another rather than returned wrong.

    ``page_map(objects)`` turns each page's objects into what is yielded. It runs in the thread that fetched
    the page, so that work on the pages already answered overlaps the wait for the others; it must be
    thread-safe and must not change the objects in place, since the checks above read them as the service
    sent them. ``max_items`` counts the service's objects, so the two do not combine.
    """
    if page_map is not None and max_items is not None:
        raise ValueError("paging: max_items counts the service's objects; it cannot bound a page_map's output")
    page_map = page_map or _unchanged
    params = dict(params or {})
    limit = as_int(params.pop("limit", None)) or page_size
    offset = as_int(params.pop("offset", None)) or 0
    first = get_page(path, dict(params, limit=limit, offset=offset))
    plan = _parallel_plan(first, offset, base_url, max_items) if concurrency > 1 else None
    if plan is not None:
        pages = _read_rest_concurrently(get_page, path, params, first, plan, concurrency, page_map)
        if pages is not None:
            for index, obj in enumerate(_chain(pages)):
                if max_items is not None and index >= max_items:
                    return
                yield obj
            return
        # The pages did not add up: read the list again, one page after another.
        first = get_page(path, dict(params, limit=limit, offset=offset))
    yield from _read_sequentially(get_page, path, params, offset, limit, first, base_url, max_items, page_map)


def _unchanged(objects):
    return objects


def _read_sequentially(get_page, path, params, offset, limit, body, base_url, max_items, page_map):
    yielded = 0
    while True:
        objects, meta = split_page(body)
        for obj in page_map(objects):
            yield obj
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        if not objects or not meta:
            return
        window = next_window(meta, base_url, offset, limit, len(objects))
        if window is None:
            return
        if window[0] <= offset:
            raise ApiError("paging loop: the server's next page starts at offset %d, not after %d" % (
                window[0], offset))
        offset, limit = window
        body = get_page(path, dict(params, limit=limit, offset=offset))


def _parallel_plan(first, offset, base_url, max_items):
    """(total, page size, offsets of the other pages) when the first page allows a parallel read, else None."""
    objects, meta = split_page(first)
    total = as_int(meta.get("total_count"))
    page_limit = as_int(meta.get("limit")) or len(objects)
    if total is None or not objects or page_limit <= 0:
        return None
    if len(objects) != min(page_limit, max(total - offset, 0)):
        return None
    link = meta.get("next")
    if link:
        link_offset, _link_limit = link_window(link, base_url)
        if link_offset is not None and link_offset != offset + page_limit:
            return None  # the server pages by its own rule; follow it one page at a time
    end = total if max_items is None else min(total, offset + max_items)
    return total, page_limit, list(range(offset + page_limit, end, page_limit))


def _read_rest_concurrently(get_page, path, params, first, plan, concurrency, page_map):
    """Every page's objects (mapped) in order, or None when the pages did not add up."""
    objects = split_page(first)[0]
    total, page_limit, offsets = plan
    if not offsets:
        return [page_map(objects)]

    def fetch(page_offset):
        body = get_page(path, dict(params, limit=page_limit, offset=page_offset))
        page, page_meta = split_page(body)
        return page, page_meta, page_map(page)

    with ThreadPoolExecutor(max_workers=min(concurrency, len(offsets))) as pool:
        try:
            answers = pool.map(fetch, offsets)
            # The first page is mapped here while the others are in flight.
            pages, seen = [page_map(objects)], set(_object_ids(objects))
            answers = list(answers)
        except BaseException:
            # Pages not yet sent are not sent: the error is known, and they would only delay it.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    for page_offset, (page, page_meta, mapped) in zip(offsets, answers):
        expected = min(page_limit, total - page_offset)
        if (as_int(page_meta.get("total_count")) not in (None, total) or len(page) != expected
                or as_int(page_meta.get("offset")) not in (None, page_offset)):
            return None
        ids = _object_ids(page)
        if seen.intersection(ids):
            return None
        seen.update(ids)
        pages.append(mapped)
    return pages


def _object_ids(objects):
    ids = []
    for obj in objects:
        if isinstance(obj, dict):
            value = obj.get("internal_id", obj.get("id"))
            if value is not None:
                ids.append(str(value))
    return ids


def _chain(pages):
    for page in pages:
        yield from page


def as_int(value):
    """An int from a number or a numeric string (meta fields come as either), else None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
