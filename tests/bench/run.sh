#!/bin/sh
# Runs the benchmarks built from tests/bench/bench_*.c, one after another,
# at low priority (the machines are shared). Each prints its own figures and
# ratios against a floor or peer measured in the same run.
#
#   tests/bench/run.sh [BUILD_DIR] [NAME ...]     e.g.  tests/bench/run.sh build read
#
# bench_read generates its 600 MB capture in /tmp on first use
# (set IPVIZ_BENCH_PCAP to put it elsewhere).
set -u
build=${1:-build}
[ $# -gt 0 ] && shift
dir="$build/tests/bench"
if [ ! -d "$dir" ]; then
    echo "run.sh: no $dir; build first: cmake -B $build -G Ninja && cmake --build $build" >&2
    exit 2
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
status=0
# bench_read first: bench_layout lays out the capture it generates
for exe in "$dir"/bench_read "$dir"/bench_*; do
    [ "$exe" = "$dir/bench_read" ] && [ -n "${read_done:-}" ] && continue
    [ "$exe" = "$dir/bench_read" ] && read_done=1
    [ -x "$exe" ] && [ -f "$exe" ] || continue
    name=${exe##*/bench_}
    if [ $# -gt 0 ]; then
        want=0
        for n in "$@"; do [ "$n" = "$name" ] && want=1; done
        [ $want = 1 ] || continue
    fi
    echo "== bench_$name"
    case $name in
    read) nice "$exe" "${IPVIZ_BENCH_PCAP:-/tmp/ipviz-bench-read.pcap}" || status=1 ;;
    *) nice "$exe" || status=1 ;;
    esac
done
exit $status
