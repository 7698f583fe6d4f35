/* SPDX-License-Identifier: ISC */
/*
 * Documents for the auth XML tests. The VEC* bodies are byte-exact real
 * traffic between openconnect 9.01-3 and ocserv 1.1.6 (Debian 12, GnuTLS
 * 3.7.9) captured in the project's lab on 2026-11-27: 01..06 are the
 * vectors of tests/vectors/vectors.h, the password reply carries the lab's
 * throwaway password, and VEC02B (ocserv's answer to 03, no vector of its
 * own) comes from the lab's openconnect HTTP dump. The ASA_* and LEGACY_*
 * documents follow the shapes described in the protocol notes (ASA
 * captures published by NCC Group, ocserv's legacy layout); their values
 * are illustrative.
 */
#ifndef AUTH_TEST_DOCS_H
#define AUTH_TEST_DOCS_H

#include "tests/vectors/vectors.h"

#define TEST_DOC __attribute__((unused)) static const char

/*
 * 01..06: the real bodies, written once in tests/vectors/vectors.h, under
 * the names these tests use (arrays: sizeof is the length plus one).
 */
#define VEC01_INIT V01_BODY             /* first init, no group chosen */
#define VEC02_REQUEST_USERNAME V02_BODY /* ocserv's answer: username + group list */
#define VEC03_INIT_GROUP V03_BODY       /* second init with <group-select> */
#define VEC04_REPLY_USERNAME V04_BODY   /* auth-reply with the username */
#define VEC05_REQUEST_PASSWORD V05_BODY /* ocserv's password form */
#define VEC06_COMPLETE V06_BODY         /* ocserv's complete with the profile manifest */

/* 06: auth-reply with the password (370), the capture's <PASSWORD> filled in. */
TEST_DOC VEC06_REPLY_PASSWORD[] = V01_XML_START("auth-reply")
	"<auth><password>correct-horse</password></auth></config-auth>\n";

/* ocserv answer to 03: the chosen group moved to the top (496). */
TEST_DOC VEC02B_REQUEST_GROUP_FIRST[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-request\">\n"
	"<version who=\"sg\">0.1(1)</version>\n"
	"<auth id=\"main\">\n"
	"<message>Please enter your username.</message>\n"
	"<form method=\"post\" action=\"/auth\">\n"
	"<input type=\"text\" name=\"username\" label=\"Username:\" />\n"
	"<select name=\"group_list\" label=\"Group:\">\n"
	"<option value=\"engineering\">Engineering - full LAN</option>\n"
	"<option>DEFAULT</option>\n"
	"<option value=\"sales\">Sales - LAN host only</option>\n"
	"</select>\n"
	"</form></auth>\n"
	"</config-auth>";

/* An ASA auth-request after a failed login (PROTOCOL.md 3.3 layout, indented). */
TEST_DOC ASA_REQUEST_FAILED[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n"
	"  <opaque is-for=\"sg\">\n"
	"    <tunnel-group>EMPLOYEES</tunnel-group>\n"
	"    <group-alias>Employees</group-alias>\n"
	"    <aggauth-handle>1163206</aggauth-handle>\n"
	"    <config-hash>1595829378234</config-hash>\n"
	"    <auth-method>single-sign-on-v2</auth-method>\n"
	"  </opaque>\n"
	"  <auth id=\"main\">\n"
	"    <title>Login</title>\n"
	"    <message>Please enter your username and password.</message>\n"
	"    <banner>Authorised use only &amp; monitored</banner>\n"
	"    <error id=\"88\" param1=\"\" param2=\"\">Login failed.</error>\n"
	"    <form>\n"
	"      <input type=\"text\" name=\"username\" label=\"Username:\"></input>\n"
	"      <input type=\"password\" name=\"password\" label=\"Password:\"></input>\n"
	"      <input type=\"password\" name=\"secondary_password\" label=\"Token:\" second-auth=\"1\"></input>\n"
	"      <input type=\"hidden\" name=\"tgcookieset\" value=\"1\"></input>\n"
	"      <input type=\"submit\" name=\"Login\" value=\"Login\"></input>\n"
	"      <select name=\"group_list\" label=\"GROUP:\">\n"
	"        <option>Contractors</option>\n"
	"        <option selected=\"true\">Employees</option>\n"
	"      </select>\n"
	"    </form>\n"
	"  </auth>\n"
	"</config-auth>\n";

/* An ASA complete (PROTOCOL.md 4.4 layout); the core manifest sits in an opaque. */
TEST_DOC ASA_COMPLETE[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"complete\" aggregate-auth-version=\"2\">\n"
	"  <session-id>32768</session-id>\n"
	"  <session-token>3A1B2C@12288@6E7F@9A8B7C6D5E4F</session-token>\n"
	"  <auth id=\"success\">\n"
	"    <banner>Welcome</banner>\n"
	"    <message id=\"0\" param1=\"\" param2=\"\"></message>\n"
	"  </auth>\n"
	"  <capabilities><crypto-supported>ssl-dhe</crypto-supported></capabilities>\n"
	"  <config client=\"vpn\" type=\"private\">\n"
	"    <vpn-base-config>\n"
	"      <base-package-uri>/CACHE/stc/1</base-package-uri>\n"
	"      <server-cert-hash>EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF</server-cert-hash>\n"
	"    </vpn-base-config>\n"
	"    <opaque is-for=\"vpn-client\">\n"
	"      <vpn-client-pkg-version><pkgversion>4,9,04053</pkgversion></vpn-client-pkg-version>\n"
	"      <vpn-core-manifest><vpn rev=\"1.0\">\n"
	"        <file version=\"4.9.04053\" id=\"VPNCore\" is_core=\"yes\" type=\"msi\" action=\"install\">\n"
	"          <uri>binaries/anyconnect-win-4.9.04053-core-vpn-webdeploy-k9.msi</uri>\n"
	"        </file>\n"
	"      </vpn></vpn-core-manifest>\n"
	"    </opaque>\n"
	"    <vpn-profile-manifest><vpn rev=\"1.0\">\n"
	"      <file type=\"profile\" service-type=\"user\">\n"
	"        <uri>/CACHE/stc/profiles/EMPLOYEES.xml</uri>\n"
	"        <hash type=\"sha1\">c54090310389be94b95dd234707d5e2b0fdd71f9</hash>\n"
	"      </file>\n"
	"    </vpn></vpn-profile-manifest>\n"
	"  </config>\n"
	"</config-auth>\n";

/* ocserv's bare <auth> for "Open AnyConnect VPN Agent v3" (PROTOCOL.md 3.5). */
TEST_DOC LEGACY_REQUEST[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<auth id=\"main\">\n"
	"<message>Please enter your username.</message>\n"
	"<form method=\"post\" action=\"/auth\">\n"
	"<input type=\"text\" name=\"username\" label=\"Username:\" />\n"
	"<select name=\"group_list\" label=\"Group:\">\n"
	"<option>DEFAULT</option>\n"
	"<option value=\"engineering\">Engineering - full LAN</option>\n"
	"<option value=\"sales\">Sales - LAN host only</option>\n"
	"</select>\n"
	"</form></auth>\n";

#endif
