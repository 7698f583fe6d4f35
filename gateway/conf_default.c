/* SPDX-License-Identifier: ISC */
/*
 * The configuration sslgated runs with when no -c is given: every setting
 * at its default except what a gateway cannot do without (a password file,
 * an address pool). With no server-cert, the first start writes a
 * self-signed certificate to the state directory and logs its pin.
 */
#include "gateway/conf.h"

const char gw_config_default_text[] =
	"# sslgated built-in configuration\n"
	"auth = \"plain[passwd=" GW_DEFAULT_PASSWD "]\"\n"
	"tcp-port = 443\n"
	"udp-port = 443\n"
	"device = vpns\n"
	"ipv4-network = 10.99.0.0/16\n"
	"route = default\n"
	"cookie-timeout = 300\n";
