"""The shape the code promises in docs/conventions.md, checked on the code itself.

- An API filter name appears only in its resource's file (the filter table), nowhere else in the code that
  ships: not in modules, plugins, roles, playbooks or rulebooks. Documentation strings may describe them.
- Every module is an argument spec and one call: its code, documentation aside, stays small.
"""

import ast
import os
import re

import pytest

from tests.support import REPO_ROOT

# Filter name -> the one file whose filter table holds it.
OWNED = {name: "plugins/module_utils/devices.py" for name in (
    "risk_in", "status_in", "groups__in", "mdm__uuid", "time_gte", "time_lte", "time__gte", "time__lte",
    # Sent only once an answer has shown it returns every device of a status (devices.CHECKED_FILTERS).
    "status__in")}
OWNED.update({name: "plugins/module_utils/log_entries.py" for name in (
    "id__gt", "id__lt", "backend_last_updated__gte", "backend_last_updated__lte", "time__gt")})
# Spellings the collection never sends (docs/api-notes.md, "Device filters"; "Delete by e-mail").
NEVER_SENT = ("risk__in", "groups__exact", "user_email", "mi_id")
SHIPPED = ("plugins", "extensions", "roles", "playbooks")
DOC_NAMES = ("DOCUMENTATION", "EXAMPLES", "RETURN")
MAX_MODULE_CODE_LINES = 100


def shipped_files(suffixes):
    for top in SHIPPED:
        for folder, _dirs, files in os.walk(os.path.join(REPO_ROOT, top)):
            for name in files:
                if name.endswith(suffixes):
                    path = os.path.join(folder, name)
                    yield os.path.relpath(path, REPO_ROOT), path


def documentation_lines(tree):
    """Lines of docstrings and of DOCUMENTATION/EXAMPLES/RETURN: what describes, not what runs."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") in DOC_NAMES for t in node.targets):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def code_strings(path):
    """(line, text) of every string constant in a Python file's code."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    described = documentation_lines(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.lineno not in described]


def names_in(text):
    return [name for name in list(OWNED) + list(NEVER_SENT) if re.search(r"(?<![A-Za-z_])%s(?![A-Za-z_])" % name, text)]


def test_api_filter_names_appear_only_in_their_resource_file():
    found = []
    for relative, path in shipped_files((".py",)):
        for line, text in code_strings(path):
            found += ["%s:%d: %s" % (relative, line, name) for name in names_in(text) if OWNED.get(name) != relative]
    for relative, path in shipped_files((".yml", ".yaml", ".j2")):
        with open(path, encoding="utf-8") as handle:
            found += ["%s: %s" % (relative, name) for name in names_in(handle.read())]
    assert found == []


def test_the_check_finds_a_filter_name_typed_elsewhere(tmp_path):
    typed = tmp_path / "typed.py"
    typed.write_text('"""groups__in in a docstring describes."""\nQUERY = {"groups__in": "1"}\nOK = "time__gte"\n')
    assert sorted(name for _line, text in code_strings(str(typed)) for name in names_in(text)) == [
        "groups__in", "time__gte"]


def test_the_filter_tables_hold_every_owned_name():
    from ansible_collections.secops.mobile_security.plugins.module_utils import devices, log_entries
    assert {n for n, owner in OWNED.items() if owner.endswith("devices.py")} == set(devices.FILTER_NAMES) - {"status"}
    assert {n for n, owner in OWNED.items() if owner.endswith("log_entries.py")} == set().union(
        *log_entries.FILTER_NAMES.values())


def module_files():
    folder = os.path.join(REPO_ROOT, "plugins", "modules")
    return sorted(name for name in os.listdir(folder) if name.endswith(".py") and name != "__init__.py")


@pytest.mark.parametrize("name", module_files())
def test_a_module_is_an_argument_spec_and_one_call(name):
    path = os.path.join(REPO_ROOT, "plugins", "modules", name)
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    described = documentation_lines(ast.parse(source))
    code = [text for number, text in enumerate(source.splitlines(), 1)
            if number not in described and text.strip() and not text.strip().startswith("#")]
    assert len(code) <= MAX_MODULE_CODE_LINES, "%s has %d lines of code" % (name, len(code))
    # Modules never talk HTTP or build URLs themselves.
    assert not [t for t in code if "/external_api" in t or "requests" in t.split("#")[0] or "HttpTransport" in t]
