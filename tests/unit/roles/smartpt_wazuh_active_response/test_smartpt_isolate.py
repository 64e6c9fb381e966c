"""The Wazuh active-response script: parsing good and malformed input, handshake, HTTP, logging."""

import importlib.util
import io
import json
import os
import urllib.error

import pytest

from tests.support import REPO_ROOT

SCRIPT = os.path.join(REPO_ROOT, "roles", "smartpt_wazuh_active_response", "files", "smartpt_isolate.py")
spec = importlib.util.spec_from_file_location("smartpt_isolate", SCRIPT)
ar = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ar)

KEY = "c0ffee" * 10


def alert(command="add", agent_id="003"):
    return json.dumps({"version": 1, "origin": {"name": "node01", "module": "wazuh-execd"}, "command": command,
                       "parameters": {"extra_args": [], "alert": {"rule": {"level": 12, "id": "100200"},
                                                                  "agent": {"id": agent_id, "name": "web-01"}},
                                      "program": "active-response/bin/smartpt-isolate.py"}})


@pytest.mark.parametrize("argv,stdin,expected", [
    ([], alert("add"), ("isolate", "003")),
    ([], alert("delete"), ("releaseisolate", "003")),
    (["releaseisolate"], alert("add"), ("releaseisolate", "003")),
    (["isolate", "017"], "", ("isolate", "017")),
    (["releaseisolate", " 017 "], "", ("releaseisolate", "017")),
])
def test_parse_good_input(argv, stdin, expected):
    action, agent_id, _message = ar.parse_request(argv, stdin)
    assert (action, agent_id) == expected


@pytest.mark.parametrize("argv,stdin,error", [
    ([], "", "no alert on stdin"),
    ([], "{not json", "not JSON"),
    ([], "[1, 2]", "not an object"),
    ([], json.dumps({"command": "add", "parameters": {"alert": {}}}), "no agent.id"),
    ([], json.dumps({"command": "restart"}), "neither add nor delete"),
    ([], alert(agent_id="000"), "Wazuh manager itself"),
    ([], alert(agent_id="../../etc"), "not valid"),
    (["isolate", "a b"], "", "not valid"),
    (["reboot"], alert(), "unknown argument"),
])
def test_parse_malformed_input(argv, stdin, error):
    with pytest.raises(ar.InputError, match=error):
        ar.parse_request(argv, stdin)


class FakeResponse:
    def __init__(self, status, body):
        self.status = status
        self.body = body

    def read(self):
        return json.dumps(self.body).encode()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def make_opener(*answers):
    calls = []

    def opener(request, timeout=None, context=None):
        calls.append({"url": request.full_url, "headers": dict(request.header_items()),
                      "body": json.loads(request.data), "timeout": timeout})
        answer = answers[len(calls) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer
    return opener, calls


@pytest.fixture
def ossec(tmp_path, monkeypatch):
    for sub in ("etc", "logs"):
        (tmp_path / sub).mkdir()
    (tmp_path / "etc" / "smartpt.json").write_text(json.dumps({
        "api_url": "https://smartpt.example.com/", "company_key": KEY, "requester_email": "soc@example.com",
        "timeout": 5}))
    monkeypatch.setenv("SMARTPT_OSSEC_DIR", str(tmp_path))
    return tmp_path


def log_text(ossec_dir):
    return (ossec_dir / "logs" / "active-responses.log").read_text()


def test_isolates_with_handshake_and_logs_without_the_key(ossec):
    opener, calls = make_opener(FakeResponse(200, {"statusCode": 200, "body": {"message": "Action executed successfully"}}))
    stdin = io.StringIO(alert("add") + "\n" + json.dumps({"command": "continue"}) + "\n")
    stdout = io.StringIO()
    assert ar.main([], stdin, stdout, opener=opener, sleep=lambda s: None) == 0
    handshake = json.loads(stdout.getvalue())
    assert handshake["command"] == "check_keys" and handshake["parameters"]["keys"] == ["003"]
    assert calls[0]["url"] == "https://smartpt.example.com/wazuh/agents"
    assert calls[0]["body"] == {"action": "isolate", "Email": "soc@example.com", "agent_id": "003"}
    assert calls[0]["headers"]["X-sha256"] == KEY and calls[0]["timeout"] == 5.0
    text = log_text(ossec)
    assert "smartpt-isolate: isolate agent 003: HTTP 200 Action executed successfully" in text
    assert KEY not in text


def test_abort_from_execd_sends_nothing(ossec):
    opener, calls = make_opener()
    stdin = io.StringIO(alert("add") + "\n" + json.dumps({"command": "abort"}) + "\n")
    assert ar.main([], stdin, io.StringIO(), opener=opener) == 0
    assert calls == [] and "aborted by wazuh-execd" in log_text(ossec)


def test_release_on_delete_without_handshake(ossec):
    opener, calls = make_opener(FakeResponse(200, {"statusCode": 200, "body": {"message": "ok"}}))
    stdout = io.StringIO()
    assert ar.main([], io.StringIO(alert("delete") + "\n"), stdout, opener=opener) == 0
    assert stdout.getvalue() == "" and calls[0]["body"]["action"] == "releaseisolate"


def test_legacy_argv_form(ossec):
    opener, calls = make_opener(FakeResponse(200, {"statusCode": 200, "body": {"message": "ok"}}))
    assert ar.main(["isolate", "042"], io.StringIO(""), io.StringIO(), opener=opener) == 0
    assert calls[0]["body"]["agent_id"] == "042"


def test_retries_5xx_then_reports_failure(ossec):
    def error(code):
        return urllib.error.HTTPError("u", code, "x", {}, io.BytesIO(json.dumps({"message": "boom %d" % code}).encode()))
    opener, calls = make_opener(error(503), error(500), error(502), error(500))
    sleeps = []
    assert ar.main(["isolate", "042"], io.StringIO(""), io.StringIO(), opener=opener, sleep=sleeps.append) == 1
    assert len(calls) == 4 and len(sleeps) == 4
    assert "HTTP 500 boom 500 (FAILED)" in log_text(ossec)


def test_401_is_not_retried(ossec):
    err = urllib.error.HTTPError("u", 401, "x", {}, io.BytesIO(b'{"statusCode": 401, "message": "Unauthorized"}'))
    opener, calls = make_opener(err)
    assert ar.main(["isolate", "042"], io.StringIO(""), io.StringIO(), opener=opener, sleep=lambda s: None) == 1
    assert len(calls) == 1 and "HTTP 401 Unauthorized (FAILED)" in log_text(ossec)


def test_malformed_input_is_logged_and_ignored(ossec):
    opener, calls = make_opener()
    assert ar.main([], io.StringIO("garbage\n"), io.StringIO(), opener=opener) == 2
    assert calls == [] and "ignored: stdin is not JSON" in log_text(ossec)


def test_missing_settings_are_logged(ossec):
    (ossec / "etc" / "smartpt.json").write_text(json.dumps({"api_url": "https://x"}))
    assert ar.main(["isolate", "042"], io.StringIO(""), io.StringIO()) == 2
    assert "lack company_key" in log_text(ossec)


def test_an_error_status_inside_an_http_200_is_a_failure(ossec):
    opener, calls = make_opener(FakeResponse(200, {"statusCode": 404, "body": {"message": "Agent not found"}}))
    assert ar.main(["isolate", "042"], io.StringIO(""), io.StringIO(), opener=opener, sleep=lambda s: None) == 1
    assert len(calls) == 1
    assert "isolate agent 042: HTTP 404 Agent not found (FAILED)" in log_text(ossec)
