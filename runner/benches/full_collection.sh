#!/usr/bin/env bash
# A full collection of 1,000,000 live objects (small lists in rings of 10:
# runner/benches/rings.py) on the reference heap, against python3's
# gc.collect() on the same graph built in Python, in the same run. Each side
# times its own collections only (the graph is built first, untimed), RUNS
# times, alternating, and the medians are compared. Then building the graph:
# `memlings py` against python3, wall time and peak RSS, ROUNDS times each.
#
#   runner/benches/full_collection.sh [RUNS] [ROUNDS]
set -euo pipefail
runs=${1:-5}
rounds=${2:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
program="$repo/runner/benches/rings.py"
cd "$repo"

cargo build -q --release -p memlings
cargo bench -q -p memlings-heap --bench full_collection --no-run 2>/dev/null
bench=$(cargo bench -q -p memlings-heap --bench full_collection --no-run --message-format=json 2>/dev/null \
    | sed -n 's/.*"executable":"\([^"]*full_collection[^"]*\)".*/\1/p' | tail -1)

python_runs() {
    python3 - "$program" "$runs" <<'PY'
import gc, sys, time
exec(open(sys.argv[1]).read())
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    gc.collect()
    print(f"collect_ms {(time.perf_counter() - start) * 1e3:.1f}")
PY
}

py=() heap=()
for _ in $(seq "$rounds"); do
    py+=($(python_runs | awk '{print $2}'))
    heap+=($("$bench" "$runs" 2>/dev/null | awk '{print $2}'))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mp=$(median "${py[@]}")
mh=$(median "${heap[@]}")
echo "full collection of 1,000,000 live lists in rings of 10 (median of $((runs * rounds)) each):"
echo "  python3 gc.collect():        $mp ms"
echo "  reference heap collect(2):   $mh ms"
awk -v p="$mp" -v h="$mh" 'BEGIN {printf "  reference heap is %.2fx faster than python3\n", p / h}'

echo "building the graph (wall seconds, peak RSS KiB; median of $rounds each):"
pt=() pm=() mt=() mm=()
for _ in $(seq "$rounds"); do
    read -r t m < <(/usr/bin/time -f "%e %M" python3 "$program" 2>&1 >/dev/null | tail -1)
    pt+=("$t") pm+=("$m")
    read -r t m < <(/usr/bin/time -f "%e %M" target/release/memlings py --heap reference --max-steps 100000000 "$program" 2>&1 >/dev/null | tail -1)
    mt+=("$t") mm+=("$m")
done
py_t=$(median "${pt[@]}") py_m=$(median "${pm[@]}") mem_t=$(median "${mt[@]}") mem_m=$(median "${mm[@]}")
echo "  python3:     $py_t s, $py_m KiB"
echo "  memlings py: $mem_t s, $mem_m KiB"
awk -v pt="$py_t" -v pm="$py_m" -v mt="$mem_t" -v mm="$mem_m" 'BEGIN {
    printf "  memlings py takes %.2fx the time and %.2fx the peak memory of python3\n", mt / pt, mm / pm}'
