#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Turns the bench's figure records into the table make bench prints and the
JSON file of raw figures.

  report.py RECORDS.tsv OUT.json

RECORDS has one tab-separated line per figure (bench/lib/record.sh): scope,
name, value, unit, samples, note. An empty value means n/a, the note says
why. A later line for the same scope and name replaces an earlier one.
Ratios are against the baseline pairing (openconnect -> ocserv) and, for
gateway figures, against ocserv; targets are those of issue 7.
"""
import json
import sys

BASELINE = "openconnect-ocserv"
PAIRS = ["openconnect-ocserv", "sslgate-sslgated", "openconnect-sslgated", "sslgate-ocserv"]
GATEWAYS = ["ocserv", "sslgated"]

# (name, label); the unit comes from the records.
PAIR_FIGURES = [
    ("connect_dtls_ms", "connect time, DTLS, default setup"),
    ("connect_tls_ms", "connect time, TLS only, default setup"),
    ("connect_script_dtls_ms", "connect time, DTLS, --net-setup=script"),
    ("connect_script_tls_ms", "connect time, TLS only, --net-setup=script"),
    ("tput_dtls_up_mbps", "TCP over DTLS, client->LAN"),
    ("tput_dtls_down_mbps", "TCP over DTLS, LAN->client"),
    ("tput_tls_up_mbps", "TCP over TLS, client->LAN"),
    ("tput_tls_down_mbps", "TCP over TLS, LAN->client"),
    ("gw_cpu_dtls_s_per_gb", "gateway CPU per GB, DTLS"),
    ("gw_cpu_tls_s_per_gb", "gateway CPU per GB, TLS"),
    ("gw_rss_idle_kib", "gateway RSS, idle"),
    ("gw_pss_idle_kib", "gateway PSS, idle"),
    ("gw_rss_per_session_1_kib", "gateway RSS/session, 1"),
    ("gw_pss_per_session_1_kib", "gateway PSS/session, 1"),
    ("gw_rss_per_session_n_kib", "gateway RSS/session, N clients"),
    ("gw_pss_per_session_n_kib", "gateway PSS/session, N clients"),
    ("client_rss_kib", "client RSS"),
    ("client_pss_kib", "client PSS"),
    ("client_private_kib", "client private memory"),
    ("client_floor_rss_kib", "floor: bare GnuTLS client RSS"),
    ("client_floor_pss_kib", "floor: bare GnuTLS client PSS"),
    ("client_floor_private_kib", "floor: bare GnuTLS client private"),
    ("udp_blocked_connect_ms", "UDP blocked: connect time"),
    ("udp_drop_outage_ms", "UDP dropped: outage"),
]
# Figures only sslgate has: their ratio is to the baseline's figure named here
# (openconnect's default is its script, so sslgate's script rows compare to it).
RATIO_TO = {
    "connect_script_dtls_ms": "connect_dtls_ms",
    "connect_script_tls_ms": "connect_tls_ms",
    "client_floor_rss_kib": "client_rss_kib",
    "client_floor_pss_kib": "client_pss_kib",
    "client_floor_private_kib": "client_private_kib",
}
FLOOR_WORDS = "a bare GnuTLS client after one handshake has"
GATEWAY_FIGURES = [
    ("logins_per_s", "full logins per second"),
    ("gw_cpu_ms_per_login", "gateway CPU per login"),
    ("load_cpu_ms_per_login", "load generator CPU per login"),
    ("sessions_100_ok", "100 sessions: all checks ok"),
    ("sessions_100_setup_per_s", "100 sessions: set-up rate"),
    ("gw_rss_per_session_100_kib", "RSS/session at 100"),
    ("gw_pss_per_session_100_kib", "PSS/session at 100"),
    ("sessions_1000_ok", "1000 sessions: all checks ok"),
    ("sessions_1000_setup_per_s", "1000 sessions: set-up rate"),
    ("gw_rss_per_session_1000_kib", "RSS/session at 1000"),
    ("gw_pss_per_session_1000_kib", "PSS/session at 1000"),
]


def read_records(path):
    scopes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6:
                continue
            scope, name, value, unit, samples, note = parts
            fig = {"unit": unit}
            if value == "":
                fig["value"] = None
                fig["reason"] = note
            else:
                fig["value"] = number(value)
                if samples:
                    fig["samples"] = [number(s) for s in samples.split(",")]
                if note:
                    fig["note"] = note
            scopes.setdefault(scope, {})[name] = fig
    return scopes


def number(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def value(scopes, scope, name):
    fig = scopes.get(scope, {}).get(name)
    if fig is None or not isinstance(fig.get("value"), (int, float)):
        return None
    return fig["value"]


def why_missing(scopes, scope, name):
    """The reason a figure has no value: its own, the scope's, or not run."""
    figs = scopes.get(scope, {})
    if name in figs and figs[name].get("reason"):
        return figs[name]["reason"]
    status = figs.get("status")
    if status and status.get("reason"):
        return status["reason"]
    return "not measured in this run"


