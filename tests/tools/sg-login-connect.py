#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Logs in on one TLS connection (aggregate auth, as openconnect does), then
# sends CONNECT on that same connection with the cookie given; prints
# "login=STATUS connect=STATUS". COOKIE "-" sends the cookie this login got.
# Usage: sg-login-connect.py ADDR SNI CA USER PASSWORD GROUP COOKIE
# (port 443; used by tests/integration/sec_cookies.sh)
import http.client, re, socket, ssl, sys

host, sni, ca, user, pw, group, cookie = sys.argv[1:8]
ctx = ssl.create_default_context(cafile=ca)
raw = socket.create_connection((host, 443), timeout=10)
conn = http.client.HTTPSConnection(sni, 443, context=ctx, timeout=10)
conn.sock = ctx.wrap_socket(raw, server_hostname=sni)
jar = {}
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<config-auth client="vpn" type="%s" '
        'aggregate-auth-version="2"><version who="vpn">9.01</version>'
        '<device-id>linux-64</device-id>')

def post(body):
    hdrs = {"User-Agent": "Open AnyConnect VPN Agent v9.01", "X-Transcend-Version": "1",
            "X-Aggregate-Auth": "1", "Content-Type": "application/x-www-form-urlencoded"}
    if jar:
        hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in jar.items())
    conn.request("POST", "/", body=body.encode(), headers=hdrs)
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    for v in r.headers.get_all("Set-Cookie") or []:
        k, _, rest = v.partition("=")
        val = rest.split(";")[0]
        if val:
            jar[k.strip()] = val
        else:
            jar.pop(k.strip(), None)
    return r.status, text

def opaque(text):
    m = re.search(r"<opaque.*?</opaque>", text, re.S)
    return m.group(0) if m else ""

st, t = post(HEAD % "init" + "<group-access>https://%s/</group-access></config-auth>" % sni)
for _ in range(4):
    if "webvpn" in jar or st != 200:
        break
    fields = ""
    if 'name="username"' in t:
        fields += "<username>%s</username>" % user
    if 'name="password"' in t:
        fields += "<password>%s</password>" % pw
    st, t = post(HEAD % "auth-reply" + opaque(t) + "<auth>%s</auth><group-select>%s</group-select>"
                 "</config-auth>" % (fields, group))
login = st if "webvpn" in jar else "no-cookie-%s" % st
conn.request("CONNECT", "/CSCOSSLC/tunnel", headers={
    "User-Agent": "Open AnyConnect VPN Agent v9.01", "X-CSTP-Version": "1",
    "X-CSTP-Base-MTU": "1500", "X-CSTP-Address-Type": "IPv4",
    "Cookie": "webvpn=%s" % (cookie if cookie != "-" else jar.get("webvpn", ""))})
r = conn.getresponse()
print("login=%s connect=%s" % (login, r.status))
