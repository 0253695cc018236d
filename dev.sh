#!/bin/sh
# Set socialsim up in a virtual environment (made with the first Python >= 3.12 found on this
# machine) and run it:
#   ./dev.sh run [SCENARIO.toml] [socialsim run options]   install, then run a scenario
#   ./dev.sh test [pytest options]                          install with test extras, run the tests
# SOCIALSIM_VENV chooses the environment's folder (default .venv); PYTHON forces an interpreter.
set -eu
cd "$(dirname "$0")"
venv=${SOCIALSIM_VENV:-.venv}

is_recent() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

find_python() {
    for candidate in ${PYTHON:-} python3.13 python3.12 python3 python; do
        if is_recent "$candidate"; then echo "$candidate"; return; fi
    done
    # pyenv shims fail unless a version is selected: try its installed interpreters directly.
    if command -v pyenv >/dev/null 2>&1; then
        for candidate in "$(pyenv root)"/versions/3.1[2-9]*/bin/python; do
            if is_recent "$candidate"; then echo "$candidate"; return; fi
        done
    fi
    echo "dev.sh: socialsim needs Python >= 3.12 and none was found (set PYTHON=/path/to/python)" >&2
    exit 1
}

setup() {
    if [ ! -x "$venv/bin/python" ]; then
        "$(find_python)" -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --upgrade pip
    fi
    "$venv/bin/python" -m pip install --quiet --editable ".$1"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    run)  setup ""; exec "$venv/bin/socialsim" run "$@" ;;
    # One test file per worker, a worker per core (pytest-xdist): a file's fixtures are made once.
    test) setup "[test]"; exec "$venv/bin/python" -m pytest -n auto --dist loadfile "$@" ;;
    *)    echo "usage: ./dev.sh run [socialsim run options] | ./dev.sh test [pytest options]" >&2; exit 2 ;;
esac
