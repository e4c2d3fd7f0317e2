#!/usr/bin/env bash
# A SIP trunk against a sipp "provider": zvonar registers to it with digest auth; extension
# 200 dials 89161234567, routed by prefix 8 (strip 1, prepend +7) with the trunk's caller id,
# and answers the provider's 401; the provider calls DID 5551000, which rings extension 201;
# both calls leave CDRs with direction and trunk. An unknown DID gets 404, and the DID from
# anywhere but the trunk's address is challenged like any stranger.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed"; zv_done; }

zv_start -o demo=yes -o reg_keepalive=0 -o rtp_port_min=29000 -o rtp_port_max=29999 \
	-o media_threads=1 || zv_done
cp /usr/share/sip-tester/g711a.pcap "$ZV_DIR/"
for e in 200 201; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
TRUNK=$(zv_free_port)
TRUNK_MP=$(zv_free_media_port)
UAS=$(zv_free_port)
UAS_MP=$(zv_free_media_port)
UAC=$(zv_free_port)
UAC_MP=$(zv_free_media_port)
SC=$ZV_ROOT/tests/sipp
bg() # NAME SIPP-ARGS...: sipp in the background, pid in PID_<NAME>
{
	local name=$1
	shift
	(cd "$ZV_DIR" && exec timeout 60 sipp "$@" -i 127.0.0.1 -m 1 -nostdin -timeout 30s \
		-trace_err -error_file "$ZV_DIR/$name.err" >"$ZV_DIR/$name.out" 2>&1) &
	eval "PID_$name=$!"
	sleep 0.4
}

# --- outbound registration with digest ---
bg reg -sf "$SC/provider_registrar.xml" -p "$TRUNK"
zv_assert_eq ok "$(zv_ctl trunk add demo prov "127.0.0.1:$TRUNK" user=trunkuser password=trunkpass \
	domain=provider.test register=yes expires=3600 callerid=74951112233 2>&1)" "trunk add"
wait "$PID_reg"
zv_assert_eq 0 "$?" "the provider saw a REGISTER answering its challenge with the right digest"
for i in $(seq 20); do zv_ctl trunk list | grep -q 'status=200' && break; sleep 0.1; done
zv_assert_match '^demo +prov +127\.0\.0\.1:[0-9]+ +udp user=trunkuser register=yes status=200 expires=3600' \
	"$(zv_ctl trunk list)" "trunk list shows the registration granted for 3600 s"
zv_assert_status 1 "a trunk on an unknown tenant is refused" -- zv_ctl trunk add nobody x 127.0.0.1:9
zv_assert_status 1 "register=yes without a password is refused" -- \
	zv_ctl trunk add demo p2 127.0.0.1:9 user=u register=yes

# --- outbound call through a route ---
zv_assert_eq ok "$(zv_ctl route add demo 8 prov strip=1 prepend=+7 2>&1)" "route add demo 8"
zv_assert_match 'prefix 8 +-> prov +strip 1' "$(zv_ctl route list)" "route list"
bg prov_uas -sf "$SC/provider_uas.xml" -p "$TRUNK" -mp "$TRUNK_MP" -trace_msg \
	-message_file "$ZV_DIR/prov1.msg"
zv_assert_status 0 "200 calls 89161234567 through the trunk and hangs up" -- \
	bash -c "cd '$ZV_DIR' && timeout 60 sipp 127.0.0.1:$ZV_PORT -sf '$SC/call_uac.xml' -s 89161234567 \
	-key caller 200 -au 200 -ap pw-200-secret -d 1500 -m 1 -nostdin -timeout 30s -i 127.0.0.1 \
	-p $UAC -mp $UAC_MP >'$ZV_DIR/uac-out.out' 2>&1"
wait "$PID_prov_uas"
zv_assert_eq 0 "$?" "the provider got +79161234567 from 74951112233, authenticated, and the BYE"
for i in $(seq 20); do zv_ctl show cdrs demo 1 | grep -q '+79161234567' && break; sleep 0.1; done
zv_assert_match ' 200 +-> \+79161234567 +ANSWERED ' "$(zv_ctl show cdrs demo 1)" "an outbound ANSWERED CDR"
zv_assert_match '"outbound",.*"prov","Dial"' "$(zv_ctl cdr export demo 1)" "the CDR names the trunk"
zv_assert_match '^From: <sip:74951112233@provider\.test>' "$(cat "$ZV_DIR/prov1.msg")" \
	"the provider sees the trunk's caller id"

# --- the extension's own caller id wins over the trunk's ---
zv_assert_eq ok "$(zv_ctl extension callerid demo 200 +74950000200 2>&1)" "extension callerid"
zv_assert_match '^200 .*callerid=\+74950000200' "$(zv_ctl extension list demo)" "listed with the extension"
zv_assert_status 1 "a caller id with letters is refused" -- zv_ctl extension callerid demo 200 abc
bg prov_uas2 -sf "$SC/provider_uas.xml" -p "$TRUNK" -mp "$TRUNK_MP" -trace_msg \
	-message_file "$ZV_DIR/prov2.msg"
