#!/usr/bin/env bash
# Benchmarks.
#   scripts/bench.sh ingest [--duration S] [--connections "64 256"] [--threads N] [--warmup S] [--think-ms MS]
#       Vote ingestion: wrk POSTs votes (bench/load/vote.lua, a fresh device cookie per request) to
#       `pantau serve --rate-limit 0` and, as a baseline, to nginx answering 204 (bench/load/nginx.conf).
#       Prints req/s, p50, p99 and non-2xx per target and connection count, the pantau/nginx ratio
#       against the targets, the disk's fdatasync latency at that moment (BM_Fdatasync of
#       build/bench/ledger/ledger_bench) with the closed-loop ceiling it implies, then checks that the
#       poll's total equals the 201s wrk received. Also prints each server's CPU time (user + system,
#       all its threads and worker processes) per answered request: less noisy than req/s when other
#       work shares the machine. Then one paced run per server at the first connection count, each
#       connection thinking --think-ms (default 2; 0 skips it) between a response and its next request:
#       latency below saturation, where the CPUs are not shared to the last cycle.
#   scripts/bench.sh micro [--filter REGEX] [-- extra benchmark flags]
#       Runs every Google Benchmark program under build/bench/.
# Both run scripts/deps.sh and scripts/build.sh first unless --no-build is given; PANTAU_BIN overrides
# the server binary (default build/src/cli/pantau).
# Exit status: 0 on success; 1 when a server fails to start, a request fails or the vote count does
# not match; 2 on bad usage. Missed performance targets are reported, not fatal (they depend on the
# machine). Everything runs from a temporary directory that is removed, servers included, on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "bench: $*" >&2; exit 1; }

mode="${1:-}"
case "$mode" in
  ingest|micro) shift ;;
  *) usage ;;
esac

duration=10
connections="64 256"
# wrk -t1: the machine has 2 cores shared by wrk and the server under test; one wrk thread saturates
# either server at these connection counts and leaves the server the most CPU.
threads=1
warmup=2
think_ms=2
filter=""
build=1
extra=()
while (($#)); do
  case "$1" in
    --duration) duration="${2:?}"; shift 2 ;;
    --connections) connections="${2:?}"; shift 2 ;;
    --threads) threads="${2:?}"; shift 2 ;;
    --warmup) warmup="${2:?}"; shift 2 ;;
    --think-ms) think_ms="${2:?}"; shift 2 ;;
    --filter) filter="${2:?}"; shift 2 ;;
    --no-build) build=0; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "bench: unknown option $1" >&2; usage ;;
  esac
done
duration="${duration%s}"
warmup="${warmup%s}"
[[ "$duration" =~ ^[0-9]+$ && "$duration" -gt 0 ]] || die "--duration wants whole seconds"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup wants whole seconds"
[[ "$think_ms" =~ ^[0-9]+$ ]] || die "--think-ms wants whole milliseconds"
[[ "$threads" =~ ^[0-9]+$ && "$threads" -gt 0 ]] || die "--threads wants a positive number"
for c in $connections; do
  [[ "$c" =~ ^[0-9]+$ && "$c" -ge "$threads" ]] || die "--connections wants numbers >= --threads ($c)"
done

if ((build)); then
  scripts/deps.sh
  scripts/build.sh
fi

# ---------------------------------------------------------------------------------------------- micro
if [ "$mode" = micro ]; then
  found=0
  while IFS= read -r bin; do
    # A Google Benchmark program carries its own flag names.
    grep -qa -- '--benchmark_filter' "$bin" || continue
    found=1
    echo "== $bin"
    args=()
    [ -n "$filter" ] && args+=("--benchmark_filter=$filter")
    "$bin" "${args[@]}" "${extra[@]}"
  done < <(find build/bench -path '*/CMakeFiles' -prune -o -type f -perm -u+x -print 2>/dev/null | sort)
  ((found)) || echo "bench: no Google Benchmark programs under build/bench/"
  exit 0
fi

# --------------------------------------------------------------------------------------------- ingest
PANTAU="${PANTAU_BIN:-build/src/cli/pantau}"
[ -x "$PANTAU" ] || die "$PANTAU is missing after the build"
command -v wrk >/dev/null || die "wrk is missing (scripts/deps.sh installs it)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || die "nginx is missing (scripts/deps.sh installs nginx-light)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pantau-bench.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    # Give each server 5 s to stop, then force it.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_http NAME PID URL EXPECTED_STATUS LOG: polls URL for up to 20 s while PID lives.
wait_http() {
  local name="$1" pid="$2" url="$3" want="$4" log="$5" code
  for _ in $(seq 200); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench: $name exited during start-up:" >&2
      tail -n 30 "$log" >&2 || true
      exit 1
    fi
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)"
    [ "$code" = "$want" ] && return 0
    sleep 0.1
  done
  echo "bench: $name did not answer $want on $url within 20 s:" >&2
  tail -n 30 "$log" >&2 || true
  exit 1
}

