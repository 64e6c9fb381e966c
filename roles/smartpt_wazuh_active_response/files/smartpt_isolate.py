# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wazuh active response: isolate (or release) the alerting agent through SmartPT.

Installed by the secops.mobile_security.smartpt_wazuh_active_response role.

Input, either form:
- Wazuh 4.2+ JSON on stdin: {"command": "add"|"delete", "parameters": {"alert": {"agent": {"id": ...}}}}.
  "add" isolates, "delete" (the end of an active-response timeout) releases. A first argument of
  "isolate" or "releaseisolate" overrides that mapping.
- The legacy argument form from SmartPT's guide: smartpt_isolate.py isolate|releaseisolate AGENT_ID.

Settings come from a JSON file (default <ossec>/etc/smartpt.json, mode 0600):
{"api_url": ..., "company_key": ..., "requester_email": ..., "timeout": 15, "validate_certs": true}.
Every outcome is written to <ossec>/logs/active-responses.log; the company key never is.
Only the Python standard library is used: Wazuh's bundled Python has nothing else.
"""

import datetime
import json
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.request

NAME = "smartpt-isolate"
ACTIONS = ("isolate", "releaseisolate")
AGENT_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MANAGER_AGENT_ID = "000"
RETRY_STATUSES = (429, 500, 502, 503, 504)
DEFAULT_OSSEC_DIR = "/var/ossec"


class InputError(Exception):
    """The alert or the arguments cannot be used."""


def ossec_dir():
    # The script lives in <ossec>/active-response/bin; tests and unusual layouts set SMARTPT_OSSEC_DIR.
    here = os.path.dirname(os.path.abspath(__file__))
    guess = os.path.dirname(os.path.dirname(here))
    return os.environ.get("SMARTPT_OSSEC_DIR") or (guess if os.path.isdir(os.path.join(guess, "etc")) else DEFAULT_OSSEC_DIR)


def log(base, message):
    line = "%s %s: %s\n" % (datetime.datetime.now().strftime("%Y/%m/%d %H:%M:%S"), NAME, message)
    try:
        with open(os.path.join(base, "logs", "active-responses.log"), "a") as handle:
            handle.write(line)
    except OSError:
        sys.stderr.write(line)


def parse_request(argv, stdin_text):
    """(action, agent_id, message) from the arguments and stdin; raises InputError."""
    args = list(argv)
    if len(args) >= 2 and args[0] in ACTIONS:
        return args[0], validate_agent(args[1]), None
    override = args[0] if args and args[0] in ACTIONS else None
    if args and override is None:
        raise InputError("unknown argument %r (expected isolate or releaseisolate)" % args[0])
    if not stdin_text or not stdin_text.strip():
        raise InputError("no alert on stdin and no agent id argument")
    try:
        message = json.loads(stdin_text)
    except ValueError as err:
        raise InputError("stdin is not JSON: %s" % err)
    if not isinstance(message, dict):
        raise InputError("stdin JSON is not an object")
    command = message.get("command")
    if override:
        action = override
    elif command == "add":
        action = "isolate"
    elif command == "delete":
        action = "releaseisolate"
    else:
        raise InputError("command %r is neither add nor delete" % (command,))
    parameters = message.get("parameters") if isinstance(message.get("parameters"), dict) else {}
    alert = parameters.get("alert") if isinstance(parameters.get("alert"), dict) else {}
    agent = alert.get("agent") if isinstance(alert.get("agent"), dict) else {}
    if agent.get("id") is None:
        raise InputError("alert has no agent.id")
    return action, validate_agent(agent.get("id")), message


def validate_agent(value):
    agent_id = str(value).strip()
    if not AGENT_ID_RE.match(agent_id):
        raise InputError("agent id %r is not valid" % (value,))
    if agent_id == MANAGER_AGENT_ID:
        raise InputError("agent 000 is the Wazuh manager itself; refusing to isolate it")
    return agent_id


def load_settings(path):
    try:
        with open(path) as handle:
            settings = json.load(handle)
    except (OSError, ValueError) as err:
        raise InputError("cannot read settings %s: %s" % (path, err))
    for key in ("api_url", "company_key", "requester_email"):
        if not settings.get(key):
            raise InputError("settings %s lack %s" % (path, key))
    return settings


def check_keys(message, agent_id, stdin, stdout):
    """Wazuh 4.2+ handshake for stateful responses: ask execd whether to go on with this key."""
    if not message or message.get("command") != "add":
        return True
    query = {"version": 1, "origin": {"name": NAME, "module": "active-response"}, "command": "check_keys",
             "parameters": {"keys": [agent_id]}}
    stdout.write(json.dumps(query) + "\n")
    stdout.flush()
    answer = stdin.readline()
    if not answer:
        return True
    try:
        return json.loads(answer).get("command") != "abort"
    except ValueError:
        return True


def call_smartpt(settings, action, agent_id, opener=urllib.request.urlopen, sleep=time.sleep):
    """POST the action; returns (status, message). Retries 429/5xx up to three times.

    The status is the answer's own ``statusCode`` when it carries one (SmartPT relays the vendor's
    error inside an HTTP 200), else the HTTP status.
    """
    body = json.dumps({"action": action, "Email": settings["requester_email"], "agent_id": agent_id}).encode()
    url = settings["api_url"].rstrip("/") + "/wazuh/agents"
    context = None
    if url.startswith("https") and settings.get("validate_certs") is False:
        context = ssl._create_unverified_context()  # pylint: disable=protected-access
    last = (None, "no attempt")
    for attempt in range(4):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", "x-sha256": settings["company_key"]})
        try:
            with opener(request, timeout=float(settings.get("timeout", 15)), context=context) as response:
                raw = response.read()
                return _body_status(raw) or response.status, _message(raw)
        except urllib.error.HTTPError as err:
            last = (err.code, _message(err.read()))
            if err.code not in RETRY_STATUSES:
                return last
        except (urllib.error.URLError, OSError) as err:
            last = (None, str(getattr(err, "reason", err)))
        sleep(min(8, 0.5 * 2 ** attempt))
    return last


def _body_status(raw):
    try:
        data = json.loads(raw or b"{}")
        return int(data.get("statusCode")) if isinstance(data, dict) and data.get("statusCode") is not None else None
    except (ValueError, TypeError):
        return None


def _message(raw):
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return (raw or b"")[:200].decode("utf-8", "replace")
    body = data.get("body") if isinstance(data.get("body"), dict) else {}
    return body.get("message") or data.get("message") or ""


def main(argv=None, stdin=None, stdout=None, opener=urllib.request.urlopen, sleep=time.sleep):
    argv = sys.argv[1:] if argv is None else argv
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    base = ossec_dir()
    legacy = len(argv) >= 2 and argv[0] in ACTIONS
    try:
        first_line = "" if legacy else stdin.readline()
        action, agent_id, message = parse_request(argv, first_line)
        settings = load_settings(os.environ.get("SMARTPT_SETTINGS") or os.path.join(base, "etc", "smartpt.json"))
    except InputError as err:
        log(base, "ignored: %s" % err)
        return 2
    if not check_keys(message, agent_id, stdin, stdout):
        log(base, "%s agent %s: aborted by wazuh-execd (already active)" % (action, agent_id))
        return 0
    status, text = call_smartpt(settings, action, agent_id, opener=opener, sleep=sleep)
    ok = status is not None and 200 <= status < 300
    log(base, "%s agent %s: %s %s%s" % (action, agent_id, "HTTP %s" % status if status else "no answer",
                                        text, "" if ok else " (FAILED)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
