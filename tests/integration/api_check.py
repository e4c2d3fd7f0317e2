#!/usr/bin/env python3
"""REST API checks against a running zvonar: tenants, roles and the isolation matrix, logins,
tokens, bad input. Usage: api_check.py BASE_URL OPERATOR_PASSWORD STATE_FILE
Writes what later shell steps need (tokens, ids) as KEY=VALUE lines to STATE_FILE."""
import json
import os
import sys

from api_client import Api, STATUSES, check, fail, ok
import api_client

BASE, OP_PW, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
api = Api(BASE)
ROLES = ["owner", "admin", "supervisor", "agent", "readonly"]
PW = "correct horse battery"

# What each role may do, written from the product's rules (not read from the server):
# L list, G get, C create, U update, D delete.
ALLOWED = {
    "extensions": {"owner": "LGCUD", "admin": "LGCUD", "supervisor": "LG", "agent": "",
                   "readonly": "LG"},
    "trunks": {"owner": "LGCUD", "admin": "LGCUD", "supervisor": "LG", "agent": "",
               "readonly": "LG"},
    "numbers": {"owner": "LGCUD", "admin": "LGCUD", "supervisor": "LG", "agent": "",
                "readonly": "LG"},
    "routes": {"owner": "LGCUD", "admin": "LGCUD", "supervisor": "LG", "agent": "",
               "readonly": "LG"},
    "webhooks": {"owner": "LGCUD", "admin": "LGCUD", "supervisor": "", "agent": "",
                 "readonly": ""},
    "users": {"owner": "LGCU", "admin": "LGCU", "supervisor": "LG", "agent": "",
              "readonly": "LG"},
    "cdrs": {"owner": "LG", "admin": "LG", "supervisor": "LG", "agent": "", "readonly": "LG"},
    "audit": {"owner": "LG", "admin": "LG", "supervisor": "", "agent": "", "readonly": ""},
    "scenarios": {"owner": "LGCUD", "admin": "LGCUD", "supervisor": "LG", "agent": "",
                  "readonly": "LG"},
    "lists": {"owner": "LGCUD", "admin": "LGCUD", "supervisor": "LG", "agent": "",
              "readonly": "LG"},
    # supervisors keep the block lists up to date (complaints), without changing the lists
    "list_entries": {"owner": "LGCUD", "admin": "LGCUD", "supervisor": "LGCD", "agent": "",
                     "readonly": "LG"},
}


def expect(status, want, what):
    return check(status == want, "%s: %s (want %s)" % (what, status, want))


def setup():
    st, op_cookie = api.login("admin", OP_PW)
    expect(st, 200, "operator logs in")
    st, body, _ = api.call("POST", "/api/v1/tokens", cookie=op_cookie,
                           body={"name": "ops", "scope": "write"})
    expect(st, 201, "operator creates an API token")
    op = body["token"]
    check(body["token"].startswith("zvt_") and "token_hash" not in body, "token shown once")
    tenants = {}
    for name, domain in (("demo", "demo.zvonar"), ("other", "other.example")):
        st, t, _ = api.call("POST", "/api/v1/tenants", op, {"name": name, "domain": domain})
        expect(st, 201, "operator creates tenant " + name)
        tenants[name] = t["id"]
    tokens = {}
    for tname, tid in tenants.items():
        for role in ROLES:
            login = "%s.%s@%s" % (role, tname, tname)
            st, u, _ = api.call("POST", "/api/v1/users?tenant_id=%d" % tid, op,
                                {"login": login, "role": role, "password": PW, "name": role})
            expect(st, 201, "operator creates %s of %s" % (role, tname))
            check("password" not in u and "password_hash" not in u, "no password in the reply")
            tokens[(tname, role)] = api.token_for(login, PW)
    return op, tenants, tokens


