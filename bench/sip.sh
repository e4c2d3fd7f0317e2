#!/bin/bash
# SIP signalling benchmark: sipp -> zvonar and sipp -> Kamailio 5.6 in one run, REGISTER with
# digest auth and OPTIONS, stepping the rate; prints the highest clean rate and its CPU cost.
#
# usage: bench/sip.sh [BUILD_DIR]
# env:   BENCH_QUICK=1            5 s steps (smoke check)
#        BENCH_STEP_SECONDS=N     seconds per step (default 15)
#        BENCH_SIP_RATES="..."    rates to step through (default "1000 2000 4000 8000 16000")
#        BENCH_SIP_SERVERS="..."  subset of "zvonar kamailio"
#        BENCH_BUDGET=N           start no step that would end after N seconds (default 300)
#        BENCH_KEEP=1             keep the work directory (sipp stats, server logs)
set -u

BUILD=${1:-build}
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
STEP=${BENCH_STEP_SECONDS:-15}
[ "${BENCH_QUICK:-0}" = 1 ] && STEP=${BENCH_STEP_SECONDS:-5}
RATES=${BENCH_SIP_RATES:-1000 2000 4000 8000 16000}
SERVERS=${BENCH_SIP_SERVERS:-zvonar kamailio}
BUDGET=${BENCH_BUDGET:-300}
USERS=1000
FIRST_USER=2000
BUF=4194304
WORK=$(mktemp -d /tmp/zvonar-bench-sip.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
T_START=$(date +%s)
ZV_PID=
KAM_PID=
declare -A SIPP_PORT

log() { echo "sip.sh: $*" >&2; }
. "$BENCH_DIR/lib.sh"

cleanup()
{
	[ -n "$ZV_PID" ] && kill "$ZV_PID" 2>/dev/null && wait "$ZV_PID" 2>/dev/null
	[ -n "$KAM_PID" ] && kill "$KAM_PID" 2>/dev/null && wait "$KAM_PID" 2>/dev/null
	if [ "${BENCH_KEEP:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

write_users()
{
	local i
	echo SEQUENTIAL >"$WORK/users.csv"
	mkdir -p "$WORK/kamailio/db" "$WORK/kamailio/run"
	cp "$BENCH_DIR/kamailio/db/version" "$BENCH_DIR/kamailio/db/subscriber" "$WORK/kamailio/db/"
	for ((i = FIRST_USER; i < FIRST_USER + USERS; i++)); do
		echo "$i;[authentication username=$i password=pw$i]" >>"$WORK/users.csv"
		echo "$i:$i:demo.zvonar:pw$i::" >>"$WORK/kamailio/db/subscriber"
	done
}

start_zvonar()
{
	local i
	ZV_PORT=$(free_port)
	mkdir -p "$WORK/zvonar"
	: >"$WORK/zvonar.log"
	"$BUILD/zvonar" -o sip_listen=127.0.0.1 -o sip_port="$ZV_PORT" -o http_port="$(free_port)" \
		-o data_dir="$WORK/zvonar" -o log_level=notice -o sip_flood_rate=0 -o sip_max_transactions=2000000 \
		-o auth_fail_limit=100000 -o udp_sockbuf=$BUF -o sip_tls_port="$(free_port)" \
		>"$WORK/zvonar.log" 2>&1 &
	ZV_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$WORK/zvonar.log" && break
		kill -0 "$ZV_PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q ready "$WORK/zvonar.log"; then
		log "zvonar did not start:"; tail -5 "$WORK/zvonar.log" >&2
		ZV_PID=
		return 1
	fi
	add_zvonar_users
}

# One control call per user: the control protocol takes one command per connection.
add_zvonar_users()
{
	local i ctl="$BUILD/zvonarctl -s $WORK/zvonar/zvonar.ctl"
	for ((i = FIRST_USER; i < FIRST_USER + USERS; i++)); do
		if ! $ctl extension add demo "$i" "pw$i" >/dev/null 2>>"$WORK/zvonarctl.err"; then
			log "zvonarctl extension add demo $i failed:"; tail -2 "$WORK/zvonarctl.err" >&2
			return 1
		fi
	done
}

start_kamailio()
{
	KAM_PORT=$(free_port)
	kamailio -DD -E -f "$BENCH_DIR/kamailio/registrar.cfg" -l "udp:127.0.0.1:$KAM_PORT" \
		-A "DBURL=\"text://$WORK/kamailio/db\"" -Y "$WORK/kamailio/run" \
		-P "$WORK/kamailio/run/kamailio.pid" -m 512 -M 32 -b $BUF \
		>"$WORK/kamailio.log" 2>&1 &
	KAM_PID=$!
	if ! wait_udp_port "$KAM_PORT"; then
		log "kamailio did not start:"; tail -5 "$WORK/kamailio.log" >&2
		KAM_PID=
		return 1
	fi
}

# run_step SERVER PORT PID SCENARIO RATE SIPP_PORT: one sipp run at a fixed rate. The sipp port
# is fixed per server so every step re-registers the same Contact (no growing binding lists).
# Appends "server scenario rate achieved cpu% cpu_ms failed
# retrans pass" to results. Pass = no failed call and >= 95 % of the target rate achieved.
run_step()
{
	local srv=$1 port=$2 pid=$3 scen=$4 rate=$5 tag="$1-$4-$5" args c0 c1 t0 t1
	local stf="$WORK/$tag.csv" ok fail retr el ach pct ms pass
	case $scen in
	register) args="-sf $BENCH_DIR/sipp/register_auth.xml -inf $WORK/users.csv" ;;
	options) args="-sf $BENCH_DIR/sipp/options.xml" ;;
	esac
	c0=$(cpu_ticks "$pid")
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	sipp "127.0.0.1:$port" $args -i 127.0.0.1 -p "$6" -r "$rate" -m $((rate * STEP)) \
		-l "$rate" -buff_size $BUF -recv_timeout 5000 -timeout $((STEP + 40))s \
		-nostdin -trace_stat -stf "$stf" -fd 1 -trace_err -error_file "$WORK/$tag.err" \
		>/dev/null 2>&1
	t1=$(date +%s%N)
	c1=$(cpu_ticks "$pid")
	if [ ! -s "$stf" ]; then
		log "$tag: sipp wrote no statistics"
		echo "$srv $scen $rate 0 0 0 1 0 0" >>"$WORK/results"
		return 1
	fi
	ok=$(stat_col "$stf" 'SuccessfulCall(C)')
	fail=$(stat_col "$stf" 'FailedCall(C)')
	retr=$(stat_col "$stf" 'Retransmissions(C)')
	el=$(awk -v a="$(stat_col "$stf" StartTime)" -v b="$(stat_col "$stf" CurrentTime)" \
		'BEGIN { print b - a }')
	read -r ach pct ms pass < <(awk -v ok="$ok" -v el="$el" -v dc=$((c1 - c0)) -v hz="$CLK_TCK" \
		-v wall=$(((t1 - t0) / 1000000)) -v fail="$fail" -v rate="$rate" 'BEGIN {
		ach = el > 0 ? ok / el : 0
		ms = ok > 0 ? 1000 * dc / hz / ok : 0
		pass = (fail == 0 && ach >= 0.95 * rate) ? 1 : 0
		printf("%.0f %.1f %.3f %d\n", ach, 100 * dc / hz / (wall / 1000), ms, pass) }')
	log "$tag: $ok ok at $ach/s, $fail failed, $retr retrans, CPU $pct %, $ms ms/tx"
	echo "$srv $scen $rate $ach $pct $ms $fail $retr $pass" >>"$WORK/results"
	[ "$pass" = 1 ]
}

# Steps all servers through the same rates, interleaved, so a time budget cuts them alike.
run_scenario()
{
	local scen=$1 rate srv port pid
	declare -A live
	for srv in $ACTIVE; do live[$srv]=1; done
	for rate in $RATES; do
		for srv in $ACTIVE; do
			[ "${live[$srv]}" = 1 ] || continue
			if [ $(($(date +%s) - T_START + STEP + 10)) -gt "$BUDGET" ]; then
				log "time budget of $BUDGET s reached; not running $srv $scen $rate/s"
				echo "$srv $scen $rate - - - - - budget" >>"$WORK/results"
				live[$srv]=0
				continue
			fi
			case $srv in
			zvonar) port=$ZV_PORT pid=$ZV_PID ;;
			kamailio) port=$KAM_PORT pid=$KAM_PID ;;
			esac
			run_step "$srv" "$port" "$pid" "$scen" "$rate" "${SIPP_PORT[$srv]}" || live[$srv]=0
		done
	done
}

