#!/usr/bin/env bash
# Server CPU per vote: robust where votes/s is not (the 2-core machine is shared, so throughput swings
# with the neighbours, but the CPU the server spends on one vote hardly does).
#   bench/load/cpu_per_vote.sh [--connections "64 256"] [--duration S] [--runs N] [--perf]
# Starts `pantau serve --rate-limit 0` (PANTAU_BIN, default build/src/cli/pantau) on a temporary
# database, creates a live poll, warms up for 2 s, then per connection count runs wrk
# (bench/load/vote.lua) N times and prints, per run, the 201s answered and the CPU (utime + stime
# from /proc/<pid>/task/<tid>/stat) per vote in µs: the whole process, the io thread (the main
# thread), the vote committer and every other thread together. With --perf, also `perf stat` of the
# io thread (task-clock, user instructions) per vote. Needs wrk, curl, node.
set -euo pipefail
cd "$(dirname "$0")/../.."

connections="64 256"
duration=10
runs=2
use_perf=0
while (($#)); do
  case "$1" in
    --connections) connections="${2:?}"; shift 2 ;;
    --duration) duration="${2:?}"; shift 2 ;;
    --runs) runs="${2:?}"; shift 2 ;;
    --perf) use_perf=1; shift ;;
    *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done

PANTAU="${PANTAU_BIN:-build/src/cli/pantau}"
[ -x "$PANTAU" ] || { echo "cpu_per_vote: $PANTAU is missing" >&2; exit 1; }
tick="$(getconf CLK_TCK)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/pantau-cpu.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$PANTAU" serve --db "$tmp/bench.db" --listen "127.0.0.1:$port" --rate-limit 0 >"$tmp/pantau.log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/api/v1/polls" || true)" = 200 ] && break
  sleep 0.1
done
opens_at="$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)"
closes_at="$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)"
poll_body='{"title":"Bench","region":"71.73","kind":"candidate","options":[{"number":1,"name":"A"},{"number":2,"name":"B"},{"number":3,"name":"C"}],"opens_at":"'"$opens_at"'","closes_at":"'"$closes_at"'","visibility":"live","tier":"open","methodology":"bench","owner_name":"bench"}'
poll_id="$(curl -s -m 10 -H 'Content-Type: application/json' -d "$poll_body" "http://127.0.0.1:$port/api/v1/polls" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).poll.id))')"
path="/api/v1/polls/$poll_id/votes"

# "name ticks" per thread of the server.
snapshot() {
  local f
  for f in /proc/"$pid"/task/*/stat; do
    # comm may contain spaces; fields after the closing parenthesis are fixed.
    awk -v main="/proc/$pid/task/$pid/stat" -v f="$f" '{
      line = $0; c = substr(line, index(line, "(") + 1); c = substr(c, 1, index(c, ")") - 1)
      rest = substr(line, index(line, ") ") + 2); split(rest, a, " ")
      name = (f == main) ? "io" : c
      print name, a[12] + a[13]
    }' "$f" 2>/dev/null || true
  done | awk '{t[$1] += $2} END {for (k in t) print k, t[k]}'
}

run=1
# wrk_run CONNS SECONDS RUN → prints the 201 count; other answers and errors go to stderr. RUN keeps
# the device ids of the runs apart (a repeated one would be refused as already voted).
wrk_run() {
  wrk -t1 -c"$1" -d"$2s" --timeout 5s -s bench/load/vote.lua "http://127.0.0.1:$port" -- "$path" "$3" >"$tmp/wrk.txt" 2>&1
  awk '/^STATUS/ && $0 !~ /^STATUS 201=[0-9]+$/ {print "cpu_per_vote: wrk saw " $0 > "/dev/stderr"}
       /^ERRORS/ && $0 !~ /connect=0 read=0 write=0 status=0 timeout=0/ {print "cpu_per_vote: wrk " $0 > "/dev/stderr"}
       /^STATUS/ {for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] == 201) n += kv[2]}} END {print n + 0}' "$tmp/wrk.txt"
}

wrk_run 64 2 1 >/dev/null
printf '%-6s %-4s %9s %9s %8s %8s %8s %8s %s\n' conns run votes 'votes/s' 'all µs' 'io µs' 'commit' 'other' 'perf(io): µs, Minstr/vote'
for c in $connections; do
  for r in $(seq "$runs"); do
    before="$(snapshot)"
    if ((use_perf)); then
      perf stat -x, -e task-clock,instructions:u -t "$pid" -o "$tmp/perf.txt" -- sleep "$((duration + 1))" &
      perf_pid=$!
    fi
    run=$((run + 1))
    votes="$(wrk_run "$c" "$duration" "$run")"
    after="$(snapshot)"
    perf_text=""
    if ((use_perf)); then
      wait "$perf_pid" || true
      perf_text="$(awk -F, -v v="$votes" '$3 == "task-clock" {printf "%.2f ", $1 * 1000 / v} $3 ~ /instructions/ {printf "%.0f", $1 / v}' "$tmp/perf.txt")"
    fi
    awk -v v="$votes" -v d="$duration" -v c="$c" -v r="$r" -v tick="$tick" -v p="$perf_text" '
      NR == FNR {b[$1] = $2; next}
      {a[$1] = $2}
      END {
        for (k in a) {d_[k] = a[k] - b[k]; all += d_[k]}
        us = 1e6 / tick / (v > 0 ? v : 1)
        printf "%-6s %-4s %9d %9.0f %8.2f %8.2f %8.2f %8.2f %s\n", c, r, v, v / d, all * us, d_["io"] * us,
          d_["vote-committer"] * us, (all - d_["io"] - d_["vote-committer"]) * us, p
      }' <(echo "$before") <(echo "$after")
  done
done