def make_objects(tok, tag):
    """One object of each writable kind in a tenant; returns {resource: id}."""
    ids = {}
    st, t, _ = api.call("POST", "/api/v1/trunks", tok,
                        {"name": "carrier-" + tag, "host": "192.0.2.10:5060",
                         "password": "trunk-secret-" + tag})
    expect(st, 201, "trunk in " + tag)
    ids["trunks"] = t["id"]
    check("password" not in t, "a trunk's password is never read back")
    bodies = {
        "extensions": {"number": "7" + str(len(tag)) + "1", "display_name": "marker-" + tag},
        "numbers": {"number": "+7495000" + str(len(tag)), "extension": "701",
                    "trunk_id": ids["trunks"]},
        "routes": {"prefix": "8" + str(len(tag)), "trunk_id": ids["trunks"], "strip": 1},
        "webhooks": {"url": "http://127.0.0.1:9/" + tag, "events": "call.*"},
        "scenarios": {"name": "marker-" + tag, "version": 1, "start": "bye",
                      "steps": {"bye": {"type": "hangup"}}},
        "lists": {"name": "marker-" + tag, "mode": "block"},
        "list_entries": {"pattern": "7916" + str(len(tag)) + "*", "note": "marker-" + tag},
    }
    for res, body in bodies.items():
        if res == "list_entries":
            body["list_id"] = ids["lists"]
        st, o, _ = api.call("POST", "/api/v1/" + res, tok, body)
        expect(st, 201, "%s in %s" % (res, tag))
        ids[res] = o.get("id") if isinstance(o, dict) else None
    st, u, _ = api.call("GET", "/api/v1/users?login=agent.%s@%s" % (tag, tag), tok)
    ids["users"] = u["items"][0]["id"] if st == 200 and u["items"] else None
    st, a, _ = api.call("GET", "/api/v1/audit?limit=1", tok)
    ids["audit"] = a["items"][0]["id"] if st == 200 and a["items"] else None
    return ids


PATCHES = {"extensions": {"display_name": "renamed"}, "trunks": {"expires": 900},
           "scenarios": {"active_version": 1},
           "numbers": {"extension": "702"}, "routes": {"strip": 2},
           "webhooks": {"enabled": False}, "users": {"name": "renamed"},
           "lists": {"action": "reject"}, "list_entries": {"note": "renamed"}}


def creation(res, n):
    return {"extensions": {"number": "9%02d" % n}, "trunks": {"name": "t%d" % n, "host": "h%d" % n},
            "numbers": {"number": "+1555%04d" % n, "extension": "100"},
            "routes": {"prefix": "5%03d" % n, "trunk_id": None},
            "webhooks": {"url": "http://127.0.0.1:9/x%d" % n},
            "users": {"login": "new%d@demo" % n, "role": "agent"},
            "scenarios": {"name": "s%d" % n, "version": 1, "start": "h",
                          "steps": {"h": {"type": "hangup"}}},
            "lists": {"name": "l%d" % n},
            "list_entries": {"pattern": "+7495%04d" % n, "list_id": None}}.get(res)


