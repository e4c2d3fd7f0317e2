#!/bin/bash
# Integration: a real baresip (Debian package, headless) registers to zvonar over UDP and TCP;
# with a wrong password it is refused and never listed. Templates live in tests/baresip/.
. "$(dirname "$0")/lib.sh"

EXT=200
PASS=bs-secret-200
BS_PID=
BS_DIR=
BS_MODULES=${BARESIP_MODULE_PATH:-/usr/lib/baresip/modules}

if ! command -v baresip >/dev/null; then
	echo "skip: baresip not installed (apt-get install baresip)"
	exit 77
fi

# bs_start TRANSPORT PASSWORD: baresip in a fresh config dir, output in $BS_DIR/out.txt.
bs_start()
{
	local sip_port cons_port
	BS_DIR=$(mktemp -d /tmp/zvbaresip.XXXXXX)
	ZV_DIRS+=("$BS_DIR")
	sip_port=$(zv_free_port) || return 1
	cons_port=$(zv_free_port) || return 1
	sed -e "s|@SIP_PORT@|$sip_port|; s|@CONS_PORT@|$cons_port|; s|@MODULE_PATH@|$BS_MODULES|" \
		"$ZV_ROOT/tests/baresip/config.in" >"$BS_DIR/config"
	sed -e "s|@USER@|$EXT|; s|@SERVER_PORT@|$ZV_PORT|g; s|@TRANSPORT@|$1|g; s|@PASSWORD@|$2|" \
		"$ZV_ROOT/tests/baresip/accounts.in" >"$BS_DIR/accounts"
	: >"$BS_DIR/contacts"
	# Line-buffered so the test sees responses while baresip runs; -t is a safety net only.
	stdbuf -oL -eL baresip -f "$BS_DIR" -t 60 </dev/null >"$BS_DIR/out.txt" 2>&1 &
	BS_PID=$!
	zv_log "baresip pid $BS_PID ($1) from 127.0.0.1:$sip_port, dir $BS_DIR"
}

# SIGTERM makes baresip unregister before it exits; SIGKILL after 5 s.
bs_stop()
{
	local i
	[ -n "$BS_PID" ] || return 0
	kill -TERM "$BS_PID" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$BS_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$BS_PID" 2>/dev/null
	wait "$BS_PID" 2>/dev/null
	BS_PID=
}

trap 'bs_stop; zv_kill; rm -f "$ZV_PORTS_FILE"' EXIT

# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for()
{
	local n=$(($1 * 5))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

# A registrations line whose AOR is our extension, written "200", "200@host" or "sip:200@host".
AOR_RE="(^|[[:space:]:])$EXT(@|[[:space:]]|\$)"
our_lines() { zv_ctl show registrations 2>/dev/null | grep -E "$AOR_RE"; }
# registered TRANSPORT: our extension has a contact over TRANSPORT (the transport column).
registered() { our_lines | grep -Eiq "(^|[[:space:]])$1([[:space:]]|\$)"; }
not_registered() { ! our_lines >/dev/null; }
baresip_says() { grep -Eq "$1" "$BS_DIR/out.txt"; }

# register_ok TRANSPORT: listed within 10 s, gone within 5 s after baresip unregisters.
register_ok()
{
	bs_start "$1" "$PASS" || return
	if wait_for 10 registered "$1"; then
		zv_ok "baresip over $1 listed in show registrations"
	else
		zv_fail "baresip over $1 not listed within 10 s"
		zv_ctl show registrations | sed 's/^/  | /'
		sed 's/^/  baresip| /' "$BS_DIR/out.txt" | tail -n 20
	fi
	zv_assert_match "$EXT@127\\.0\\.0\\.1.*200 OK" "$(cat "$BS_DIR/out.txt")" \
		"baresip reports 200 OK over $1"
	bs_stop
	if wait_for 5 not_registered; then
		zv_ok "unregistered over $1 when baresip stopped"
	else
		zv_fail "contact over $1 still listed 5 s after baresip unregistered"
	fi
}

register_wrong_password()
{
	bs_start udp "not-$PASS" || return
	if wait_for 10 baresip_says '40[13] '; then
		zv_ok "baresip with a wrong password got 401/403"
	else
		zv_fail "baresip with a wrong password saw no 401/403 in 10 s"
		sed 's/^/  baresip| /' "$BS_DIR/out.txt" | tail -n 20
	fi
	zv_assert_no_match "$AOR_RE" "$(zv_ctl show registrations)" \
		"wrong password: extension not registered"
	bs_stop
}

zv_start -o demo=yes || zv_done
zv_assert_eq ok "$(zv_ctl extension add demo "$EXT" "$PASS")" "extension add demo $EXT"
register_ok udp
register_wrong_password
register_ok tcp
zv_done