class Notes:
    """n/a reasons as numbered footnotes, each text once."""

    def __init__(self):
        self.texts = []

    def ref(self, text):
        if text not in self.texts:
            self.texts.append(text)
        return "n/a[%d]" % (self.texts.index(text) + 1)


def fmt(v):
    if isinstance(v, float):
        return "%.2f" % v if abs(v) < 10 else "%.0f" % v
    return str(v)


def cell(scopes, scope, name, base_scope, notes):
    v = value(scopes, scope, name)
    if v is None:
        return notes.ref(why_missing(scopes, scope, name))
    text = fmt(v)
    b = value(scopes, base_scope, RATIO_TO.get(name, name)) if base_scope else None
    if base_scope and b:
        text += " (%.2fx)" % (v / b)
    return text


def table(title, columns, rows, scopes, scope_of, base_scope, notes):
    width = max(len(label) for _, label in rows) + 2
    head = "%-*s%-10s" % (width, title, "unit")
    out = [(head + "".join("%-22s" % c for c in columns)).rstrip()]
    for name, label in rows:
        unit = ""
        for c in columns:
            fig = scopes.get(scope_of(c), {}).get(name)
            if fig:
                unit = fig["unit"]
                break
        line = "%-*s%-10s" % (width, label, unit)
        for c in columns:
            base = base_scope if scope_of(c) != base_scope else None
            line += "%-22s" % cell(scopes, scope_of(c), name, base, notes)
        out.append(line.rstrip())
    return out


def judge(v, limit, is_at_most):
    if v is None or limit is None:
        return "n/a"
    return "pass" if (v <= limit if is_at_most else v >= limit) else "fail"


def targets(scopes):
    res = []

    def add(text, scope, name, limit, is_at_most, v=None):
        if v is None:
            v = value(scopes, scope, name)
        res.append({"target": text, "scope": scope, "figure": name, "value": v,
                    "limit": limit, "result": judge(v, limit, is_at_most)})
        return res[-1]

    def base(name, factor, scope=BASELINE):
        b = value(scopes, scope, name)
        return None if b is None else b * factor

    for mode in ("dtls", "tls"):
        for d, words in (("up", "client->LAN"), ("down", "LAN->client")):
            n = "tput_%s_%s_mbps" % (mode, d)
            add("sslgate->sslgated TCP over %s %s >= 2x baseline" % (mode.upper(), words),
                "sslgate-sslgated", n, base(n, 2), False)
    for mode in ("dtls", "tls"):
        for d, words in (("up", "client->LAN"), ("down", "LAN->client")):
            n = "tput_%s_%s_mbps" % (mode, d)
            add("openconnect->sslgated TCP over %s %s >= baseline" % (mode.upper(), words),
                "openconnect-sslgated", n, base(n, 1), False)
    # The default setup (auto: built-in unless the host needs the script) is
    # what a user gets without asking, so its row is the target's; the
    # vpnc-script keeps a row of its own in the table. The baseline is always
    # openconnect with its default, the vpnc-script.
    for mode in ("dtls", "tls"):
        n = "connect_%s_ms" % mode
        add("sslgate->sslgated connect time (%s, the default setup) <= 0.5x baseline"
            % mode.upper(), "sslgate-sslgated", n, base(n, 0.5), True)
    rss = value(scopes, "gateway:sslgated", "gw_rss_per_session_1000_kib")
    pss = value(scopes, "gateway:sslgated", "gw_pss_per_session_1000_kib")
    add("sslgated memory per session at 1000 sessions <= 100 KiB (max of RSS, PSS)",
        "gateway:sslgated", "gw_rss_per_session_1000_kib", 100, True,
        None if rss is None or pss is None else max(rss, pss))
    for pair in ("sslgate-sslgated", "sslgate-ocserv"):
        t = add("sslgate RSS <= 1/3 of openconnect's (%s)" % pair, pair, "client_rss_kib",
                base("client_rss_kib", 1 / 3), True)
        beside_floor(t, scopes, pair)
    add("sslgated full logins per second >= 5x ocserv's", "gateway:sslgated", "logins_per_s",
        base("logins_per_s", 5, "gateway:ocserv"), False)
    for pair in PAIRS:
        ref = " (reference)" if pair == BASELINE else ""
        add("%s: UDP blocked, working tunnel within 2x connect time%s" % (pair, ref), pair,
            "udp_blocked_connect_ms", base("connect_dtls_ms", 2, pair), True)
    for pair in PAIRS:
        ref = " (reference)" if pair == BASELINE else ""
        add("%s: UDP dropped mid-session, traffic again within 10 s%s" % (pair, ref), pair,
            "udp_drop_outage_ms", 10000, True)
    for gw in GATEWAYS:
        ref = " (reference)" if gw == "ocserv" else ""
        add("%s: 1000 concurrent sessions, all passing DPD and traffic%s" % (gw, ref),
            "gateway:" + gw, "sessions_1000_ok", 1000, False)
    return res