def matrix(tokens, own, other):
    """Every resource x role x own/other tenant: the permission table holds, and nothing of
    the other tenant can be read, changed or deleted (404: not even its existence leaks)."""
    n = 0
    for res, allowed in ALLOWED.items():
        for role in ROLES:
            tok = tokens[("demo", role)]
            may = allowed[role]
            st, body, _ = api.call("GET", "/api/v1/" + res + "?limit=500", tok)
            expect(st, 200 if "L" in may else 403, "%s lists %s" % (role, res))
            if st == 200:
                text = str(body)
                check("marker-other" not in text and "carrier-other" not in text and
                      "@other" not in text, "%s's list of %s holds nothing of the other tenant"
                      % (role, res))
                tids = {o.get("tenant_id") for o in body["items"]}
                check(tids <= {own}, "%s's %s all of its tenant (%s)" % (role, res, tids))
            oid, xid = own_ids.get(res), other.get(res)
            if oid:
                st, _, _ = api.call("GET", "/api/v1/%s/%d" % (res, oid), tok)
                expect(st, 200 if "G" in may else 403, "%s gets own %s" % (role, res))
            if xid:
                st, body, _ = api.call("GET", "/api/v1/%s/%d" % (res, xid), tok)
                expect(st, 404 if "G" in may else 403, "%s gets other tenant's %s" % (role, res))
                check("marker-other" not in str(body), "no data of the other tenant leaks")
                if res in PATCHES:
                    st, _, _ = api.call("PATCH", "/api/v1/%s/%d" % (res, xid), tok, PATCHES[res])
                    expect(st, 404 if "U" in may else 403,
                           "%s updates other tenant's %s" % (role, res))
                st, _, _ = api.call("DELETE", "/api/v1/%s/%d" % (res, xid), tok)
                want = 405 if res in ("users", "cdrs", "audit") else (404 if "D" in may else 403)
                expect(st, want, "%s deletes other tenant's %s" % (role, res))
            body = creation(res, n)
            n += 1
            if body is not None:
                if "trunk_id" in body:
                    body["trunk_id"] = own_ids["trunks"]
                if "list_id" in body:
                    body["list_id"] = own_ids["lists"]
                st, o, _ = api.call("POST", "/api/v1/" + res, tok, body)
                expect(st, 201 if "C" in may else 403, "%s creates %s" % (role, res))
                if st == 201 and res in PATCHES:
                    st, _, _ = api.call("PATCH", "/api/v1/%s/%d" % (res, o["id"]), tok,
                                        PATCHES[res])
                    expect(st, 200 if "U" in may else 403, "%s updates own %s" % (role, res))
                if st in (200, 201) and res not in ("users",):
                    st, _, _ = api.call("DELETE", "/api/v1/%s/%d" % (res, o["id"]), tok)
                    expect(st, 204 if "D" in may else 403, "%s deletes own %s" % (role, res))
    # a reference to another tenant's object is refused, as if it did not exist
    st, body, _ = api.call("POST", "/api/v1/numbers", tokens[("demo", "admin")],
                           {"number": "+100", "extension": "100", "trunk_id": other["trunks"]})
    expect(st, 400, "a number cannot point at another tenant's trunk")
    st, body, _ = api.call("POST", "/api/v1/list_entries", tokens[("demo", "admin")],
                           {"pattern": "123", "list_id": other["lists"]})
    expect(st, 400, "an entry cannot go into another tenant's list")
    # a tenant admin sees only its own tenant and cannot create tenants
    st, body, _ = api.call("GET", "/api/v1/tenants", tokens[("demo", "admin")])
    check(st == 200 and [t["name"] for t in body["items"]] == ["demo"],
          "admin sees its tenant: %s %s" % (st, body))
    st, _, _ = api.call("POST", "/api/v1/tenants", tokens[("demo", "owner")],
                        {"name": "x", "domain": "x.example"})
    expect(st, 403, "an owner cannot create tenants")


def scenarios(tokens, other):
    admin = tokens[("demo", "admin")]
    st, body, _ = api.call("POST", "/api/v1/scenarios", admin,
                           {"name": "broken", "version": 1, "start": "m",
                            "steps": {"m": {"type": "menu", "prompt": "x",
                                            "next": {"1": "nowhere"}}}})
    check(st == 422 and any("step 'm'" in e and "nowhere" in e
                            for e in body["error"]["errors"]),
          "an invalid scenario gets 422 naming the step: %s" % body)
    st, body, _ = api.call("POST", "/api/v1/scenarios?activate=false", admin,
                           {"name": "marker-demo", "version": 1, "start": "bye",
                            "steps": {"bye": {"type": "hangup"}}})
    expect(st, 201, "a second save is the next version")
    check(body.get("version") == 2 and body.get("active_version") == 1,
          "version 2 stored, version 1 still active: %s" % body)
    st, vs, _ = api.call("GET", "/api/v1/scenarios/%d/versions" % body["id"], admin)
    check(st == 200 and [v["version"] for v in vs["items"]] == [1, 2], "both versions listed")
    st, doc, _ = api.call("GET", "/api/v1/scenarios/%d/versions/2" % body["id"], admin)
    check(st == 200 and doc.get("start") == "bye", "a version's document")
    st, _, _ = api.call("GET", "/api/v1/scenarios/%d/versions" % other["scenarios"], admin)
    expect(st, 404, "another tenant's scenario versions")
    st, _, _ = api.call("PATCH", "/api/v1/extensions/%d" % own_ids["extensions"], admin,
                        {"scenario_id": other["scenarios"]})
    expect(st, 400, "an extension cannot run another tenant's scenario")
    st, e, _ = api.call("PATCH", "/api/v1/extensions/%d" % own_ids["extensions"], admin,
                        {"scenario_id": body["id"]})
    check(st == 200 and e["scenario_id"] == body["id"], "an extension points at a scenario")


