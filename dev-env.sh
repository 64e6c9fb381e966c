# Use the collection from this clone in the current shell:   . ./dev-env.sh
# (after `make venv` or `make demo`; `make shell` opens a new shell with the same set-up).
# It activates .venv, links the clone as ansible_collections/secops/mobile_security under .build/collections
# and puts only that on the collections path, so playbooks, roles and plugins run from your working tree.
_mobile_security_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
if [ ! -x "$_mobile_security_root/.venv/bin/python" ]; then
    echo "dev-env.sh: no .venv in $_mobile_security_root yet; run 'make venv' there first" >&2
    return 1 2>/dev/null || exit 1
fi
. "$_mobile_security_root/.venv/bin/activate"
(cd "$_mobile_security_root" && .venv/bin/python -c \
    "import sys; sys.path.insert(0, '.'); from tests.support import ensure_collection_link; ensure_collection_link()")
export ANSIBLE_COLLECTIONS_PATH="$_mobile_security_root/.build/collections"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
unset _mobile_security_root