# Best passing step per server and scenario, the step that failed after it, and the ratios.
report()
{
	echo
	echo "SIP signalling, sipp -> server over UDP loopback, $STEP s per step, $USERS users"
	echo "(tx = one scenario call: REGISTER 401 + REGISTER 200, or OPTIONS 200; CPU % of one core)"
	echo
	printf '| %-8s | %-8s | %10s | %6s | %13s | %8s | %-32s |\n' server scenario "max rate/s" \
		"CPU %" "CPU ms per tx" failures "next step"
	echo '|----------|----------|------------|--------|---------------|----------|----------------------------------|'
	awk -v servers="$ACTIVE" -v first="${RATES%% *}" '
	{
		key = $1 " " $2
		if ($9 == "budget") cut[key] = $3
		else if ($9 == 1) best[key] = $0
		else bad[key] = $0
	}
	END {
		n = split(servers, sv, " ")
		split("register options", sc, " ")
		for (j = 1; j <= 2; j++) for (i = 1; i <= n; i++) {
			key = sv[i] " " sc[j]
			if (key in best) {
				split(best[key], b, " ")
				rate = b[4]; cpu = b[5]; ms = b[6]; f = b[7]
			} else {
				rate = "<" first; cpu = "-"; ms = "-"; f = "-"
			}
			nx = (key in cut) ? cut[key] "/s: cut by time budget" : "none run"
			if (key in bad) {
				split(bad[key], x, " ")
				nx = sprintf("%d/s: %d/s, %d failed, %d retr", x[3], x[4], x[7], x[8])
			}
			printf("| %-8s | %-8s | %10s | %6s | %13s | %8s | %-32s |\n",
				sv[i], sc[j], rate, cpu, ms, f, nx)
			r[key] = rate; m[key] = ms
		}
		print ""
		for (j = 1; j <= 2; j++) {
			z = "zvonar " sc[j]; k = "kamailio " sc[j]
			if (!(z in best) || !(k in best)) continue
			printf("zvonar/Kamailio %s: max rate x%.2f, CPU ms per tx x%.2f\n", sc[j],
				r[z] / r[k], (m[k] > 0) ? m[z] / m[k] : 0)
		}
	}' "$WORK/results"
}

main()
{
	local srv
	command -v sipp >/dev/null || { log "sipp missing (apt-get install sip-tester)"; exit 1; }
	raise_socket_buffers
	write_users
	: >"$WORK/results"
	ACTIVE=
	for srv in $SERVERS; do
		case $srv in
		zvonar)
			[ -x "$BUILD/zvonar" ] || { log "no $BUILD/zvonar; skipping zvonar"; continue; } ;;
		kamailio)
			command -v kamailio >/dev/null || { log "kamailio missing; skipping"; continue; } ;;
		*) log "unknown server $srv"; continue ;;
		esac
		if "start_$srv"; then ACTIVE="$ACTIVE $srv"; else log "skipping $srv"; continue; fi
		SIPP_PORT[$srv]=$(free_port)
	done
	[ -n "$ACTIVE" ] || { log "no server to measure"; exit 1; }
	run_scenario register
	run_scenario options
	report
}

main
