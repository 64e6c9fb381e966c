"""`make test-matrix`: unit and integration tests on the oldest and newest supported ansible-core.

Each entry gets its own virtual environment under .build/matrix/, on the Python it needs
(ansible-core 2.20+ needs Python 3.12+, found on PATH or under pyenv).
"""

import glob
import os
import shutil
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MATRIX = [
    # (ansible-core, Python), oldest supported first; the default (make test) sits between them.
    ("2.16.19", "3.11"),
    ("2.21.5", "3.12"),
]
TEST_REQUIREMENTS = os.path.join(REPO_ROOT, "requirements-matrix.txt")


def find_python(minor):
    candidates = [shutil.which("python" + minor)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%s.*/bin/python%s" % (minor, minor))))
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "--version"], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def run(cmd, **kwargs):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=False, **kwargs).returncode


def main():
    results = []
    for core, minor in MATRIX:
        python = find_python(minor)
        if python is None:
            results.append((core, minor, "FAILED: no python%s found" % minor, 0))
            continue
        venv = os.path.join(REPO_ROOT, ".build", "matrix", core)
        started = time.time()
        stamp = os.path.join(venv, ".installed")
        with open(TEST_REQUIREMENTS) as handle:
            wanted = "ansible-core==%s\n%s" % (core, handle.read())
        installed = None
        if os.path.exists(stamp):
            with open(stamp) as handle:
                installed = handle.read()
        # A venv built from other requirements is built again, not run with what it lacks.
        if installed != wanted:
            shutil.rmtree(venv, ignore_errors=True)
            if run([python, "-m", "venv", venv]) or run([os.path.join(venv, "bin", "pip"), "install", "--quiet",
                                                         "ansible-core==" + core, "-r", TEST_REQUIREMENTS]):
                results.append((core, minor, "FAILED: install", time.time() - started))
                continue
            with open(stamp, "w") as handle:
                handle.write(wanted)
        code = run([os.path.join(venv, "bin", "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "tests/unit", "tests/integration"], cwd=REPO_ROOT)
        results.append((core, minor, "passed" if code == 0 else "FAILED (pytest exit %d)" % code, time.time() - started))
    print("\nansible-core test matrix (unit + integration):")
    for core, minor, outcome, seconds in results:
        print("  ansible-core %-8s Python %-5s %-28s %5.0f s" % (core, minor, outcome, seconds))
    return 0 if all(r[2] == "passed" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
