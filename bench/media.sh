#!/bin/bash
# Media relay benchmark: N concurrent G.711 calls, RTP both ways at 20 ms (PCMA, 160-byte
# payloads), relayed by zvonar (real calls set up with sipp through the B2BUA) and by rtpengine
# (userspace forwarding, calls set up over its ng control protocol), in one run. The same
# Python generator (bench/rtp_load.py) sends and receives the streams for both; prints per
# step packets relayed, loss, added jitter and the relay's CPU cost.
#
# usage: bench/media.sh [BUILD_DIR]
# env:   BENCH_QUICK=1              5 s measurement per step (smoke check)
#        BENCH_STEP_SECONDS=N       seconds measured per step (default 15)
#        BENCH_MEDIA_CALLS="..."    concurrent calls per step (default "50 100 200 400", max 500)
#        BENCH_MEDIA_SERVERS="..."  subset of "zvonar rtpengine"
#        BENCH_KEEP=1               keep the work directory (sipp files, server logs)
set -u

BUILD=${1:-build}
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
STEP=${BENCH_STEP_SECONDS:-15}
[ "${BENCH_QUICK:-0}" = 1 ] && STEP=${BENCH_STEP_SECONDS:-5}
CALLS=${BENCH_MEDIA_CALLS:-50 100 200 400}
SERVERS=${BENCH_MEDIA_SERVERS:-zvonar rtpengine}
WARMUP=1
SETUP_CPS=200 # call setup rate through zvonar before each step
USERS=1000
FIRST_USER=2000
BUF=4194304
WORK=$(mktemp -d /tmp/zvonar-bench-media.XXXXXX)
declare -A PID

log() { echo "media.sh: $*" >&2; }
. "$BENCH_DIR/lib.sh"

