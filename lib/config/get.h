/* SPDX-License-Identifier: ISC */
/*
 * Typed reads of one config entry, with failures worded for the admin as
 * "FILE:LINE: key: reason" so the gateway can print them unchanged.
 */
#ifndef CONFIG_GET_H
#define CONFIG_GET_H

#include <stdbool.h>

#include "lib/config/kv.h"

/* true/yes or false/no, any case. 0 or VPN_ERR_INVALID. */
int config_get_bool(const struct config_kv *kv, const struct config_entry *e, bool *out,
		    struct config_err *err);

/* A decimal number within min..max. 0 or VPN_ERR_INVALID. */
int config_get_uint(const struct config_kv *kv, const struct config_entry *e,
		    unsigned long min, unsigned long max, unsigned long *out,
		    struct config_err *err);

/* Writes "FILE:LINE: key: " + the formatted reason into err (may be NULL)
 * and returns VPN_ERR_INVALID, for the gateway's own checks of a value. */
int config_get_error(const struct config_kv *kv, const struct config_entry *e,
		     struct config_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
