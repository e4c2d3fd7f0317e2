#!/bin/bash
# Call setup benchmark: sipp UAC -> server -> sipp UAS, zvonar (B2BUA, RTP anchored, CDR) and
# Kamailio 5.6 (stateful proxy) in one run. Every call authenticates its INVITE with digest
# (407), is answered, ACKed and hung up at once (zero hold time, SDP, no RTP). Steps the call
# rate; prints the highest clean rate and its CPU cost.
#
# usage: bench/calls.sh [BUILD_DIR]
# env:   BENCH_QUICK=1             5 s steps (smoke check)
#        BENCH_STEP_SECONDS=N      seconds per step (default 15)
#        BENCH_CALL_RATES="..."    calls/s to step through (default "100 200 400 800 1600 3200")
#        BENCH_CALL_SERVERS="..."  subset of "zvonar kamailio"
#        BENCH_BUDGET=N            start no step that would end after N seconds (default 300)
#        BENCH_KEEP=1              keep the work directory (sipp stats, server logs)
set -u

BUILD=${1:-build}
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
STEP=${BENCH_STEP_SECONDS:-15}
[ "${BENCH_QUICK:-0}" = 1 ] && STEP=${BENCH_STEP_SECONDS:-5}
RATES=${BENCH_CALL_RATES:-100 200 400 800 1600 3200}
SERVERS=${BENCH_CALL_SERVERS:-zvonar kamailio}
BUDGET=${BENCH_BUDGET:-300}
USERS=1000
FIRST_USER=2000
BUF=4194304
WORK=$(mktemp -d /tmp/zvonar-bench-calls.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
T_START=$(date +%s)
declare -A PID PORT UAS_PID

log() { echo "calls.sh: $*" >&2; }
. "$BENCH_DIR/lib.sh"

cleanup()
{
	local s
	for s in "${!UAS_PID[@]}"; do stop_pid "${UAS_PID[$s]}"; done
	for s in "${!PID[@]}"; do stop_pid "${PID[$s]}"; done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Users 2000-2999 (password pwN) are callers and callees: N calls N+500 (mod 1000), so no
# callee has more than one call from one CSV pass. All register the UAS's port as contact.
write_users()
{
	local i callee
	echo SEQUENTIAL >"$WORK/callers.csv"
	echo SEQUENTIAL >"$WORK/reg.csv"
	mkdir -p "$WORK/kamailio/db" "$WORK/kamailio/run"
	cp "$BENCH_DIR/kamailio/db/version" "$BENCH_DIR/kamailio/db/subscriber" "$WORK/kamailio/db/"
	for ((i = FIRST_USER; i < FIRST_USER + USERS; i++)); do
		callee=$((FIRST_USER + (i - FIRST_USER + USERS / 2) % USERS))
		echo "$i;[authentication username=$i password=pw$i];$callee" >>"$WORK/callers.csv"
		echo "$i;[authentication username=$i password=pw$i]" >>"$WORK/reg.csv"
		echo "$i:$i:demo.zvonar:pw$i::" >>"$WORK/kamailio/db/subscriber"
	done
}

start_zvonar()
{
	local i port
	port=$(free_port)
	mkdir -p "$WORK/zvonar"
	"$BUILD/zvonar" -o sip_listen=127.0.0.1 -o sip_port="$port" -o http_port="$(free_port)" \
		-o sip_tls_port="$(free_port)" -o data_dir="$WORK/zvonar" -o demo=yes \
		-o log_level=warn -o sip_flood_rate=0 -o auth_fail_limit=100000 \
		-o reg_keepalive=0 -o call_no_answer=0 -o udp_sockbuf=$BUF \
		-o rtp_port_min=40000 -o rtp_port_max=49999 \
		>"$WORK/zvonar.log" 2>&1 &
	PID[zvonar]=$!
	PORT[zvonar]=$port
	# log_level=warn hides the "ready" notice: wait for the SIP port and the control socket.
	for ((i = 0; i < 100; i++)); do
		[ -S "$WORK/zvonar/zvonar.ctl" ] && ss -Hlun "sport = :$port" | grep -q . && break
		kill -0 "${PID[zvonar]}" 2>/dev/null || break
		sleep 0.1
	done
	if ! [ -S "$WORK/zvonar/zvonar.ctl" ] || ! kill -0 "${PID[zvonar]}" 2>/dev/null; then
		log "zvonar did not start:"; tail -5 "$WORK/zvonar.log" >&2
		unset 'PID[zvonar]'
		return 1
	fi
	# One control call per user: the control protocol takes one command per connection.
	for ((i = FIRST_USER; i < FIRST_USER + USERS; i++)); do
		if ! "$BUILD/zvonarctl" -s "$WORK/zvonar/zvonar.ctl" extension add demo "$i" "pw$i" \
			>/dev/null 2>>"$WORK/zvonarctl.err"; then
			log "zvonarctl extension add demo $i failed:"; tail -2 "$WORK/zvonarctl.err" >&2
			return 1
		fi
	done
}

start_kamailio()
{
	local port
	port=$(free_port)
	kamailio -DD -E -f "$BENCH_DIR/kamailio/proxy.cfg" -l "udp:127.0.0.1:$port" \
		-A "DBURL=\"text://$WORK/kamailio/db\"" -Y "$WORK/kamailio/run" \
		-P "$WORK/kamailio/run/kamailio.pid" -m 2048 -M 64 -b $BUF \
		>"$WORK/kamailio.log" 2>&1 &
	PID[kamailio]=$!
	PORT[kamailio]=$port
	if ! wait_udp_port "$port"; then
		log "kamailio did not start:"; tail -5 "$WORK/kamailio.log" >&2
		unset 'PID[kamailio]'
		return 1
	fi
}

# Registers all users with the UAS's port as contact (sipp from that port), then starts the
# UAS there; it runs for the whole benchmark.
start_uas()
{
	local srv=$1 port
	port=$(free_port)
	if ! sipp "127.0.0.1:${PORT[$srv]}" -sf "$BENCH_DIR/sipp/register_auth.xml" \
		-inf "$WORK/reg.csv" -i 127.0.0.1 -p "$port" -r 500 -m $USERS -l 500 \
		-buff_size $BUF -recv_timeout 5000 -timeout 60s -nostdin \
		-trace_err -error_file "$WORK/$srv-reg.err" >/dev/null 2>&1; then
		log "$srv: registering the $USERS callees failed (see $WORK/$srv-reg.err)"
		return 1
	fi
	sipp -sf "$BENCH_DIR/sipp/call_uas.xml" -i 127.0.0.1 -p "$port" -mp "$(free_port)" \
		-key rtp_port 9 -buff_size $BUF -nostdin -trace_err -error_file "$WORK/$srv-uas.err" \
		>/dev/null 2>&1 &
	UAS_PID[$srv]=$!
	wait_udp_port "$port"
}

# run_step SERVER RATE: one sipp UAC run at a fixed call rate. Appends "server rate achieved
# cpu% cpu_ms failed retrans pass uas_cpu%" to results. Pass = no failed call and >= 95 % of
# the target rate achieved.
run_step()
{
	local srv=$1 rate=$2 tag="$1-$2" c0 c1 u0 u1 t0 t1 stf="$WORK/$1-$2.csv"
	local ok fail retr el ach pct ms pass upct
	c0=$(cpu_ticks "${PID[$srv]}")
	u0=$(cpu_ticks "${UAS_PID[$srv]}")
	t0=$(date +%s%N)
	sipp "127.0.0.1:${PORT[$srv]}" -sf "$BENCH_DIR/sipp/call_uac.xml" -inf "$WORK/callers.csv" \
		-i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" -key rtp_port 9 -d 0 \
		-r "$rate" -m $((rate * STEP)) -l $((rate * 2)) \
		-buff_size $BUF -recv_timeout 5000 -timeout $((STEP + 40))s \
		-nostdin -trace_stat -stf "$stf" -fd 1 -trace_err -error_file "$WORK/$tag.err" \
		>/dev/null 2>&1
	t1=$(date +%s%N)
	c1=$(cpu_ticks "${PID[$srv]}")
	u1=$(cpu_ticks "${UAS_PID[$srv]}")
	if [ ! -s "$stf" ]; then
		log "$tag: sipp wrote no statistics"
		echo "$srv $rate 0 0 0 1 0 0 0" >>"$WORK/results"
		return 1
	fi
	ok=$(stat_col "$stf" 'SuccessfulCall(C)')
	fail=$(stat_col "$stf" 'FailedCall(C)')
	retr=$(stat_col "$stf" 'Retransmissions(C)')
	el=$(awk -v a="$(stat_col "$stf" StartTime)" -v b="$(stat_col "$stf" CurrentTime)" \
		'BEGIN { print b - a }')
	read -r ach pct ms pass upct < <(awk -v ok="$ok" -v el="$el" -v dc=$((c1 - c0)) \
		-v du=$((u1 - u0)) -v hz="$CLK_TCK" -v wall=$(((t1 - t0) / 1000000)) -v fail="$fail" \
		-v rate="$rate" 'BEGIN {
		ach = el > 0 ? ok / el : 0
		ms = ok > 0 ? 1000 * dc / hz / ok : 0
		pass = (fail == 0 && ach >= 0.95 * rate) ? 1 : 0
		printf("%.0f %.1f %.3f %d %.1f\n", ach, 100 * dc / hz / (wall / 1000), ms, pass,
			100 * du / hz / (wall / 1000)) }')
	log "$tag: $ok ok at $ach/s, $fail failed, $retr retrans, CPU $pct %, $ms ms/call" \
		"(UAS $upct %)"
	echo "$srv $rate $ach $pct $ms $fail $retr $pass $upct" >>"$WORK/results"
	[ "$pass" = 1 ]
}

# Steps all servers through the same rates, interleaved, so a time budget cuts them alike.
run_steps()
{
	local rate srv
	declare -A live
	for srv in $ACTIVE; do live[$srv]=1; done
	for rate in $RATES; do
		for srv in $ACTIVE; do
			[ "${live[$srv]}" = 1 ] || continue
			if [ $(($(date +%s) - T_START + STEP + 10)) -gt "$BUDGET" ]; then
				log "time budget of $BUDGET s reached; not running $srv $rate/s"
				echo "$srv $rate - - - - - budget -" >>"$WORK/results"
				live[$srv]=0
				continue
			fi
			run_step "$srv" "$rate" || live[$srv]=0
		done
	done
}

report()
{
	echo
	echo "Call setup, sipp UAC -> server -> sipp UAS over UDP loopback, $STEP s per step"
	echo "(call = INVITE 407 ACK, INVITE+auth 200 ACK, BYE 200, zero hold, SDP, no RTP;"
	echo " zvonar: B2BUA + 2 RTP port pairs + CDR; Kamailio: tm proxy; CPU % of one core)"
	echo
	printf '| %-8s | %10s | %6s | %15s | %8s | %-42s |\n' server "max CPS" "CPU %" \
		"CPU ms per call" failures "next step"
	echo '|----------|------------|--------|-----------------|----------|--------------------------------------------|'
	awk -v servers="$ACTIVE" -v first="${RATES%% *}" '
	{
		if ($8 == "budget") cut[$1] = $2
		else if ($8 == 1) best[$1] = $0
		else bad[$1] = $0
	}
	END {
		n = split(servers, sv, " ")
		for (i = 1; i <= n; i++) {
			s = sv[i]
			if (s in best) {
				split(best[s], b, " ")
				rate = b[3]; cpu = b[4]; ms = b[5]; f = b[6]
			} else {
				rate = "<" first; cpu = "-"; ms = "-"; f = "-"
			}
			nx = (s in cut) ? cut[s] "/s: cut by time budget" : "(highest step)"
			if (s in bad) {
				split(bad[s], x, " ")
				nx = sprintf("%d/s: %d/s, %d failed, %d retr", x[2], x[3], x[6], x[7])
			}
			printf("| %-8s | %10s | %6s | %15s | %8s | %-42s |\n", s, rate, cpu, ms, f, nx)
			r[s] = rate; m[s] = ms
		}
		print ""
		if (("zvonar" in best) && ("kamailio" in best))
			printf("zvonar/Kamailio: max CPS x%.2f, CPU ms per call x%.2f\n",
				r["zvonar"] / r["kamailio"],
				(m["kamailio"] > 0) ? m["zvonar"] / m["kamailio"] : 0)
	}' "$WORK/results"
}

main()
{
	local srv
	command -v sipp >/dev/null || { log "sipp missing (apt-get install sip-tester)"; exit 1; }
	raise_socket_buffers
	write_users
	: >"$WORK/results"
	UAC_PORT=$(free_port)
	UAC_MP=$(free_port)
	ACTIVE=
	for srv in $SERVERS; do
		case $srv in
		zvonar)
			[ -x "$BUILD/zvonar" ] || { log "no $BUILD/zvonar; skipping zvonar"; continue; } ;;
		kamailio)
			command -v kamailio >/dev/null || { log "kamailio missing; skipping"; continue; } ;;
		*) log "unknown server $srv"; continue ;;
		esac
		if "start_$srv" && start_uas "$srv"; then
			ACTIVE="$ACTIVE $srv"
		else
			log "skipping $srv"
		fi
	done
	[ -n "$ACTIVE" ] || { log "no server to measure"; exit 1; }
	run_steps
	report
}

main