# nginx baseline.
nginx_port="$(free_port)"
mkdir -p "$tmp/nginx/tmp"
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@PORT@|$nginx_port|g" \
    -e "s|@USER@|$(id -un)|g" -e "s|@GROUP@|$(id -gn)|g" \
    bench/load/nginx.conf >"$tmp/nginx/nginx.conf"
"$NGINX" -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout.log" 2>&1 &
pids+=($!)
nginx_pid=$!
wait_http nginx "$!" "http://127.0.0.1:$nginx_port/" 204 "$tmp/nginx/error.log"

# pantau.
pantau_port="$(free_port)"
"$PANTAU" serve --db "$tmp/bench.db" --listen "127.0.0.1:$pantau_port" --rate-limit 0 >"$tmp/pantau.log" 2>&1 &
pids+=($!)
pantau_pid=$!
wait_http pantau "$!" "http://127.0.0.1:$pantau_port/api/v1/polls" 200 "$tmp/pantau.log"

json_get() {  # json_get 'expression over j' < json
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(eval(process.argv[1]))})' "$1"
}

opens_at="$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)"
closes_at="$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)"
poll_body='{"title":"Bench","region":"71.73","kind":"candidate","options":[{"number":1,"name":"A"},{"number":2,"name":"B"},{"number":3,"name":"C"}],"opens_at":"'"$opens_at"'","closes_at":"'"$closes_at"'","visibility":"live","tier":"open","methodology":"bench","owner_name":"bench"}'
created="$(curl -s -m 10 -w '\n%{http_code}' -H 'Content-Type: application/json' -d "$poll_body" \
  "http://127.0.0.1:$pantau_port/api/v1/polls")" || die "POST /api/v1/polls failed"
[ "$(tail -n1 <<<"$created")" = 201 ] || die "POST /api/v1/polls answered: $created"
created="$(sed '$d' <<<"$created")"
poll_id="$(json_get 'j.poll.id' <<<"$created")"
owner_key="$(json_get 'j.owner_key' <<<"$created")"
votes_path="/api/v1/polls/$poll_id/votes"
echo "bench: poll $poll_id; wrk -t$threads, ${duration}s per run, connections: $connections"

# cpu_ticks PID: user + system clock ticks of PID and its child processes (nginx's worker).
cpu_ticks() {
  local pid total=0 f
  for pid in "$1" $(pgrep -P "$1" || true); do
    f="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    f="${f##*) }"  # the fields after "pid (comm) "; utime and stime are the 12th and 13th of them
    read -r -a fields <<<"$f"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}
clk_tck="$(getconf CLK_TCK)"

run=0          # distinct device-id space per wrk run
total_201=0    # 201s received by wrk from pantau, warm-up included
in_flight=0    # requests wrk sent to pantau without reading the response (cut off at the end)
declare -A rps p50 p99 bad errs cpu

# run_wrk TARGET PORT CONNECTIONS SECONDS [THINK_MS] → sets the globals r_rps r_p50 r_p99 r_bad r_errs
# r_201 r_sent r_cpu_us (server CPU µs per answered request)
run_wrk() {
  local target="$1" port="$2" conns="$3" secs="$4" think="${5:-0}" out pid ticks_before
  run=$((run + 1))
  pid="$pantau_pid"
  [ "$target" = nginx ] && pid="$nginx_pid"
  ticks_before="$(cpu_ticks "$pid")"
  out="$(wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 5s -s bench/load/vote.lua \
    "http://127.0.0.1:$port" -- "$votes_path" "$run" "$think" 2>&1)" || die "wrk against $target failed: $out"
  r_rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  r_p50="$(awk '/^LATENCY_US/ {printf "%.2f", $2 / 1000}' <<<"$out")"
  r_p99="$(awk '/^LATENCY_US/ {printf "%.2f", $3 / 1000}' <<<"$out")"
  r_201="$(awk '/^STATUS/ {for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] == 201) n += kv[2]}} END {print n + 0}' <<<"$out")"
  r_bad="$(awk '/^STATUS/ {for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] < 200 || kv[1] > 299) n += kv[2]}} END {print n + 0}' <<<"$out")"
  r_resp="$(awk '/^STATUS/ {for (i = 2; i <= NF; i++) {split($i, kv, "="); n += kv[2]}} END {print n + 0}' <<<"$out")"
  r_sent="$(awk '/^SENT/ {print $2}' <<<"$out")"
  r_errs="$(awk '/^ERRORS/ {n = 0; for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] != "status") n += kv[2]}; print n}' <<<"$out")"
  [ -n "$r_rps" ] && [ -n "$r_p50" ] || die "could not read wrk's output against $target: $out"
  r_cpu_us="$(awk -v t="$(($(cpu_ticks "$pid") - ticks_before))" -v hz="$clk_tck" -v n="$r_resp" \
    'BEGIN {printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0)}')"
  if [ "$r_bad" != 0 ]; then
    echo "bench: $target answered $r_bad non-2xx responses ($(grep '^STATUS' <<<"$out"))" >&2
  fi
  if [ "$target" = pantau ]; then
    total_201=$((total_201 + r_201))
    in_flight=$((in_flight + ${r_sent:-$r_resp} - r_resp))
  fi
}

if ((warmup > 0)); then
  first_c="${connections%% *}"
  run_wrk pantau "$pantau_port" "$first_c" "$warmup"
  run_wrk nginx "$nginx_port" "$first_c" "$warmup"
fi
for c in $connections; do
  for target in pantau nginx; do
    port="$pantau_port"
    [ "$target" = nginx ] && port="$nginx_port"
    run_wrk "$target" "$port" "$c" "$duration"
    rps[$target,$c]="$r_rps"; p50[$target,$c]="$r_p50"; p99[$target,$c]="$r_p99"
    bad[$target,$c]="$r_bad"; errs[$target,$c]="$r_errs"; cpu[$target,$c]="$r_cpu_us"
  done
done

echo
printf '%-8s %6s %11s %9s %9s %12s %8s %7s\n' target conns 'req/s' 'p50 ms' 'p99 ms' 'cpu µs/req' non-2xx errors
for c in $connections; do
  for target in pantau nginx; do
    printf '%-8s %6s %11.0f %9s %9s %12s %8s %7s\n' "$target" "$c" "${rps[$target,$c]}" \
      "${p50[$target,$c]}" "${p99[$target,$c]}" "${cpu[$target,$c]}" "${bad[$target,$c]}" "${errs[$target,$c]}"
  done
done
echo
printf '%-6s %15s %14s %12s %10s\n' conns 'pantau/nginx' 'target ratio' 'p99 target' verdict
for c in $connections; do
  ratio="$(awk -v a="${rps[pantau,$c]}" -v b="${rps[nginx,$c]}" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
  case "$c" in
    64) want_ratio=0.45; want_p99=2 ;;
    256) want_ratio=0.6; want_p99=4 ;;
    *) want_ratio=""; want_p99="" ;;
  esac
  verdict="-"
  if [ -n "$want_ratio" ]; then
    verdict="$(awk -v r="$ratio" -v wr="$want_ratio" -v p="${p99[pantau,$c]}" -v wp="$want_p99" \
      'BEGIN {print (r >= wr && p <= wp) ? "met" : "MISSED"}')"
    printf '%-6s %14s× %13s× %9s ms %10s\n' "$c" "$ratio" "≥ $want_ratio" "≤ $want_p99" "$verdict"
  else
    printf '%-6s %14s× %14s %12s %10s\n' "$c" "$ratio" - - -
  fi
