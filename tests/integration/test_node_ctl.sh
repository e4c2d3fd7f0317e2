#!/usr/bin/env bash
# The node from the outside: zvonar -t/-S and settings errors, zvonarctl commands (tenants,
# extensions, stats, settings, reload, stop), the demo tenant shown once, registrar rules seen
# through sipp (423, several contacts, granted expires), and registrations kept over a restart.
. "$(dirname "$0")/lib.sh"

ZV=$ZV_BUILD/zvonar
command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }

# --- command line and settings files ---
zv_assert_eq "$(cat "$ZV_ROOT/etc/zvonar.conf")" "$("$ZV" -S)" "etc/zvonar.conf is what zvonar -S prints"
zv_assert_status 0 "zvonar -t accepts the sample file" -- "$ZV" -t -c "$ZV_ROOT/etc/zvonar.conf"
bad=$(mktemp /tmp/zvbad.XXXXXX)
printf 'sip_port 5070\nsip_prot 5071\n' >"$bad"
zv_assert_match "$bad:2" "$("$ZV" -t -c "$bad" 2>&1)" "an unknown key is reported with file:line"
zv_assert_status 1 "zvonar -t refuses a file with an unknown key" -- "$ZV" -t -c "$bad"
printf 'sip_port 99999\n' >"$bad"
zv_assert_status 1 "zvonar -t refuses a port out of range" -- "$ZV" -t -c "$bad"
zv_assert_status 1 "-o with an unknown key is refused" -- "$ZV" -t -o no_such_key=1
zv_assert_status 1 "-o log_level=loud is refused" -- "$ZV" -t -o log_level=loud
zv_assert_status 2 "an unknown option is a usage error" -- "$ZV" -Q
rm -f "$bad"

# --- first start: demo tenant with passwords printed once ---
zv_start -o demo=yes || zv_done
zv_assert_eq 3 "$(grep -Ec 'extension 10[012]  password [A-Za-z0-9]{16}' "$ZV_LOG")" \
	"first start prints three demo passwords"
zv_assert_match '^demo +demo\.zvonar$' "$(zv_ctl tenant list)" "tenant list shows demo"
zv_assert_match '^101 +enabled' "$(zv_ctl extension list demo)" "extension list shows 101"

# --- tenants and extensions ---
zv_assert_eq ok "$(zv_ctl tenant add acme acme.example 2>&1)" "tenant add acme"
zv_assert_status 1 "a second tenant with the same domain is refused" -- zv_ctl tenant add other acme.example
zv_assert_eq ok "$(zv_ctl extension add acme 200 acme-secret-200 2>&1)" "extension add acme 200"
zv_assert_eq ok "$(zv_ctl extension add demo 200 demo-secret-200 2>&1)" "the same number in another tenant"
zv_assert_status 1 "a duplicate extension is refused" -- zv_ctl extension add acme 200 x-secret
zv_assert_status 1 "an extension in an unknown tenant is refused" -- zv_ctl extension add nobody 1 secret12
zv_assert_status 1 "a number with a space or quote is refused" -- zv_ctl extension add acme "2'0" secret12
zv_assert_status 1 "a too short password is refused" -- zv_ctl extension add acme 201 abc
zv_assert_status 1 "zvonarctl reports an unknown command" -- zv_ctl frobnicate
zv_assert_match '^show registrations' "$(zv_ctl help)" "help lists the commands"

SIPP_PORT=$(zv_free_port)
# The demo tenant is the default one (requests to 127.0.0.1); acme is reached by its domain
# only, so 200@demo registers here and acme's 200 is a different user with another secret.
zv_assert_status 0 "REGISTER Expires 10 is refused with 423 and Min-Expires" -- \
	zv_sipp_run register_brief 200 demo-secret-200 -key expires 10
zv_assert_no_match 'sip:200' "$(zv_regs)" "a refused REGISTER binds nothing"
zv_assert_status 0 "REGISTER two contacts with Expires 999999: 200" -- \
	zv_sipp_run register_expires 200 demo-secret-200 -key expires 999999 -trace_logs
zv_assert_match "granted: expires=3600" "$(cat "$ZV_DIR"/register_expires_*_logs.log 2>/dev/null)" \
	"expires above reg_max_expires is granted as 3600"
zv_assert_eq 2 "$(zv_regs | grep -c '^demo  *200 ')" "both contacts of demo/200 are listed"
zv_assert_status 1 "acme's secret does not register demo/200" -- \
	zv_sipp_run register_ok 200 acme-secret-200 -recv_timeout 3000
zv_assert_match '^registered_contacts 2$' "$(zv_ctl show stats)" "show stats counts the contacts"
zv_assert_match '^auth_ok [1-9]' "$(zv_ctl show stats)" "show stats counts authentications"
zv_assert_match '^reg_max_expires 3600$' "$(zv_ctl show settings)" "show settings lists the values"

# --- restart: the bindings and the extensions survive ---
zv_restart -o demo=yes || zv_done
zv_assert_no_match 'password' "$(cat "$ZV_LOG")" "a second start prints no passwords"
zv_assert_eq 2 "$(zv_regs | grep -c '^demo  *200 ')" "both contacts survive a restart"
zv_assert_match '^200 ' "$(zv_ctl extension list acme)" "acme/200 survives a restart"

# --- deleting an extension drops its bindings ---
zv_assert_eq ok "$(zv_ctl extension del demo 200 2>&1)" "extension del demo 200"
zv_assert_no_match '^demo  *200 ' "$(zv_regs)" "its contacts are gone"
zv_assert_status 1 "deleting it again says no such extension" -- zv_ctl extension del demo 200

# --- reload through SIGHUP and zvonarctl; stop through zvonarctl ---
kill -HUP "$ZV_PID"
sleep 0.5
zv_assert_match 'reloaded' "$(cat "$ZV_LOG")" "SIGHUP reloads"
zv_assert_eq reloaded "$(zv_ctl reload)" "zvonarctl reload"
zv_assert_match '^200 ' "$(zv_ctl extension list acme)" "the directory is intact after reload"
zv_assert_eq stopping "$(zv_ctl stop)" "zvonarctl stop answers"
for i in $(seq 50); do kill -0 "$ZV_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$ZV_PID" 2>/dev/null; then
	zv_fail "zvonar still running 5 s after zvonarctl stop"
else
	wait "$ZV_PID"
	zv_assert_eq 0 "$?" "zvonar exits 0 after zvonarctl stop"
	zv_check_log
	ZV_PID=
fi
zv_done
