# Helpers the bench scripts share; sourced after they set BUF and define log().

# sipp and both servers ask for 4 MB socket buffers; the kernel silently caps them at *mem_max.
raise_socket_buffers()
{
	local k
	for k in net.core.rmem_max net.core.wmem_max; do
		[ "$(sysctl -n $k 2>/dev/null || echo 0)" -ge $BUF ] && continue
		if sysctl -qw "$k=$BUF" 2>/dev/null; then
			log "raised $k to $BUF"
		else
			log "WARNING: cannot raise $k (now $(sysctl -n $k)); UDP buffers are capped there"
		fi
	done
}

wait_udp_port()
{
	local i
	for ((i = 0; i < 100; i++)); do
		ss -Hlun "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# utime+stime (clock ticks) of a process and its direct children: Kamailio's workers are
# children of the main process; zvonar's threads are already counted in its own stat.
cpu_ticks()
{
	local pids="$1 $(ps -o pid= --ppid "$1" 2>/dev/null)" p t=0
	for p in $pids; do
		[ -r "/proc/$p/stat" ] || continue
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
	done
	echo "$t"
}

# Prints the named column of the last row of a sipp -trace_stat file.
stat_col()
{
	awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
		END { v = $c; sub(/^.*\t/, "", v); print v }' "$1"
}

stop_pid()
{
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
}

# A port free for UDP and TCP from 20000-39999, never handed out twice in one run (zvonar's
# RTP pool in the benches is 40000-49999, rtpengine's 50000-59999).
free_port()
{
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		if ! ss -Hltun "sport = :$p" | grep -q . && ! grep -qx "$p" "$WORK/ports" 2>/dev/null; then
			echo "$p" >>"$WORK/ports"
			echo "$p"
			return
		fi
	done
}