done

if ((think_ms > 0)); then
  first_c="${connections%% *}"
  echo
  echo "paced: $first_c connections, each thinking ${think_ms} ms between a response and its next request"
  printf '%-8s %6s %11s %9s %9s %12s\n' target conns 'req/s' 'p50 ms' 'p99 ms' 'cpu µs/req'
  for target in pantau nginx; do
    port="$pantau_port"
    [ "$target" = nginx ] && port="$nginx_port"
    run_wrk "$target" "$port" "$first_c" "$duration" "$think_ms"
    printf '%-8s %6s %11.0f %9s %9s %12s\n' "$target" "$first_c" "$r_rps" "$r_p50" "$r_p99" "$r_cpu_us"
  done
fi

# The disk's sync latency right now (it varies with the host's other I/O): a closed loop of C
# connections cannot exceed C / latency, whatever the server does.
probe="build/bench/ledger/ledger_bench"
if [ -x "$probe" ]; then
  sync_us="$(PANTAU_BENCH_DIR="$tmp" "$probe" --benchmark_filter='^BM_Fdatasync' --benchmark_min_time=0.5 \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null |
    awk -F, '$1 ~ /BM_Fdatasync.*_median/ {printf "%.0f", $3}')"
  if [ -n "$sync_us" ] && ((sync_us > 0)); then
    echo
    printf 'disk: fdatasync of a 512-byte append %s µs (median) → closed-loop ceiling' "$sync_us"
    for c in $connections; do printf ' %s conns %.0fk votes/s;' "$c" "$(awk -v c="$c" -v us="$sync_us" 'BEGIN {print c / us * 1000}')"; done
    echo
  fi
fi

# Every 201 is a durable vote, so the poll's total must equal wrk's 201 count. Requests still in
# flight when wrk stopped may have been counted by the server without wrk reading the 201.
results="$(curl -s -m 10 -H "Authorization: Bearer $owner_key" \
  "http://127.0.0.1:$pantau_port/api/v1/polls/$poll_id/results")" || die "GET results failed"
server_total="$(json_get 'j.total' <<<"$results" 2>/dev/null)" || die "unexpected results answer: $results"
echo
if [ "$server_total" = "$total_201" ]; then
  echo "votes: server total $server_total = wrk 201s $total_201: OK"
elif ((server_total > total_201 && server_total <= total_201 + in_flight)); then
  echo "votes: server total $server_total = wrk 201s $total_201 + $((server_total - total_201)) of $in_flight" \
    "requests cut off in flight when wrk stopped: OK"
else
  echo "votes: server total $server_total, wrk 201s $total_201 ($in_flight in flight at cut-off): MISMATCH"
  exit 1
fi
