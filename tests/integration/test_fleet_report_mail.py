"""The fleet report by mail (role fleet_report, tasks/mail_check.yml and tasks/mail.yml) for real: ansible-playbook
runs playbooks/weekly_fleet_report.yml against the simulator.

community.general is optional and not among the collection's requirements: asked for mail without it, the role
fails before reading the tenant and says how to install it (always tested: the tests' collections path holds this
collection alone). Where community.general is installed (`make test-collections-setup`, which `make integration`
runs, unpacks it from the pinned `ansible` package into .build/test-collections for the tests alone; or a path on
ANSIBLE_COLLECTIONS_PATH, the user's or the system's collections, or Python's path), the page is also mailed to an
SMTP sink run by the test (standard library only) and the message is read back; otherwise that test is skipped and
says so.
"""

import email
import email.policy
import json
import os
import socketserver
import sys
import threading

import pytest

from tests.support import REPO_ROOT, Simulator, ensure_collection_link, one_line, run_playbook

PLAYBOOK = os.path.join(REPO_ROOT, "playbooks", "weekly_fleet_report.yml")
HOW_TO_INSTALL = "ansible-galaxy collection install community.general"
# Where `make test-collections-setup` unpacks community.general for the tests (never the user's collections path).
TEST_COLLECTIONS = os.path.join(REPO_ROOT, ".build", "test-collections")


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    sim = Simulator(str(tmp_path_factory.mktemp("fleet-mail")), extra_args=["--seed-devices", "40"]).start()
    yield sim
    sim.stop()


def run_report(sim, dest, extra=None, env=None):
    variables = dict({"fleet_report_dest": str(dest)}, **(extra or {}))
    return run_playbook(PLAYBOOK, sim, extra_vars=variables, env=dict(
        {"HM_TOKEN_CACHE_PATH": os.path.join(sim.workdir, "tokens.json")}, **(env or {})))


def tenant_reads(sim):
    """Requests the simulator answered for the tenant (logins included)."""
    stats = sim.stats()
    return sum(stats.get("by_route", {}).values())


def test_mail_without_community_general_refuses_before_reading_the_tenant(sim, tmp_path):
    out = tmp_path / "out"
    before = tenant_reads(sim)
    result = run_report(sim, out, {"fleet_report_mail_to": ["lead@example.com"]})
    text = one_line(result.stdout)
    assert result.returncode != 0, text[-3000:]
    assert "the community.general collection is not installed here" in text and HOW_TO_INSTALL in text
    assert "Nothing was read or written" in text
    assert tenant_reads(sim) == before
    assert not out.exists()


def test_a_link_without_where_the_pages_are_published_is_refused_before_reading(sim, tmp_path):
    out = tmp_path / "out"
    before = tenant_reads(sim)
    result = run_report(sim, out, {"fleet_report_mail_to": ["lead@example.com"], "fleet_report_mail_attach": False})
    text = one_line(result.stdout)
    assert result.returncode != 0
    assert "so the mail needs fleet_report_mail_link" in text
    assert tenant_reads(sim) == before and not out.exists()


def test_no_mail_asked_needs_no_community_general(sim, tmp_path):
    result = run_report(sim, tmp_path / "out")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Mail the tenant's report" not in result.stdout


def community_general_path():
    """A collections path (the directory holding ansible_collections/) where community.general is installed."""
    candidates = [TEST_COLLECTIONS] + os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) + [
        os.path.expanduser("~/.ansible/collections"), "/usr/share/ansible/collections"] + sys.path
    for path in candidates:
        if path and os.path.exists(os.path.join(path, "ansible_collections", "community", "general", "plugins",
                                                "modules", "mail.py")):
            return path
    return None