cleanup()
{
	local s
	stop_pid "${UAC_PID:-}"
	stop_pid "${UAS_PID:-}"
	for s in "${!PID[@]}"; do stop_pid "${PID[$s]}"; done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# As in calls.sh: users 2000-2999 call N+500 (mod 1000); all register the UAS's port.
write_users()
{
	local i callee
	echo SEQUENTIAL >"$WORK/callers.csv"
	echo SEQUENTIAL >"$WORK/reg.csv"
	for ((i = FIRST_USER; i < FIRST_USER + USERS; i++)); do
		callee=$((FIRST_USER + (i - FIRST_USER + USERS / 2) % USERS))
		echo "$i;[authentication username=$i password=pw$i];$callee" >>"$WORK/callers.csv"
		echo "$i;[authentication username=$i password=pw$i]" >>"$WORK/reg.csv"
	done
}

zctl() { "$BUILD/zvonarctl" -s "$WORK/zvonar/zvonar.ctl" "$@"; }

start_zvonar()
{
	local i
	ZV_PORT=$(free_port)
	mkdir -p "$WORK/zvonar"
	"$BUILD/zvonar" -o sip_listen=127.0.0.1 -o sip_port="$ZV_PORT" -o http_port="$(free_port)" \
		-o sip_tls_port="$(free_port)" -o data_dir="$WORK/zvonar" -o demo=yes \
		-o log_level=warn -o sip_flood_rate=0 -o auth_fail_limit=100000 \
		-o reg_keepalive=0 -o call_no_answer=0 -o udp_sockbuf=$BUF \
		-o rtp_port_min=40000 -o rtp_port_max=49999 \
		>"$WORK/zvonar.log" 2>&1 &
	PID[zvonar]=$!
	# log_level=warn hides the "ready" notice: wait for the SIP port and the control socket.
	for ((i = 0; i < 100; i++)); do
		[ -S "$WORK/zvonar/zvonar.ctl" ] && ss -Hlun "sport = :$ZV_PORT" | grep -q . && break
		kill -0 "${PID[zvonar]}" 2>/dev/null || break
		sleep 0.1
	done
	if ! [ -S "$WORK/zvonar/zvonar.ctl" ] || ! kill -0 "${PID[zvonar]}" 2>/dev/null; then
		log "zvonar did not start:"; tail -5 "$WORK/zvonar.log" >&2
		unset 'PID[zvonar]'
		return 1
	fi
	for ((i = FIRST_USER; i < FIRST_USER + USERS; i++)); do
		if ! zctl extension add demo "$i" "pw$i" >/dev/null 2>>"$WORK/zvonarctl.err"; then
			log "zvonarctl extension add demo $i failed:"; tail -2 "$WORK/zvonarctl.err" >&2
			return 1
		fi
	done
	# The callees register the UAS's port; the UAS answers with the generator's callee port.
	UAS_PORT=$(free_port)
	if ! sipp "127.0.0.1:$ZV_PORT" -sf "$BENCH_DIR/sipp/register_auth.xml" \
		-inf "$WORK/reg.csv" -i 127.0.0.1 -p "$UAS_PORT" -r 500 -m $USERS -l 500 \
		-buff_size $BUF -recv_timeout 5000 -timeout 60s -nostdin \
		-trace_err -error_file "$WORK/reg.err" >/dev/null 2>&1; then
		log "registering the $USERS callees failed (see $WORK/reg.err)"
		return 1
	fi
	sipp -sf "$BENCH_DIR/sipp/call_uas.xml" -i 127.0.0.1 -p "$UAS_PORT" -mp "$(free_port)" \
		-key rtp_port "$CALLEE_RTP" -buff_size $BUF -nostdin \
		-trace_err -error_file "$WORK/uas.err" >/dev/null 2>&1 &
	UAS_PID=$!
	wait_udp_port "$UAS_PORT"
}

start_rtpengine()
{
	local i
	NG_PORT=$(free_port)
	rtpengine --table=-1 --config-file=none --interface=127.0.0.1 \
		--listen-ng="127.0.0.1:$NG_PORT" --port-min=50000 --port-max=59999 \
		--foreground --log-stderr --log-level=4 --pidfile="$WORK/rtpengine.pid" \
		>"$WORK/rtpengine.log" 2>&1 &
	PID[rtpengine]=$!
	if ! wait_udp_port "$NG_PORT"; then
		log "rtpengine did not start:"; tail -5 "$WORK/rtpengine.log" >&2
		unset 'PID[rtpengine]'
		return 1
	fi
}

# zvonar step: N real calls through the B2BUA (sipp UAC -> zvonar -> sipp UAS, digest auth),
# held long enough for the measurement; the relay ports come from `show calls`.
step_zvonar()
{
	local n=$1 hold i answered stf="$WORK/zvonar-$1.csv" fail out
	hold=$(((n / SETUP_CPS + 8 + WARMUP + STEP) * 1000))
	sipp "127.0.0.1:$ZV_PORT" -sf "$BENCH_DIR/sipp/call_uac.xml" -inf "$WORK/callers.csv" \
		-i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" -key rtp_port "$CALLER_RTP" -d "$hold" \
		-r $SETUP_CPS -m "$n" -l "$n" -buff_size $BUF -recv_timeout 10000 \
		-timeout $((hold / 1000 + 60))s -nostdin -trace_stat -stf "$stf" -fd 1 \
		-trace_err -error_file "$WORK/zvonar-$n.err" >/dev/null 2>&1 &
	UAC_PID=$!
	for ((i = 0; i < 200; i++)); do
		sleep 0.2
		zctl show calls >"$WORK/calls-$n.txt" 2>/dev/null
		answered=$(grep -c ' answered ' "$WORK/calls-$n.txt")
		[ "$answered" -ge "$n" ] && break
		kill -0 "$UAC_PID" 2>/dev/null || break
	done
	if [ "$answered" -lt "$n" ]; then
		log "zvonar-$n: only $answered of $n calls answered"
		wait "$UAC_PID"; UAC_PID=
		echo "zvonar $n fail" >>"$WORK/results"
		return 1
	fi
	sed -nE 's/.* answered .* a:([0-9]+) .* b:([0-9]+) .*/\1 \2/p' "$WORK/calls-$n.txt" \
		>"$WORK/pairs-$n.txt"
	out=$(python3 "$BENCH_DIR/rtp_load.py" --pairs "$WORK/pairs-$n.txt" \
		--caller-port "$CALLER_RTP" --callee-port "$CALLEE_RTP" --pid "${PID[zvonar]}" \
		--seconds "$STEP" --warmup $WARMUP)
	zctl show calls >"$WORK/calls-$n-end.txt" 2>/dev/null
	wait "$UAC_PID"; UAC_PID=
	fail=$(stat_col "$stf" 'FailedCall(C)')
	[ "${fail:-1}" = 0 ] || log "zvonar-$n: $fail calls failed (see $WORK/zvonar-$n.err)"
	record zvonar "$n" "$out"
}

step_rtpengine()
{
	local n=$1 out
	out=$(python3 "$BENCH_DIR/rtp_load.py" --ng "127.0.0.1:$NG_PORT" --calls "$n" \
		--caller-port "$CALLER_RTP" --callee-port "$CALLEE_RTP" --pid "${PID[rtpengine]}" \
		--seconds "$STEP" --warmup $WARMUP)
	record rtpengine "$n" "$out"
}

# record SERVER CALLS "key=value ...": appends "server calls recv loss jitter jitter_max delay
# cpu% cpu_s_per_1000 gen_cpu%" to results.
record()
{
	local line
	[ -n "$3" ] || { log "$1-$2: rtp_load.py printed nothing"; echo "$1 $2 fail" >>"$WORK/results"; return 1; }
	line=$(echo "$3" | awk -v srv="$1" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		cpu = v["cpu_s"]; w = v["wall_s"]
		printf("%s %d %d %.3f %.3f %.3f %.3f %.1f %.5f %.1f", srv, v["calls"], v["recv"],
			v["loss_pct"], v["jitter_ms"], v["jitter_max_ms"], v["delay_ms"],
			100 * cpu / w, v["recv"] > 0 ? 1000 * cpu / v["recv"] : 0,
			v["gen_wall_s"] > 0 ? 100 * v["gen_cpu_s"] / v["gen_wall_s"] : 0) }')
	log "$1-$2: $3"
	echo "$line" >>"$WORK/results"
}

report()
{
	echo
	echo "Relayed G.711 (PCMA 20 ms, 160-byte payloads), both directions per call, UDP loopback,"
	echo "$STEP s measured per step after ${WARMUP} s warm-up (zvonar: calls through the B2BUA;"
	echo "rtpengine: --table=-1 userspace, calls via ng offer/answer; CPU % of one core;"
	echo "gen CPU % = the generator's two processes (bench/rtp_load.py) on the same cores)"
	echo
	printf '| %-9s | %5s | %12s | %7s | %17s | %8s | %6s | %14s | %9s |\n' server calls \
		"pkts relayed" "loss %" "jitter ms avg/max" "delay ms" "CPU %" "CPU s/1000 pkt" \
		"gen CPU %"
	echo '|-----------|-------|--------------|---------|-------------------|----------|--------|----------------|-----------|'
	awk '$3 == "fail" { printf("| %-9s | %5d | %12s | %7s | %17s | %8s | %6s | %14s | %9s |\n",
			$1, $2, "failed", "-", "-", "-", "-", "-", "-"); next }
	{
		printf("| %-9s | %5d | %12d | %7.3f | %8.3f / %6.3f | %8.3f | %6.1f | %14.5f | %9.1f |\n",
			$1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		c[$1 " " $2] = $9
	}
	END {
		print ""
		for (k in c) {
			split(k, p, " ")
			if (p[1] != "zvonar" || !(("rtpengine " p[2]) in c)) continue
			r = c["rtpengine " p[2]]
			printf("%d calls: zvonar/rtpengine CPU per packet x%.2f\n", p[2],
				r > 0 ? c[k] / r : 0) | "sort -n"
		}
		close("sort -n")
	}' "$WORK/results"
}

main()
{
	local srv n
	command -v sipp >/dev/null || { log "sipp missing (apt-get install sip-tester)"; exit 1; }
	raise_socket_buffers
	write_users
	: >"$WORK/results"
	CALLER_RTP=$(free_port)
	CALLEE_RTP=$(free_port)
	UAC_PORT=$(free_port)
	UAC_MP=$(free_port)
	ACTIVE=
	for srv in $SERVERS; do
		case $srv in
		zvonar)
			[ -x "$BUILD/zvonar" ] || { log "no $BUILD/zvonar; skipping zvonar"; continue; } ;;
		rtpengine)
			command -v rtpengine >/dev/null ||
				{ log "rtpengine missing (apt-get install rtpengine-daemon); skipping"; continue; } ;;
		*) log "unknown server $srv"; continue ;;
		esac
		if "start_$srv"; then ACTIVE="$ACTIVE $srv"; else log "skipping $srv"; fi
	done
	[ -n "$ACTIVE" ] || { log "no server to measure"; exit 1; }
	for n in $CALLS; do
		[ "$n" -le $((USERS / 2)) ] || { log "at most $((USERS / 2)) calls; skipping $n"; continue; }
		for srv in $ACTIVE; do "step_$srv" "$n"; done
	done
	report
}

main
