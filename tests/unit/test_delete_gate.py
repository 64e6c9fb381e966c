"""Every delete goes through the one gate (docs/conventions.md, "Delete guard"), checked on the shipped code.

The client's delete calls (``delete_device``, call 11; ``delete_group``, call 18) are called only by
``guards.DeleteGate``, which counts every delete of a run against ``max_deletes`` before the first write; the
session's ``delete`` verb only by those two client calls; and an HTTP DELETE is sent only by that verb. Any other
caller - a module, a state class, a plugin, a role - fails this test, so a new delete cannot skip the guard.
"""

import ast
import os

from tests.support import REPO_ROOT
from tests.unit.test_shape import SHIPPED, shipped_files

CLIENT_DELETES = ("delete_device", "delete_group")
# (file, enclosing function or class) -> the delete calls it may make.
ALLOWED = {
    ("plugins/module_utils/guards.py", "DeleteGate"): set(CLIENT_DELETES),
    ("plugins/module_utils/harmony_client.py", "delete_device"): {"delete"},
    ("plugins/module_utils/harmony_client.py", "delete_group"): {"delete"},
    ("plugins/module_utils/harmony_session.py", "delete"): {"DELETE"},
}


def delete_calls(source):
    """(line, what, the names of the classes and functions around it) of every delete call in Python source: a
    call of ``.delete_device``, ``.delete_group`` or ``.delete``, a ``getattr`` of one of them, and a call with
    the HTTP method "DELETE" among its arguments."""
    found = []

    def visit(node, around):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            around = around + (node.name,)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in CLIENT_DELETES + ("delete",):
                found.append((node.lineno, func.attr, around))
            constants = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if isinstance(func, ast.Name) and func.id == "getattr":
                found.extend((node.lineno, c, around) for c in constants if c in CLIENT_DELETES + ("delete",))
            # The HTTP method as the session and the transport take it: first and in capitals (a lower-case
            # "delete" there is a plan's action), or a keyword named method in any case.
            methods = [c for c in constants[:1] if c.strip() == "DELETE"] + [
                k.value.value for k in node.keywords if k.arg == "method" and isinstance(k.value, ast.Constant)
                and str(k.value.value).strip().upper() == "DELETE"]
            found.extend((node.lineno, "DELETE", around) for _method in methods)
        for child in ast.iter_child_nodes(node):
            visit(child, around)

    visit(ast.parse(source), ())
    return found


def bypasses(relative, source):
    """The delete calls of one file that are not the gate's own."""
    return ["%s:%d: %s" % (relative, line, what) for line, what, around in delete_calls(source)
            if not any(what in ALLOWED.get((relative, name), ()) for name in around)]


def test_no_code_but_the_gate_calls_a_delete():
    found = []
    for relative, path in shipped_files((".py",)):
        with open(path, encoding="utf-8") as handle:
            found += bypasses(relative.replace(os.sep, "/"), handle.read())
    assert found == [], "deletes that skip guards.DeleteGate: %s" % found


def test_the_gate_is_there_and_calls_the_client():
    with open(os.path.join(REPO_ROOT, "plugins", "module_utils", "guards.py"), encoding="utf-8") as handle:
        calls = delete_calls(handle.read())
    assert {what for _line, what, around in calls if "DeleteGate" in around} == set(CLIENT_DELETES)
    assert "plugins" in SHIPPED


def test_the_check_finds_every_way_around_the_gate():
    source = '''
"""client.delete_device(1) in a docstring describes."""
def purge(client, session, ids):
    for i in ids:
        client.delete_device(i)
    tenant.client.delete_group(3)
    session.delete("/app/SBM/external_api/v1/device/1/")
    getattr(client, "delete_device")(2)
    session.request("DELETE", "/x")
    session.transport.send(method="delete", path="/x")


class DeleteGate:
    def delete(self, i):
        self.client.delete_device(i)
'''
    assert bypasses("plugins/module_utils/other.py", source) == ["plugins/module_utils/other.py:%s" % line for line in (
        "5: delete_device", "6: delete_group", "7: delete", "8: delete_device", "9: DELETE", "10: DELETE",
        "15: delete_device")]
    # In guards.py the class DeleteGate is the gate: its own call is allowed, the function beside it is not.
    found = bypasses("plugins/module_utils/guards.py", source)
    assert len(found) == 6 and not [entry for entry in found if entry.endswith(":15: delete_device")]
