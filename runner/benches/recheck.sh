#!/usr/bin/env bash
# How long a learner waits after saving: `memlings check NAME` after a
# one-line edit, against the baseline of plain `cargo test` running the same
# check (exercise + check + insta snapshots as an ordinary test target),
# after the same edit. Both run here, in one script, on a throwaway copy of
# the workspace; the figure that matters is the ratio.
#
#   runner/benches/recheck.sh [EXERCISE] [ROUNDS]
set -euo pipefail
name=${1:-units}
rounds=${2:-10}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build -q --release --manifest-path "$repo/Cargo.toml" -p memlings
bin="$repo/target/release/memlings"
ws="$work/ws"
mkdir -p "$ws"
(cd "$repo" && tar -c --exclude=target --exclude=book/build Cargo.toml Cargo.lock exercises solutions runner book) | tar -x -C "$ws"

chapter=$(awk -v n="$name" '/^name = /{cur=$3} /^chapter = /{if (cur=="\""n"\"") {gsub(/"/,"",$3); print $3}}' "$ws/runner/exercises.toml")
exercise="$ws/exercises/$chapter/$name.rs"
# Time a passing exercise: the common case once a learner is close.
cp "$ws/solutions/$chapter/$name.rs" "$exercise"

# The baseline: the same check as a plain cargo test with insta.
base="$work/baseline"
mkdir -p "$base/tests"
insta_version=$(grep -A1 '^name = "insta"' "$repo/Cargo.lock" | sed -n 's/version = "\(.*\)"/\1/p')
cat > "$base/Cargo.toml" <<TOML
[package]
name = "baseline"
version = "0.0.0"
edition = "2021"
[workspace]
[profile.dev]
debug = false
[dev-dependencies]
insta = "=$insta_version"
TOML
cat > "$base/tests/check.rs" <<RUST
#[path = "$exercise"]
#[allow(dead_code, unused)]
mod exercise;
#[path = "$ws/runner/checks/$chapter/$name.rs"]
mod check;
#[path = "$ws/runner/checks/harness.rs"]
#[allow(dead_code)]
mod harness;

#[test]
fn snapshots() {
    for (case, run) in check::CASES {
        insta::with_settings!({
            snapshot_path => "$ws/runner/snapshots/$name",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(*case, run());
        });
    }
}
RUST

now() { date +%s%N; }
edit() { printf '// edit %s\n' "$1" >> "$exercise"; }

# Warm both: dependencies and first builds are not what a save costs.
(cd "$ws" && "$bin" check "$name" >/dev/null)
(cd "$base" && INSTA_UPDATE=no cargo test -q >/dev/null 2>&1)

ours=() plain=()
for i in $(seq "$rounds"); do
    edit "m$i"; t0=$(now); (cd "$ws" && "$bin" check "$name" >/dev/null); t1=$(now)
    ours+=($(( (t1 - t0) / 1000000 )))
    edit "c$i"; t0=$(now); (cd "$base" && INSTA_UPDATE=no cargo test -q >/dev/null 2>&1); t1=$(now)
    plain+=($(( (t1 - t0) / 1000000 )))
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
m_ours=$(median "${ours[@]}")
m_plain=$(median "${plain[@]}")
echo "re-check of \`$name\` after a one-line edit, median of $rounds rounds:"
echo "  memlings check:   ${m_ours} ms   (${ours[*]})"
echo "  plain cargo test: ${m_plain} ms   (${plain[*]})"
awk -v a="$m_ours" -v b="$m_plain" 'BEGIN { printf "  ratio: %.2fx the time of plain cargo test (goal: at most 1.2x)\n", a / b }'