def roles_rules(tokens, tenants):
    admin = tokens[("demo", "admin")]
    st, _, _ = api.call("POST", "/api/v1/users", admin,
                        {"login": "boss@demo", "role": "owner", "password": PW})
    expect(st, 403, "an admin cannot grant owner")
    st, u, _ = api.call("GET", "/api/v1/users?login=owner.demo@demo", admin)
    st, _, _ = api.call("PATCH", "/api/v1/users/%d" % u["items"][0]["id"], admin,
                        {"name": "changed"})
    expect(st, 403, "an admin cannot change an owner")
    st, u, _ = api.call("POST", "/api/v1/users", admin,
                        {"login": "temp@demo", "role": "agent", "password": PW})
    expect(st, 201, "admin creates an agent")
    st, _, _ = api.call("PATCH", "/api/v1/users/%d" % u["id"], admin, {"status": "blocked"})
    expect(st, 200, "admin blocks the agent")
    st, _ = api.login("temp@demo", PW)
    expect(st, 401, "a blocked user cannot log in")
    st, _, _ = api.call("PATCH", "/api/v1/users/%d" % u["id"], admin, {"status": "active"})
    st, _ = api.login("temp@demo", PW)
    expect(st, 200, "restored, the user logs in again")


def tokens_rules(tokens):
    st, cookie = api.login("agent.demo@demo", PW)
    st, t, _ = api.call("POST", "/api/v1/tokens", cookie=cookie,
                        body={"name": "ro", "scope": "read"})
    ro = t["token"]
    st, body, _ = api.call("POST", "/api/v1/tokens", cookie=cookie, body={"name": "x", "foo": 1})
    check(st == 400 and body["error"]["code"] == "unknown_field",
          "a token request with an unknown field is refused: %s" % st)
    st, _, _ = api.call("GET", "/api/v1/auth/me", ro)
    expect(st, 200, "a read token reads")
    st, _, _ = api.call("POST", "/api/v1/tokens", ro, {"name": "more"})
    expect(st, 403, "a read token cannot write")
    st, _, _ = api.call("DELETE", "/api/v1/tokens/%d" % t["id"], cookie=cookie)
    expect(st, 204, "the token is revoked")
    st, _, _ = api.call("GET", "/api/v1/auth/me", ro)
    expect(st, 401, "a revoked token is refused")
    st, _, _ = api.call("GET", "/api/v1/auth/me", "zvt_" + "A" * 43)
    expect(st, 401, "an unknown token is refused")
    st, _, _ = api.call("GET", "/api/v1/extensions")
    expect(st, 401, "no credentials: 401")
    st, _, _ = api.call("POST", "/api/v1/auth/password", cookie=cookie,
                        body={"current": PW, "new": "another long password"})
    expect(st, 204, "the agent changes its password")
    st, _ = api.login("agent.demo@demo", PW)
    expect(st, 401, "the old password no longer works")
    st, _ = api.login("agent.demo@demo", "another long password")
    expect(st, 200, "the new one does")


