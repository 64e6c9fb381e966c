"""Every role that runs a deleting module passes the whole delete guard through (docs/conventions.md, "Words"):
``max_deletes`` and ``max_deletes_floor``, each from a role variable of the same word, with a default, an
argument spec and a README row."""

import os

import pytest
import yaml

from tests.support import REPO_ROOT

GUARD_OPTIONS = ("max_deletes", "max_deletes_floor")


def role_files(role):
    def read(*parts):
        with open(os.path.join(REPO_ROOT, "roles", role, *parts), encoding="utf-8") as handle:
            return handle.read()
    return read


def guarded_roles():
    """Roles with a task that passes max_deletes to a module."""
    found = []
    for role in sorted(os.listdir(os.path.join(REPO_ROOT, "roles"))):
        path = os.path.join(REPO_ROOT, "roles", role, "tasks", "main.yml")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                if any("max_deletes" in args for task in yaml.safe_load(handle) or []
                       for args in task.values() if isinstance(args, dict)):
                    found.append(role)
    return found


def test_the_roles_that_delete_are_found():
    assert {"device_enrolment", "group_hierarchy", "registration_hygiene"} <= set(guarded_roles())


@pytest.mark.parametrize("role", guarded_roles())
def test_a_role_passes_every_delete_guard_option_from_its_own_variable(role):
    read = role_files(role)
    tasks = [args for task in yaml.safe_load(read("tasks", "main.yml")) for args in task.values()
             if isinstance(args, dict) and "max_deletes" in args]
    defaults = yaml.safe_load(read("defaults", "main.yml"))
    specs = yaml.safe_load(read("meta", "argument_specs.yml"))["argument_specs"]["main"]["options"]
    readme = read("README.md")
    for option in GUARD_OPTIONS:
        variable = "%s_%s" % (role, option)
        for args in tasks:
            assert args.get(option) == "{{ %s }}" % variable, (role, option)
        assert variable in defaults and variable in specs, variable
        assert str(specs[variable]["default"]) == str(defaults[variable]), variable
        assert "| `%s` |" % variable in readme, variable


def test_the_fleet_reports_hygiene_preview_takes_every_delete_guard_option_as_the_hygiene_role_does():
    """The report previews the hygiene's next run with its delete guard: each guard option from
    fleet_report_hygiene_<option>, defaulting to registration_hygiene_<option> (else that role's own default),
    with an argument spec and a README row."""
    read = role_files("fleet_report")
    [task] = [args for task in yaml.safe_load(read("tasks", "main.yml")) for block in task.get("block") or [task]
              for args in block.values() if isinstance(args, dict) and "hygiene" in args]
    defaults = yaml.safe_load(read("defaults", "main.yml"))
    hygiene_defaults = yaml.safe_load(role_files("registration_hygiene")("defaults", "main.yml"))
    specs = yaml.safe_load(read("meta", "argument_specs.yml"))["argument_specs"]["main"]["options"]
    readme = read("README.md")
    for option in GUARD_OPTIONS:
        variable, theirs = "fleet_report_hygiene_%s" % option, "registration_hygiene_%s" % option
        assert "'%s': %s |" % (option, variable) in task["hygiene"], option
        assert defaults[variable].startswith("{{ %s | default(" % theirs), variable
        assert str(hygiene_defaults[theirs]) in defaults[variable], variable
        assert variable in specs and "| `%s` |" % variable in readme, variable
