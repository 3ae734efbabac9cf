#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
# The bundle is this repository with setup.sh and run_autograder at its top
# (see docs/grading.md); Gradescope unpacks it in /autograder/source.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl build-essential
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
# shellcheck source=/dev/null
. "$HOME/.cargo/env"
cd /autograder/source
cargo build --release --locked -p memlings
# Grade the reference solutions once: this builds the checks' dependencies
# into target/memlings/, so each student's run compiles only their code,
# and proves the grader works before any student submits.
./target/release/memlings grade --gradescope \
    --submission /autograder/source/solutions --results /tmp/solutions.json
grep -q '"status": "failed"' /tmp/solutions.json && {
    echo "a reference solution fails its check:" >&2
    cat /tmp/solutions.json >&2
    exit 1
}
exit 0
