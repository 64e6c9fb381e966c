"""The token cache file shared by parallel forks, one tenant each."""

import multiprocessing
import time

from ansible_collections.secops.mobile_security.plugins.module_utils.token_cache import TokenCache, cache_key


def add_tenant_tokens(path, tenant, count):
    cache = TokenCache(path)
    for i in range(count):
        cache.put(cache_key("https://gw", "client-%s" % tenant, "key-%d" % i), "token-%s-%d" % (tenant, i),
                  time.time() + 600)


def test_parallel_forks_keep_each_others_entries(tmp_path):
    path = str(tmp_path / "tokens.json")
    workers = [multiprocessing.Process(target=add_tenant_tokens, args=(path, tenant, 25)) for tenant in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    cache = TokenCache(path)
    for tenant in range(6):
        for i in range(25):
            assert cache.get(cache_key("https://gw", "client-%s" % tenant, "key-%d" % i))[0] == "token-%s-%d" % (tenant, i)


def test_each_tenant_has_its_own_entry():
    keys = set(cache_key(gw, cid, key) for gw in ("https://a", "https://b") for cid in ("c1", "c2")
               for key in ("k1", "k2"))
    assert len(keys) == 8
