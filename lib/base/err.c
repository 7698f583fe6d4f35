/* SPDX-License-Identifier: ISC */
/* Names for the library's error codes. */
#include "lib/base/err.h"

const char *vpn_err_str(int err)
{
	switch (err) {
	case VPN_OK: return "ok";
	case VPN_ERR_NOMEM: return "out of memory";
	case VPN_ERR_INVALID: return "invalid input";
	case VPN_ERR_TOO_BIG: return "too big";
	case VPN_ERR_IO: return "I/O error";
	case VPN_ERR_AGAIN: return "try again";
	case VPN_ERR_CLOSED: return "connection closed";
	case VPN_ERR_TLS: return "TLS error";
	case VPN_ERR_NOT_FOUND: return "not found";
	case VPN_ERR_DENIED: return "denied";
	case VPN_ERR_UNSUPPORTED: return "unsupported";
	}
	return "unknown error";
}
