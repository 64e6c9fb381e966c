import pytest

from tests.support import Simulator, ensure_collection_link

ensure_collection_link()


@pytest.fixture(scope="session")
def simulator(tmp_path_factory):
    """One simulator process for the session; tests reset its state and faults as they need."""
    sim = Simulator(str(tmp_path_factory.mktemp("sim"))).start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(simulator):
    simulator.reset()
    simulator.faults(rate_429=0, rate_500=0, rate_502=0, rate_503=0, rate_drop=0, rate_slow=0,
                     rate_drop_after_write=0, retry_after=0, seed=None, paths="", opaque_status=False)
    simulator.config(token_ttl=3600, max_page_size=100, variants={}, latency_ms=0, rate_limit=0)
    simulator.reset_stats()
    return simulator