def beside_floor(t, scopes, pair):
    """Puts the RSS floor (bench/floor) beside an RSS verdict; the verdict
    itself is unchanged: the floor explains a result, it does not excuse it."""
    floor = value(scopes, pair, "client_floor_rss_kib")
    t["floor"] = floor
    if floor is None:
        t["floor_note"] = "floor: n/a, %s" % why_missing(scopes, pair, "client_floor_rss_kib")
        return
    t["floor_note"] = "floor: %s %s KiB" % (FLOOR_WORDS, fmt(floor))
    if t["limit"] is not None:
        t["floor_note"] += ", %s the %s KiB limit" % (
            "above" if floor > t["limit"] else "within", fmt(t["limit"]))


def machine_line(scopes):
    m = {k: v.get("value") for k, v in scopes.get("machine", {}).items()}
    loads = ["%s %s" % (p, fmt(value(scopes, p, "loadavg_1m"))) for p in PAIRS
             if value(scopes, p, "loadavg_1m") is not None]
    return ["Machine: %s cores (%s), kernel %s; ocserv %s, openconnect %s, GnuTLS %s; commit %s"
            % (m.get("cpus"), str(m.get("cpu_model", "")).replace("_", " "), m.get("kernel"),
               m.get("ocserv"), m.get("openconnect"), m.get("gnutls"), m.get("commit")),
            "Load average (1 min) at start %s, end %s; per pairing: %s"
            % (m.get("loadavg_start"), m.get("loadavg_end"), ", ".join(loads) or "-"),
            "Bare veth TCP, gateway -> lan host, no VPN: %s Mbit/s" % m.get("veth_tcp_mbps", "n/a")]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    scopes = read_records(sys.argv[1])
    notes = Notes()
    lines = [""] + machine_line(scopes)
    lines += ["", "Pairing figures (ratio to %s in parentheses)" % BASELINE]
    lines += table("figure", PAIRS, PAIR_FIGURES, scopes, lambda c: c, BASELINE, notes)
    lines += ["", "Gateway figures, load generator as client (ratio to ocserv)"]
    lines += table("figure", GATEWAYS, GATEWAY_FIGURES, scopes, lambda c: "gateway:" + c,
                   "gateway:ocserv", notes)
    tg = targets(scopes)
    lines += ["", "Targets (issue 7)"]
    for t in tg:
        v = "n/a" if t["value"] is None else fmt(t["value"])
        lim = "n/a" if t["limit"] is None else fmt(t["limit"])
        line = "  %-4s %s  [%s vs %s]" % (t["result"], t["target"], v, lim)
        if "floor_note" in t:
            line += " (%s)" % t["floor_note"]
        lines.append(line)
    if notes.texts:
        lines += ["", "n/a reasons"]
        lines += ["  [%d] %s" % (i + 1, t) for i, t in enumerate(notes.texts)]
    print("\n".join(lines))
    machine = {k: v.get("value", v.get("reason")) for k, v in scopes.get("machine", {}).items()}
    doc = {
        "baseline": BASELINE,
        "machine": machine,
        "pairings": {p: scopes.get(p, {}) for p in PAIRS if p in scopes},
        "gateways": {g: scopes.get("gateway:" + g, {}) for g in GATEWAYS
                     if "gateway:" + g in scopes},
        "targets": tg,
    }
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
