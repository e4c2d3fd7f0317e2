#!/usr/bin/env bash
# REST API benchmark: 1,000,000 CDRs in SQLite, then wrk (Debian's) against the real server:
# CDR search by number and the newest-first page, paced at about 1,000 requests/s (latency
# p50/p99) and flat out (requests/s), plus authenticated GET and POST throughput.
# Usage: bench/api.sh [BUILD_DIR]   (BENCH_QUICK=1: 5 s per step, 100,000 CDRs)
set -u
BUILD=$(cd "${1:-build}" && pwd)
DIR=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/zvbench-api.XXXXXX)
SECS=${BENCH_QUICK:+5}
SECS=${SECS:-20}
CDRS=${BENCH_QUICK:+100000}
CDRS=${CDRS:-1000000}
log() { echo "# $*" >&2; }
. "$DIR/lib.sh"
command -v wrk >/dev/null || { echo "api.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
trap 'stop_pid "${ZV:-}"; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"' EXIT

start_zvonar()
{
	"$BUILD/zvonar" -o data_dir="$WORK" -o sip_port=0 -o sip_listen=127.0.0.1 -o http_port="$HTTP" \
		-o demo=yes -o log_level=${BENCH_LOG:-warn} >>"$WORK/zvonar.log" 2>&1 &
	ZV=$!
	for i in $(seq 100); do curl -sf "http://127.0.0.1:$HTTP/healthz" >/dev/null && return 0; sleep 0.1; done
	echo "api.sh: zvonar did not start; log:" >&2
	tail "$WORK/zvonar.log" >&2
	exit 1
}

HTTP=$(free_port)
start_zvonar
OWNER_PW=$(grep -o 'owner@demo  password [^ ]*' "$WORK/zvonar.log" | awk '{print $3}')
stop_pid "$ZV"
log "writing $CDRS CDRs (90% tenant demo, numbers 1000-9999, one call a second)"
sqlite3 "$WORK/zvonar.db" <<EOF
INSERT INTO tenants (name, domain, created_at) VALUES ('bulk', 'bulk.example', 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $CDRS)
INSERT INTO cdrs (tenant_id, call_id, uuid, caller, callee, direction, start_at, answer_at, end_at,
  duration_s, billsec, disposition)
SELECT CASE WHEN i % 10 = 0 THEN 2 ELSE 1 END, 'c' || i, 'u' || i, 1000 + (i * 7919) % 9000,
  1000 + (i * 104729) % 9000, 'internal', 1700000000000 + i * 1000, 1700000000000 + i * 1000 + 3000,
  1700000000000 + i * 1000 + 63000, 63, 60, 'ANSWERED' FROM n;
EOF
start_zvonar
API=http://127.0.0.1:$HTTP
curl -s -c "$WORK/jar" -X POST "$API/api/v1/auth/login" \
	--data-binary "{\"login\":\"owner@demo\",\"password\":\"$OWNER_PW\"}" >/dev/null
TOKEN=$(curl -s -b "$WORK/jar" -X POST "$API/api/v1/tokens" --data-binary '{"name":"bench"}' |
	sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "api.sh: no API token" >&2; exit 1; }

# wrk Lua: the bearer token, an optional pace (ms between a connection's requests), POST bodies
cat >"$WORK/req.lua" <<EOF
local pace = tonumber(os.getenv("PACE_MS") or "0")
local post = os.getenv("POST") == "1"
local n = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
function delay() return pace end
function request()
  if post then
    n = n + 1
    return wrk.format("POST", nil, nil, string.format('{"number":"b%d-%d","password":"bench-password"}', tid, n))
  end
  return wrk.format(nil)
end
done = function(summary, latency, requests)
  local errs = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.stderr:write(string.format("RESULT %.0f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errs, summary.requests))
end
EOF

run() # NAME PATH CONNS PACE_MS [POST]
{
	local out
	out=$(PACE_MS=$4 POST=${5:-0} wrk -t2 -c"$3" -d"${SECS}s" -s "$WORK/req.lua" "$API$2" 2>&1 >/dev/null |
		grep RESULT)
	read -r _ rps p50 p99 errs total <<<"$out"
	printf '| %-44s | %5s | %8s | %7s | %7s | %6s |\n' "$1" "$3" "$rps" "$p50" "$p99" "$errs"
}

echo "| request ($CDRS CDRs in SQLite, ${SECS} s each)          | conns |    req/s | p50 ms | p99 ms | errors |"
echo "|----------------------------------------------|-------|----------|--------|--------|--------|"
run "CDR search by number, paced ~1,000/s" "/api/v1/cdrs?number=4242&limit=50" 13 10
run "CDR search by number, flat out" "/api/v1/cdrs?number=4242&limit=50" 16 0
run "CDRs newest first (page 1), paced ~1,000/s" "/api/v1/cdrs?limit=50" 13 10
run "CDRs newest first (page 1), flat out" "/api/v1/cdrs?limit=50" 16 0
run "CDRs in a time range + direction, flat out" "/api/v1/cdrs?from=1700500000000&to=1700503600000&direction=internal&limit=100" 16 0
run "GET one extension (auth + tenant check)" "/api/v1/extensions/1" 16 0
run "GET /api/v1/auth/me" "/api/v1/auth/me" 16 0
run "POST extension (digest HA1s, audit, directory)" "/api/v1/extensions" 4 0 1
log "machine: $(nproc) cores; zvonar and wrk share them"
