"""The run loop: a user error fails with its message only; anything else is a bug and keeps its traceback."""

import threading
import time

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ApiModule


class Exited(Exception):
    pass


class FakeAnsibleModule:
    def __init__(self):
        self.outcome = None
        self.params = {}
        self.check_mode = False

    def fail_json(self, **result):
        self.outcome = ("failed", result)
        raise Exited()

    def exit_json(self, **result):
        self.outcome = ("ok", result)
        raise Exited()


def run(error):
    class Module(ApiModule):
        def execute(self):
            if error is not None:
                raise error

    module = Module({}, module=FakeAnsibleModule())
    with pytest.raises(Exited):
        module.run()
    return module.module.outcome


def test_user_error_is_a_plain_failure():
    state, result = run(UserError("name: 'a/b' must not contain '/'"))
    assert state == "failed"
    assert result["msg"] == "name: 'a/b' must not contain '/'"
    assert "exception" not in result


def test_a_bug_keeps_its_traceback():
    state, result = run(ValueError("invalid literal for int() with base 10: 'x'"))
    assert state == "failed"
    assert result["msg"] == "ValueError: invalid literal for int() with base 10: 'x'"
    assert "Traceback" in result["exception"] and "in execute" in result["exception"]
    state, result = run(KeyError("group_ids"))
    assert result["msg"].startswith("KeyError") and "Traceback" in result["exception"]


def test_api_error_reports_the_call():
    state, result = run(ApiError("forbidden", "GET", "/app/x", 403))
    assert state == "failed" and result["api_error"]["status"] == 403 and "exception" not in result


def test_success_exits_with_the_result():
    assert run(None) == ("ok", {"changed": False})


def test_the_client_is_built_once_when_threads_ask_for_it_together():
    built = []

    class Module(ApiModule):
        def build_client(self):
            time.sleep(0.05)  # long enough for every thread to find no client yet
            built.append(1)
            return type("Client", (), {"transport": None})()

    module = Module({}, module=FakeAnsibleModule())
    threads = [threading.Thread(target=lambda: module.client) for _index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1


def test_a_harmony_mobile_result_names_its_tenant_and_never_the_key_even_on_failure(monkeypatch):
    from ansible_collections.secops.mobile_security.plugins.module_utils import module_base
    from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule

    class Module(HarmonyMobileModule):
        def execute(self):
            raise UserError("name: bad")

    fake = FakeAnsibleModule()
    fake.params = {"gateway_url": "https://gw.example.com", "region": None, "client_id": "cid-7",
                   "access_key": "the-secret", "tenant_name": "acme"}
    # The task gave every connection option itself.
    monkeypatch.setattr(module_base, "_load_params", lambda: dict(fake.params))
    module = Module({}, module=fake)
    with pytest.raises(Exited):
        module.run()
    state, result = module.module.outcome
    assert state == "failed" and result["msg"] == "name: bad"
    assert result["tenant"] == {"name": "acme", "gateway_url": "https://gw.example.com", "client_id": "cid-7",
                                "tenant_id": None, "label": "acme: cid-7 at gw.example.com"}
    assert "the-secret" not in repr(result)


def test_every_harmony_mobile_module_documents_the_tenant_it_returns():
    import glob
    import os
    import yaml
    modules = glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "modules", "hm_*.py"))
    assert len(modules) == 11
    for path in modules:
        source = open(path).read()
        documented = yaml.safe_load(source.split("RETURN = r'''", 1)[1].split("'''", 1)[0])
        assert set(documented["tenant"]["sample"]) == {"name", "gateway_url", "client_id", "tenant_id", "label"}, path


@pytest.mark.parametrize("task_gave,environment,reported", [
    # The task names its region; HM_GATEWAY_URL of another tenant is in the environment.
    ({"region": "us"}, {"gateway_url": "https://gw.other-tenant.example.com"},
     "https://cloudinfra-gw-us.portal.checkpoint.com"),
    # The task gives no gateway at all (refused): neither the environment's nor the default region is reported.
    ({}, {"gateway_url": "https://gw.other-tenant.example.com"}, None),
])
def test_a_named_tenant_failing_before_its_client_reports_only_its_own_gateway(
        monkeypatch, task_gave, environment, reported):
    from ansible_collections.secops.mobile_security.plugins.module_utils import module_base
    from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule

    class Module(HarmonyMobileModule):
        def execute(self):
            raise UserError("fields: [] would return devices without a single field")

    own = dict({"client_id": "cid-7", "access_key": "the-secret", "tenant_name": "acme"}, **task_gave)
    fake = FakeAnsibleModule()
    fake.params = dict({"gateway_url": None, "region": None}, **dict(environment, **own))
    monkeypatch.setattr(module_base, "_load_params", lambda: dict(own))
    module = Module({}, module=fake)
    with pytest.raises(Exited):
        module.run()
    _state, result = module.module.outcome
    assert result["tenant"]["gateway_url"] == reported
    assert "other-tenant" not in repr(result) and "the-secret" not in repr(result)
