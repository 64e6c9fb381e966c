"""Stand-in for the get-pip bootstrap script that ``ansible-test --venv`` downloads.

ansible-test fetches get-pip from a CI file server that this project's machines
cannot reach. This script does the same job from what is already here: it
installs the pip bundled with Python (ensurepip) into the running virtual
environment, then lets that pip install the version ansible-test asked for
from the package index. The Makefile places it where ansible-test looks for
its cached copy, under a private HOME in .build/.
"""

import subprocess
import sys

GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
    args = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--upgrade"] + args)


if __name__ == "__main__":
    main()
