"""SmartPT actions after an answer in doubt: states are re-sent, an audit report never is."""

import pytest
import requests

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError
from ansible_collections.secops.mobile_security.plugins.module_utils.smartpt_client import SmartptClient

from tests.unit.plugins.module_utils.test_http_transport import FakeResponse, Script, make_transport

OK = FakeResponse(200, {"statusCode": 200, "message": "done"})
DOUBTS = {"502": FakeResponse(502, {"message": "bad gateway"}), "504": FakeResponse(504, {"message": "timeout"}),
          "dropped": requests.exceptions.ConnectionError("Connection aborted: RemoteDisconnected")}


@pytest.mark.parametrize("doubt", sorted(DOUBTS))
def test_report_is_never_sent_twice_after_an_answer_in_doubt(doubt):
    script = Script(DOUBTS[doubt], OK)
    transport, _sleeps = make_transport(script)
    with pytest.raises(ApiError) as info:
        SmartptClient(transport, "k" * 64).run("azuread", "AzureADSreport", "soc@example.com", "ana@example.com")
    assert len(script.calls) == 1
    assert info.value.ambiguous
    assert "AzureADSreport for ana@example.com may or may not have been sent" in str(info.value)


@pytest.mark.parametrize("action,platform,target", [("AzureADBlock", "azuread", "ana@example.com"),
                                                    ("isolate", "wazuh", "001"), ("releaseisolate", "cortex", "e1")])
@pytest.mark.parametrize("doubt", sorted(DOUBTS))
def test_state_actions_are_sent_again_after_an_answer_in_doubt(doubt, action, platform, target):
    script = Script(DOUBTS[doubt], OK)
    transport, _sleeps = make_transport(script)
    result = SmartptClient(transport, "k" * 64).run(platform, action, "soc@example.com", target)
    assert result["status_code"] == 200 and len(script.calls) == 2