class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP for smtplib without TLS: every message received is kept, as bytes."""
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmtpSession)
        self.messages = []


class SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        envelope = {"to": []}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 sink")
            elif verb == b"MAIL":
                envelope = {"from": line.decode().strip(), "to": []}
                self.reply("250 OK")
            elif verb == b"RCPT":
                envelope["to"].append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 end with .")
                data = []
                for body_line in iter(self.rfile.readline, b""):
                    if body_line in (b".\r\n", b".\n"):
                        break
                    data.append(body_line[1:] if body_line.startswith(b"..") else body_line)
                self.server.messages.append((envelope, b"".join(data)))
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture()
def smtp_sink():
    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.shutdown()
    sink.server_close()


def community_general_env_or_skip():
    """The environment that lets a run mail with community.general; the test is skipped where it is not installed."""
    collections = community_general_path()
    if collections is None:
        pytest.skip("community.general is not installed (not a requirement of this collection; `make "
                    "test-collections-setup` unpacks it for the tests): only the refusal without it is tested here")
    return {"ANSIBLE_COLLECTIONS_PATH": os.pathsep.join((ensure_collection_link(), collections))}


def mail_settings(sink, **extra):
    return dict({"fleet_report_mail_to": ["lead@example.com", "soc@example.com"],
                 "fleet_report_mail_from": "reports@example.com", "fleet_report_mail_host": "127.0.0.1",
                 "fleet_report_mail_port": sink.server_address[1], "fleet_report_mail_secure": "never"}, **extra)


def test_the_page_is_mailed_attached_or_linked(sim, tmp_path, smtp_sink):
    env = community_general_env_or_skip()
    out = tmp_path / "out"
    result = run_report(sim, out, mail_settings(smtp_sink), env=env)
    assert result.returncode == 0, result.stdout[-4000:]
    assert len(smtp_sink.messages) == 1
    envelope, raw = smtp_sink.messages[0]
    assert sorted(envelope["to"]) == ["lead@example.com", "soc@example.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    page = next(out.glob("*-fleet-report.html"))
    csv_file = next(out.glob("*-fleet-report.csv"))
    total = sim.stats()["state"]["devices"]
    tenant = json.loads(next(out.glob("*-fleet-report.json")).read_text())["tenant"]
    assert message["From"] == "reports@example.com"
    # A tenant named by no inventory host (the environment's connection) is called by its label.
    assert "Fleet posture: %s: %d devices" % (tenant["name"] or tenant["label"], total) in " ".join(
        message["Subject"].split())
    attached = dict((part.get_filename(), part.get_content()) for part in message.iter_attachments())
    assert sorted(attached) == sorted([page.name, csv_file.name])
    as_text = [v.decode("utf-8") if isinstance(v, bytes) else v for v in (attached[page.name], attached[csv_file.name])]
    assert as_text == [page.read_text(encoding="utf-8"), csv_file.read_text(encoding="utf-8")]
    assert "%d devices" % total in message.get_body(("plain",)).get_content()

    linked = tmp_path / "linked"
    result = run_report(sim, linked, mail_settings(smtp_sink, fleet_report_mail_attach=False,
                                                   fleet_report_mail_link="https://reports.example.com/fleet/"),
                        env=env)
    assert result.returncode == 0, result.stdout[-4000:]
    message = email.message_from_bytes(smtp_sink.messages[1][1], policy=email.policy.default)
    assert not list(message.iter_attachments())
    page = next(linked.glob("*-fleet-report.html"))
    assert "The page: https://reports.example.com/fleet/%s" % page.name in message.get_body(("plain",)).get_content()


def test_a_page_a_fail_when_rule_failed_is_mailed_before_the_tenant_fails(sim, tmp_path, smtp_sink):
    env = community_general_env_or_skip()
    out = tmp_path / "out"
    result = run_report(sim, out, mail_settings(smtp_sink, fleet_report_fail_when=[{"measure": "high", "above": 0}]),
                        env=env)
    assert result.returncode != 0, result.stdout[-4000:]
    assert len(smtp_sink.messages) == 1
    message = email.message_from_bytes(smtp_sink.messages[0][1], policy=email.policy.default)
    assert message["Subject"].startswith("FAILED Fleet posture")
    assert "The report broke a rule, so the job fails for this tenant" in " ".join(
        message.get_body(("plain",)).get_content().split())
    page = next(out.glob("*-fleet-report.html"))
    assert page.name in [part.get_filename() for part in message.iter_attachments()]
