#!/usr/bin/env bash
# Data is sacred: calls at 20/s through zvonar, kill -9 in the middle, restart. The database is
# intact, no call has two CDRs, every call the caller completed has its CDR (ANSWERED, or
# INTERRUPTED when the kill came between the BYE's 200 and the CDR commit), calls that were up
# at the kill are INTERRUPTED with a bounded billsec, no journal row is left, and the restarted
# server takes calls again.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed"; zv_done; }
command -v sqlite3 >/dev/null || { zv_fail "sqlite3 not installed (apt-get install sqlite3)"; zv_done; }

zv_start -o demo=yes -o reg_keepalive=0 -o rtp_port_min=30000 -o rtp_port_max=30999 \
	-o media_threads=1 -o sip_flood_rate=0 || zv_done
cp /usr/share/sip-tester/g711a.pcap "$ZV_DIR/"
for e in 200 201; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
UAS_PORT=$(zv_free_port)
UAC_PORT=$(zv_free_port)
UAS_MP=$(zv_free_media_port)
UAC_MP=$(zv_free_media_port)
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/register_ok.xml" \
	-s 201 -au 201 -ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$UAS_PORT" \
	>"$ZV_DIR/reg.out" 2>&1) || zv_fail "201 did not register"
(cd "$ZV_DIR" && exec timeout 60 sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -mp "$UAS_MP" \
	-nostdin -timeout 14s >"$ZV_DIR/uas.out" 2>&1) &
UAS=$!
sleep 0.3
# 20 calls/s, each up for 700 ms; at most 200 calls, the caller gives up 8 s after the kill.
(cd "$ZV_DIR" && exec timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/call_uac.xml" \
	-s 201 -key caller 200 -au 200 -ap pw-200-secret -d 700 -r 20 -m 200 -nostdin \
	-timeout 12s -recv_timeout 4000 -i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" \
	-trace_stat -stf "$ZV_DIR/uac.csv" -fd 1 >"$ZV_DIR/uac.out" 2>&1) &
UAC=$!
sleep 3.5
kill -KILL "$ZV_PID"
wait "$ZV_PID" 2>/dev/null
zv_log "zvonar killed with SIGKILL"
ZV_PID=
wait "$UAC"
wait "$UAS"
ok_calls=$(grep -E '^ *Successful call' "$ZV_DIR/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
zv_log "the caller completed $ok_calls calls before the kill"
[ "${ok_calls:-0}" -gt 10 ] || zv_fail "too few calls completed before the kill (${ok_calls:-none})"

ZV_REUSE=1 zv_start -o demo=yes -o reg_keepalive=0 -o rtp_port_min=30000 -o rtp_port_max=30999 \
	-o media_threads=1 || zv_done
db=$ZV_DIR/zvonar.db
q() { sqlite3 -batch -noheader "$db" "$1"; }
zv_assert_eq ok "$(q 'PRAGMA integrity_check')" "the database is intact after kill -9"
zv_assert_match 'INTERRUPTED' "$(cat "$ZV_LOG")" "the start-up reconciled the open calls"
zv_assert_eq 0 "$(q 'SELECT count(*) FROM calls_open')" "no journaled call is left open"
zv_assert_eq 0 "$(q 'SELECT count(*) FROM (SELECT call_id FROM cdrs GROUP BY call_id HAVING count(*) > 1)')" \
	"no call has two CDRs"
total=$(q "SELECT count(*) FROM cdrs WHERE disposition IN ('ANSWERED', 'INTERRUPTED')")
zv_log "$total answered or interrupted CDRs"
[ "$total" -ge "${ok_calls:-0}" ] && zv_ok "every completed call has a CDR ($total >= $ok_calls)" ||
	zv_fail "completed calls without a CDR: $ok_calls completed, $total CDRs"
zv_assert_eq 0 "$(q "SELECT count(*) FROM cdrs WHERE disposition = 'INTERRUPTED' AND billsec > 12")" \
	"interrupted calls bill at most up to the last heartbeat"
zv_assert_match '^demo +200 +-> 201 ' "$(zv_ctl show cdrs demo 1 | sed 's/^[^ ]* //')" "CDRs are listed after the restart"
zv_done
