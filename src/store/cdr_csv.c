/*
 * CDRs as CSV lines in the column order of Asterisk's cdr_csv Master.csv, so tools
 * that read Asterisk CDRs read ours: accountcode, src, dst, dcontext, clid, channel,
 * dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition,
 * amaflags, uniqueid, userfield. Every field is quoted; quotes inside are doubled.
 */
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "store/cdr_csv.h"

static void put_field(struct buf *out, const char *s, bool last)
{
	buf_puts(out, "\"");
	for (; s && *s; s++) {
		if (*s == '"')
			buf_puts(out, "\"\"");
		else if (*s == '\r' || *s == '\n')
			buf_puts(out, " ");
		else
			buf_append(out, s, 1);
	}
	buf_puts(out, last ? "\"\n" : "\",");
}

static void put_time(struct buf *out, int64_t ms)
{
	char text[32] = "";
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms)
		strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", gmtime_r(&t, &tm));
	put_field(out, text, false);
}

void store_cdr_csv_line(const struct store_cdr_row *r, const char *tenant, struct buf *out)
{
	char clid[300], num[32];

	if (r->caller_name[0])
		snprintf(clid, sizeof(clid), "\"%s\" <%s>", r->caller_name, r->caller);
	else
		snprintf(clid, sizeof(clid), "<%s>", r->caller);
	put_field(out, tenant, false); /* accountcode: the tenant */
	put_field(out, r->caller, false);
	put_field(out, r->callee, false);
	put_field(out, r->direction, false); /* dcontext */
	put_field(out, clid, false);
	put_field(out, r->call_id, false); /* channel */
	put_field(out, r->trunk, false);   /* dstchannel */
	put_field(out, "Dial", false);
	put_field(out, r->callee, false);
	put_time(out, r->start_at);
	put_time(out, r->answer_at);
	put_time(out, r->end_at);
	snprintf(num, sizeof(num), "%lld", (long long)r->duration_s);
	put_field(out, num, false);
	snprintf(num, sizeof(num), "%lld", (long long)r->billsec);
	put_field(out, num, false);
	put_field(out, r->disposition, false);
	put_field(out, "DOCUMENTATION", false);
	put_field(out, r->uuid, false);
	put_field(out, r->hangup_cause, true); /* userfield */
}