def bad_input(tok):
    cases = [
        ("POST", "/api/v1/extensions", '{"number": "300"', "bad_json", 400),
        ("POST", "/api/v1/extensions", '[1, 2]', "bad_json", 400),
        ("POST", "/api/v1/extensions", '{"number": 300}', "invalid", 400),
        ("POST", "/api/v1/extensions", '{"number": "300", "colour": "red"}', "unknown_field", 400),
        ("POST", "/api/v1/extensions", '{"number": "300", "id": 5}', "read_only", 400),
        ("POST", "/api/v1/extensions", '{"number": "../../etc"}', "invalid", 400),
        ("POST", "/api/v1/extensions", '{"number": "3\\u00000"}', "bad_json", 400),
        ("POST", "/api/v1/extensions", '{"display_name": "x"}', "missing_field", 400),
        ("POST", "/api/v1/extensions", '{"number": "1", "number": "2"}', "bad_json", 400),
        ("POST", "/api/v1/trunks", '{"name": "t", "host": "h", "expires": "600"}', "invalid", 400),
        ("POST", "/api/v1/trunks", '{"name": "t", "host": "h", "expires": 5}', "invalid", 400),
        ("POST", "/api/v1/webhooks", '{"url": "file:///etc/passwd"}', "invalid", 400),
        ("GET", "/api/v1/extensions?limit=100000", None, "invalid_query", 400),
        ("GET", "/api/v1/extensions?limit=-1", None, "invalid_query", 400),
        ("GET", "/api/v1/extensions?offset=99999999999", None, "invalid_query", 400),
        ("GET", "/api/v1/extensions?sort=ha1_md5", None, "invalid_query", 400),
        ("GET", "/api/v1/extensions?colour=red", None, "invalid_query", 400),
        ("GET", "/api/v1/cdrs?from=yesterday", None, "invalid_query", 400),
        ("GET", "/api/v1/extensions/abc", None, "not_found", 404),
        ("GET", "/api/v1/extensions/99999999999999999999", None, "not_found", 404),
        ("GET", "/api/v1/../../etc/passwd", None, "not_found", 404),
        ("GET", "/api/v1/extensions/..%2f..%2fetc%2fpasswd", None, "not_found", 404),
        ("GET", "/api/v1/nothing", None, "not_found", 404),
        ("PUT", "/api/v1/extensions", '{}', "method_not_allowed", 405),
        ("DELETE", "/api/v1/cdrs/1", None, "method_not_allowed", 405),
    ]
    for method, path, raw, code, status in cases:
        st, body, _ = api.call(method, path, tok, raw=raw)
        good = st == status and isinstance(body, dict) and body.get("error", {}).get("code") == code
        check(good, "%s %s %s -> %s %s (want %s %s)" % (method, path, (raw or "")[:40], st,
                                                       body if not good else "", status, code))
    st, body, _ = api.call("GET", "/api/v1/extensions?number=1'%20OR%20'1'='1", tok)
    check(st == 200 and body["items"] == [], "SQL in a filter is only a value")
    st, body, _ = api.call("GET", "/api/v1/cdrs?number=%27;DROP%20TABLE%20cdrs;--", tok)
    check(st == 200 and body["items"] == [], "SQL in the CDR search is only a value")
    st, body, _ = api.call("POST", "/api/v1/extensions", tok, raw="x" * 70000)
    expect(st, 413, "an oversize body")
    st, body, _ = api.call("POST", "/api/v1/extensions", tok, raw="[" * 5000 + "]" * 5000)
    check(st == 400, "deeply nested JSON: %s" % st)


def openapi(op):
    """The served document is the checked-in docs/api/openapi.json, and every operation it
    names is routed (an {id} that does not exist answers 404 for the object, not the route)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../docs/api/openapi.json")
    st, served, _ = api.call("GET", "/api/v1/openapi.json")
    check(st == 200 and served == json.load(open(path)),
          "the served OpenAPI document equals docs/api/openapi.json (regenerate it with "
          "curl .../api/v1/openapi.json | python3 -m json.tool)")
    n = 0
    for p, ops in (served or {}).get("paths", {}).items():
        for method in ops:
            url = p.replace("{id}", "999999")
            raw = "{}" if method in ("post", "patch") else None
            st, body, _ = api.call(method.upper(), url, op, raw=raw)
            msg = body.get("error", {}).get("message", "") if isinstance(body, dict) else ""
            n += 1
            if st == 405 or (st == 404 and msg.startswith("no such resource")):
                fail("documented %s %s is not routed: %s %s" % (method, p, st, msg))
    check(n > 40, "%d documented operations all answer" % n)


def lockout():
    bad = 0
    for i in range(5):
        st, _ = api.login("readonly.demo@demo", "wrong password %d" % i)
        bad += st in (401, 429)
    check(bad == 5, "five wrong passwords refused")
    st, _ = api.login("readonly.demo@demo", PW)
    expect(st, 429, "the account is locked, even with the right password")


def main():
    global own_ids
    op, tenants, tokens = setup()
    own_ids = make_objects(tokens[("demo", "admin")], "demo")
    other_ids = make_objects(tokens[("other", "admin")], "other")
    matrix(tokens, tenants["demo"], other_ids)
    scenarios(tokens, other_ids)
    roles_rules(tokens, tenants)
    tokens_rules(tokens)
    bad_input(tokens[("demo", "admin")])
    openapi(op)
    lockout()
    with open(STATE, "w") as f:
        f.write("OP_TOKEN=%s\nADMIN_TOKEN=%s\nOTHER_TOKEN=%s\nDEMO_ID=%d\nOTHER_ID=%d\n" %
                (op, tokens[("demo", "admin")], tokens[("other", "admin")], tenants["demo"],
                 tenants["other"]))
    five = [s for s in STATUSES if s[0] >= 500 or s[0] == 0]
    check(not five, "no 5xx and no failed request in %d requests (%s)" % (len(STATUSES), five[:5]))
    sys.exit(1 if api_client.FAILS else 0)


own_ids = {}
if __name__ == "__main__":
    main()
