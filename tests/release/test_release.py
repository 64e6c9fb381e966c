"""Release checks: build the collection tarball, install it into a fresh path, run the example playbooks from
the installed copy against the simulator, and check the execution-environment definition with ansible-builder."""

import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from tests.support import REPO_ROOT, ansible_env, run_playbook

BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(out), REPO_ROOT],
                   check=True, capture_output=True, text=True)
    with open(os.path.join(REPO_ROOT, "galaxy.yml")) as handle:
        version = yaml.safe_load(handle)["version"]
    path = out / ("secops-mobile_security-%s.tar.gz" % version)
    assert path.exists()
    return path


def test_tarball_content(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for wanted in ("MANIFEST.json", "meta/runtime.yml", "plugins/modules/hm_device_sync.py",
                   "plugins/inventory/hm_devices.py", "roles/device_enrolment/tasks/main.yml",
                   "playbooks/enrol_devices.yml", "extensions/eda/plugins/event_source/hm_alerts.py",
                   "docs/api-notes.md", "CHANGELOG.rst", "requirements.txt", "bindep.txt",
                   "meta/execution-environment.yml"):
        assert wanted in names, wanted
    for unwanted in ("tests/simulator", ".venv", ".build", "__pycache__", ".pytest_cache", ".hypothesis", ".git/", ".db"):
        assert not [n for n in names if unwanted in n], unwanted
    assert len(names) < 400


def test_installed_copy_runs_the_example_playbooks(tarball, sim, tmp_path):
    installed = tmp_path / "collections"
    # --force and a collections path of its own: the working tree is already "installed" through
    # ANSIBLE_COLLECTIONS_PATH, which would otherwise make the install a no-op.
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "--force", "-p",
                    str(installed), str(tarball)], check=True, capture_output=True, text=True,
                   env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed)))
    root = installed / "ansible_collections" / "secops" / "mobile_security"
    assert (root / "MANIFEST.json").exists()
    env = {"ANSIBLE_COLLECTIONS_PATH": str(installed), "ANSIBLE_ROLES_PATH": str(tmp_path / "no-roles"),
           "PYTHONPATH": "", "HM_TOKEN_CACHE_PATH": str(tmp_path / "tokens.json")}
    for playbook, inventory in (("secops.mobile_security.build_groups", None),
                                ("secops.mobile_security.enrol_devices", str(root / "playbooks/inventory/devices.yml"))):
        result = run_playbook(playbook, sim, env=env, inventory=inventory)
        assert result.returncode == 0, result.stdout[-4000:]
    # The modules that ran are the installed ones, not the working tree's.
    doc = subprocess.run([os.path.join(BIN, "ansible-doc"), "--json", "-t", "module",
                          "secops.mobile_security.hm_device_sync"], env=ansible_env(sim, env), capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(doc)["secops.mobile_security.hm_device_sync"]["doc"]["filename"].startswith(str(root))
    assert len(sim.all_devices()) == 50
    for device in sim.all_devices()[:2]:
        sim.set_device(device["internal_id"], risk=3)
    result = run_playbook("secops.mobile_security.isolate_risky_devices", sim, env=env)
    assert result.returncode == 0, result.stdout[-4000:]
    assert {t["state"] for t in sim.control("GET", "smartpt")} <= {"isolated", "blocked"}
    assert sim.control("GET", "smartpt")


def test_execution_environment_definition(tarball, tmp_path):
    ee_dir = tmp_path / "ee"
    shutil.copytree(os.path.join(REPO_ROOT, "extensions", "ee"), ee_dir / "extensions" / "ee")
    for name in ("requirements.txt", "bindep.txt"):
        shutil.copy(os.path.join(REPO_ROOT, name), ee_dir / name)
    shutil.copy(tarball, ee_dir / "extensions" / "ee" / tarball.name)
    context = tmp_path / "context"
    result = subprocess.run([os.path.join(BIN, "ansible-builder"), "create", "-f",
                             str(ee_dir / "extensions" / "ee" / "execution-environment.yml"), "-c", str(context)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # Dockerfile or Containerfile, by the container runtime ansible-builder defaults to here.
    containerfile = next(context.glob("*file")).read_text()
    assert "install-from-bindep" in containerfile and "ansible-galaxy" in containerfile
    build = context / "_build"
    assert (build / "collections" / tarball.name).exists()
    # The galaxy step runs in the build directory; the tarball path it is given must exist there.
    galaxy = yaml.safe_load((build / "requirements.yml").read_text())
    # This collection, from the tarball of galaxy.yml's version, and community.general for the optional mail.
    assert [c["name"] for c in galaxy["collections"]] == ["collections/" + tarball.name, "community.general"]
    assert [c.get("type") for c in galaxy["collections"]] == ["file", None]
    assert "requests==" in (build / "requirements.txt").read_text()
    assert "ca-certificates" in (build / "bindep.txt").read_text()
    with open(os.path.join(REPO_ROOT, "meta", "execution-environment.yml")) as handle:
        meta_ee = yaml.safe_load(handle)
    assert meta_ee["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}


def test_galaxy_importer_accepts_the_tarball(tarball, tmp_path):
    """Galaxy's and Automation Hub's own import checks (metadata, docs, ansible-lint on roles and playbooks),
    with its container-based ansible-test step off: there is no container engine here (sanity runs it
    natively in `make sanity`)."""
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
               GALAXY_IMPORTER_RUN_ANSIBLE_TEST="false", GALAXY_IMPORTER_TMP_ROOT_DIR=str(tmp_path),
               GALAXY_IMPORTER_CONFIG=str(tmp_path / "none.cfg"))
    result = subprocess.run([sys.executable, "-m", "galaxy_importer.main", str(tarball)], cwd=str(tmp_path),
                            env=env, capture_output=True, text=True, timeout=600, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "Importer processing completed successfully" in output
    complaints = [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not complaints, complaints