zv_assert_status 0 "a second outbound call" -- \
	bash -c "cd '$ZV_DIR' && timeout 60 sipp 127.0.0.1:$ZV_PORT -sf '$SC/call_uac.xml' -s 89161234567 \
	-key caller 200 -au 200 -ap pw-200-secret -d 500 -m 1 -nostdin -timeout 30s -i 127.0.0.1 \
	-p $UAC -mp $UAC_MP >'$ZV_DIR/uac-out2.out' 2>&1"
wait "$PID_prov_uas2"
zv_assert_match '^From: <sip:\+74950000200@provider\.test>' "$(cat "$ZV_DIR/prov2.msg")" \
	"the provider sees the extension's caller id"
zv_assert_match '^P-Asserted-Identity: <sip:\+74950000200@provider\.test>' "$(cat "$ZV_DIR/prov2.msg")" \
	"in P-Asserted-Identity too"

# --- *67 withholds the number for one call: From anonymous, Privacy: id ---
bg prov_uas3 -sf "$SC/provider_uas.xml" -p "$TRUNK" -mp "$TRUNK_MP" -trace_msg \
	-message_file "$ZV_DIR/prov3.msg"
zv_assert_status 0 "a call dialed *6789161234567" -- \
	bash -c "cd '$ZV_DIR' && timeout 60 sipp 127.0.0.1:$ZV_PORT -sf '$SC/call_uac.xml' -s '*6789161234567' \
	-key caller 200 -au 200 -ap pw-200-secret -d 500 -m 1 -nostdin -timeout 30s -i 127.0.0.1 \
	-p $UAC -mp $UAC_MP >'$ZV_DIR/uac-out3.out' 2>&1"
wait "$PID_prov_uas3"
zv_assert_match '^INVITE sip:\+79161234567@' "$(cat "$ZV_DIR/prov3.msg")" "the provider is asked for the number without *67"
zv_assert_match '^From: "Anonymous" <sip:anonymous@anonymous\.invalid>' "$(cat "$ZV_DIR/prov3.msg")" \
	"the caller's number is withheld from From"
zv_assert_match '^Privacy: id' "$(cat "$ZV_DIR/prov3.msg")" "with Privacy: id"
zv_assert_match '^P-Asserted-Identity: <sip:\+74950000200@provider\.test>' "$(cat "$ZV_DIR/prov3.msg")" \
	"and the number only in P-Asserted-Identity, for the provider"

# --- inbound call to a DID ---
zv_assert_eq ok "$(zv_ctl number add demo 5551000 201 prov 2>&1)" "number add 5551000 -> 201"
zv_assert_match '5551000 +-> 201 +via prov' "$(zv_ctl number list)" "number list"
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/register_ok.xml" -s 201 -au 201 \
	-ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$UAS" >"$ZV_DIR/reg201.out" 2>&1) ||
	zv_fail "201 did not register"
bg uas201 -sn uas -p "$UAS" -mp "$UAS_MP"
zv_assert_status 0 "the provider's call to 5551000 is answered and hung up" -- \
	bash -c "cd '$ZV_DIR' && timeout 60 sipp 127.0.0.1:$ZV_PORT -sn uac -s 5551000 -d 1000 -m 1 \
	-nostdin -timeout 30s -i 127.0.0.1 -p $TRUNK -mp $TRUNK_MP >'$ZV_DIR/prov-in.out' 2>&1"
wait "$PID_uas201"
zv_assert_eq 0 "$?" "extension 201 answered the inbound call"
for i in $(seq 20); do zv_ctl show cdrs demo 1 | grep -q '> 201' && break; sleep 0.1; done
zv_assert_match 'anonymous +-> 201 +ANSWERED ' "$(zv_ctl show cdrs demo 1)" "an inbound ANSWERED CDR"
zv_assert_match '"inbound",.*"prov","Dial","201"' "$(zv_ctl cdr export demo 1)" "the inbound CDR names the trunk"

# --- unknown DID from the trunk; the DID from a stranger ---
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sn uac -s 5559999 -m 1 -nostdin -timeout 5s \
	-i 127.0.0.1 -p "$TRUNK" -mp "$TRUNK_MP" >"$ZV_DIR/prov-404.out" 2>&1)
zv_assert_match '404' "$(cat "$ZV_DIR/prov-404.out")" "an unknown DID from the trunk gets 404"
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sn uac -s 5551000 -m 1 -nostdin -timeout 5s \
	-i 127.0.0.1 -p "$UAC" -mp "$UAC_MP" >"$ZV_DIR/stranger.out" 2>&1)
zv_assert_match '407' "$(cat "$ZV_DIR/stranger.out")" "the DID from another address is challenged (407)"
zv_assert_eq ok "$(zv_ctl trunk del demo prov 2>&1)" "trunk del"
zv_assert_no_match 'prov' "$(zv_ctl route list; zv_ctl trunk list)" "its routes go with it"
zv_done
