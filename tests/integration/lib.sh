# Integration-test helpers: start/stop a real zvonar on free loopback ports, talk to it, assert.
#
# Source it from a test:  . "$(dirname "$0")/lib.sh"
# $ZV_BUILD names the build directory (default: build). Every assertion prints what was
# expected and what came; failures are counted and zv_done turns them into the exit status.
# The server's data dir is removed on success and kept (path printed) when something failed.

ZV_BUILD=${ZV_BUILD:-build}
ZV_BUILD=$(cd "$ZV_BUILD" 2>/dev/null && pwd || echo "$ZV_BUILD")
ZV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ZV_FAILS=0
ZV_PID=
ZV_DIRS=()

zv_log() { printf '# %s\n' "$*"; }

zv_fail()
{
	printf 'FAIL: %s\n' "$*"
	ZV_FAILS=$((ZV_FAILS + 1))
}

zv_ok() { printf 'ok: %s\n' "$*"; }

# A port free for both UDP and TCP on 127.0.0.1, picked by the kernel. Ports handed out
# earlier in this test are remembered in a file (callers use $(zv_free_port), a subshell)
# and skipped, so a server and sipp never get the same one.
ZV_PORTS_FILE=$(mktemp /tmp/zvports.XXXXXX)
zv_free_port()
{
	local port
	port=$(python3 - "$ZV_PORTS_FILE" <<'EOF'
import socket, sys
given = set(open(sys.argv[1]).read().split())
for _ in range(200):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(('127.0.0.1', 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(('127.0.0.1', port))
    except OSError:
        continue
    finally:
        t.close()
        u.close()
    if str(port) not in given:
        print(port)
        sys.exit(0)
sys.exit(1)
EOF
	) || { zv_fail "no free port on 127.0.0.1"; return 1; }
	echo "$port" >>"$ZV_PORTS_FILE"
	echo "$port"
}

# An even port with the next three free too, for sipp -mp (it binds audio, and video at +2).
zv_free_media_port()
{
	local port
	port=$(python3 - "$ZV_PORTS_FILE" <<'EOF'
import random, socket, sys
given = set(open(sys.argv[1]).read().split())
for _ in range(500):
    base = random.randrange(40000, 60000, 4)
    socks = []
    try:
        for p in range(base, base + 4):
            if str(p) in given:
                raise OSError
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            socks.append(u)
            u.bind(('127.0.0.1', p))
    except OSError:
        continue
    finally:
        for u in socks:
            u.close()
    print(base)
    sys.exit(0)
sys.exit(1)
EOF
	) || { zv_fail "no free media ports on 127.0.0.1"; return 1; }
	printf '%s\n' "$port" "$((port + 1))" "$((port + 2))" "$((port + 3))" >>"$ZV_PORTS_FILE"
	echo "$port"
}

# zv_start [-o key=value]...: a server in a fresh data dir; exports ZV_PORT ZV_HTTP ZV_CTL ZV_DIR
# ZV_LOG ZV_PID. Returns 1 (and counts a failure) when it does not log "ready" within 15 s.
zv_start()
{
	local i
	if [ -n "${ZV_REUSE:-}" ]; then
		# a restart keeps the dir and the SIP port; the old log is kept beside the new one
		cat "$ZV_DIR/zvonar.log" >>"$ZV_DIR/zvonar.log.before" 2>/dev/null
		rm -f "$ZV_DIR/zvonar.log"
	else
		ZV_DIR=$(mktemp -d /tmp/zvtest.XXXXXX)
		ZV_DIRS+=("$ZV_DIR")
		ZV_PORT=$(zv_free_port) || return 1
		ZV_HTTP=$(zv_free_port) || return 1
	fi
	ZV_CTL=$ZV_DIR/zvonar.ctl
	ZV_LOG=$ZV_DIR/zvonar.log
	export ZV_PORT ZV_HTTP ZV_CTL ZV_DIR ZV_LOG
	"$ZV_BUILD/zvonar" -o data_dir="$ZV_DIR" -o sip_port="$ZV_PORT" -o ctl_socket="$ZV_CTL" \
		-o sip_listen=127.0.0.1 -o http_port="$ZV_HTTP" -o demo=no \
		-o sip_flood_rate=0 -o log_level=info "$@" >"$ZV_LOG" 2>&1 &
	ZV_PID=$!
	export ZV_PID
	for i in $(seq 150); do
		if grep -qw ready "$ZV_LOG" 2>/dev/null; then
			zv_log "zvonar pid $ZV_PID on 127.0.0.1:$ZV_PORT, dir $ZV_DIR"
			return 0
		fi
		if ! kill -0 "$ZV_PID" 2>/dev/null; then
			wait "$ZV_PID"
			zv_fail "zvonar exited with status $? before ready; log:"
			sed 's/^/  | /' "$ZV_LOG" | tail -n 30
			ZV_PID=
			return 1
		fi
		sleep 0.1
	done
	zv_fail "zvonar did not log ready within 15 s; log:"
	tail -n 30 "$ZV_LOG" | sed 's/^/  | /'
	zv_kill
	return 1
}

# zv_restart [-o key=value]...: stops the server gracefully and starts it again on the same
# data dir and SIP port (persistence tests).
zv_restart()
{
	zv_stop
	ZV_REUSE=1 zv_start "$@"
}

zv_kill()
{
	[ -n "$ZV_PID" ] || return 0
	kill -KILL "$ZV_PID" 2>/dev/null
	wait "$ZV_PID" 2>/dev/null
	ZV_PID=
}

# SIGTERM, up to 10 s for a graceful exit, then SIGKILL. A crash, a non-zero exit or any
# sanitizer report in the log fails the test.
zv_stop()
{
	local i status
	[ -n "$ZV_PID" ] || return 0
	if ! kill -0 "$ZV_PID" 2>/dev/null; then
		wait "$ZV_PID"
		status=$?
		zv_fail "zvonar died before zv_stop (status $status)"
		ZV_PID=
		zv_check_log
		return 1
	fi
	kill -TERM "$ZV_PID"
	for i in $(seq 100); do
		kill -0 "$ZV_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$ZV_PID" 2>/dev/null; then
		zv_fail "zvonar ignored SIGTERM for 10 s; killed"
		zv_kill
		zv_check_log
		return 1
	fi
	wait "$ZV_PID"
	status=$?
	ZV_PID=
	[ "$status" -eq 0 ] || zv_fail "zvonar exited with status $status after SIGTERM (want 0)"
	zv_check_log
}

# Sanitizer and crash reports are failures even when the process exited cleanly.
zv_check_log()
{
	local pat='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: .*Sanitizer'
	if grep -Eq "$pat" "$ZV_LOG"; then
		zv_fail "sanitizer report in $ZV_LOG:"
		grep -E -A 12 "$pat" "$ZV_LOG" | head -n 40 | sed 's/^/  | /'
		return 1
	fi
	return 0
}

# zv_sipp_run SCENARIO USER PASSWORD [sipp options...]: one call of tests/sipp/SCENARIO.xml
# from 127.0.0.1:$SIPP_PORT as USER, with digest credentials; sipp's exit status. Output in
# $ZV_DIR/sipp-SCENARIO.{out,err}.
zv_sipp_run()
{
	local sc=$1 user=$2 pass=$3
	shift 3
	(cd "$ZV_DIR" && timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/$sc.xml" \
		-s "$user" -au "$user" -ap "$pass" -m 1 -nostdin -timeout 20s \
		-i 127.0.0.1 -p "$SIPP_PORT" -trace_err -error_file "$ZV_DIR/sipp-$sc.err" "$@" \
		>>"$ZV_DIR/sipp-$sc.out" 2>&1)
}

zv_regs() { zv_ctl show registrations 2>&1; }

# ---- baresip phones (tests/baresip/call_config.in): a tone as the microphone, every
# stream it hears written as WAV (dump-*-dec.wav) in $ZV_DIR/NAME, auto answer.
ZV_BARESIP_MODS=${BARESIP_MODULE_PATH:-/usr/lib/baresip/modules}
PHONES=()

# zv_phones_check CODEC...: baresip and the modules the phones need are there.
zv_phones_check()
{
	local m
	command -v baresip >/dev/null || { zv_fail "baresip not installed"; return 1; }
	for m in "$@" ausine aubridge sndfile; do
		[ -e "$ZV_BARESIP_MODS/$m.so" ] || { zv_fail "baresip module $m.so missing"; return 1; }
	done
}

# zv_phone NAME USER CODEC TONE RTP_PORTS [baresip options]: extension USER (password
# pw-USER-secret) in the background, pid appended to PHONES; it lives ${LIFE:-14} s.
zv_phone()
{
	local dir=$ZV_DIR/$1 sip cons
	mkdir -p "$dir"
	sip=$(zv_free_media_port) || return 1
	cons=$(zv_free_port) || return 1
	sed -e "s|@SIP_PORT@|$sip|; s|@CONS_PORT@|$cons|; s|@MODULE_PATH@|$ZV_BARESIP_MODS|" \
		-e "s|@CODEC@|$3|; s|@TONE@|$4|; s|@RTP_PORTS@|$5|; s|@DIR@|$dir|" \
		"$ZV_ROOT/tests/baresip/call_config.in" >"$dir/config"
	echo "<sip:$2@127.0.0.1:$ZV_PORT;transport=udp>;auth_pass=pw-$2-secret;regint=600;answermode=auto" \
		>"$dir/accounts"
	: >"$dir/contacts"
	shift 5
	(cd "$dir" && exec stdbuf -oL -eL baresip -f "$dir" -t "${LIFE:-14}" "$@" </dev/null \
		>"$dir/out.txt" 2>&1) &
	PHONES+=("$!")
}

# zv_phone_registered NAME USER: waits up to 20 s (a first baresip start on a cold machine
# is slow) for the demo tenant's USER to register; on failure shows the phone's output.
zv_phone_registered()
{
	local i
	for i in $(seq 200); do
		zv_ctl show registrations | grep -q "^demo  *$2 " && { zv_ok "baresip $2 registered"; return 0; }
		sleep 0.1
	done
	zv_fail "baresip $2 did not register within 20 s; its output:"
	sed 's/^/    | /' "$ZV_DIR/$1/out.txt"
	return 1
}

zv_ctl() { "$ZV_BUILD/zvonarctl" -s "$ZV_CTL" "$@"; }

# zv_assert_eq EXPECTED ACTUAL WHAT
zv_assert_eq()
{
	if [ "$1" = "$2" ]; then zv_ok "$3"; return 0; fi
	zv_fail "$3: expected [$1], got [$2]"
	return 1
}

# zv_assert_match REGEX TEXT WHAT (extended regex, any line of TEXT)
zv_assert_match()
{
	if printf '%s\n' "$2" | grep -Eq -- "$1"; then zv_ok "$3"; return 0; fi
	zv_fail "$3: expected a line matching /$1/, got:"
	printf '%s\n' "$2" | head -n 20 | sed 's/^/  | /'
	return 1
}

# zv_assert_no_match REGEX TEXT WHAT
zv_assert_no_match()
{
	if ! printf '%s\n' "$2" | grep -Eq -- "$1"; then zv_ok "$3"; return 0; fi
	zv_fail "$3: expected no line matching /$1/, got:"
	printf '%s\n' "$2" | grep -E -- "$1" | head -n 20 | sed 's/^/  | /'
	return 1
}

# zv_assert_status EXPECTED WHAT -- COMMAND...: runs COMMAND, compares its exit status.
zv_assert_status()
{
	local want=$1 what=$2 out status
	shift 3
	out=$("$@" 2>&1)
	status=$?
	if [ "$status" -eq "$want" ]; then zv_ok "$what"; return 0; fi
	zv_fail "$what: expected exit status $want, got $status from: $*"
	printf '%s\n' "$out" | tail -n 20 | sed 's/^/  | /'
	return 1
}

# Ends the test: stops a running server, cleans up, exits 0 only if nothing failed.
zv_done()
{
	local d
	zv_stop
	if [ "$ZV_FAILS" -eq 0 ]; then
		for d in "${ZV_DIRS[@]}"; do rm -rf "$d"; done
		echo "all checks passed"
		exit 0
	fi
	echo "$ZV_FAILS check(s) failed; server files kept in: ${ZV_DIRS[*]}"
	exit 1
}

# A test killed by timeout or an error must not leave a server behind.
trap 'zv_kill; rm -f "$ZV_PORTS_FILE"' EXIT
