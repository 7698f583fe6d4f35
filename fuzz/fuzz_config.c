/* SPDX-License-Identifier: ISC */
/*
 * The ocserv-format reader over arbitrary bytes (the first byte picks main
 * file or per-group file). Whatever loads must answer its own lookups
 * consistently, and the typed getters must cope with every value.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config/get.h"
#include "lib/config/kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct config_kv *kv)
{
	const struct config_entry *all;
	size_t n;

	all = config_kv_entries(kv, &n);
	for (size_t i = 0; i < n && i < 256; i++) {
		const struct config_entry *e = &all[i];
		const struct config_entry *first = config_kv_first(kv, e->section, e->key);
		const struct config_entry *last = config_kv_last(kv, e->section, e->key);
		struct config_err err;
		unsigned long v;
		bool b;

		if (!first || !last || first > e || last < e ||
		    config_kv_count(kv, e->section, e->key) == 0 || strlen(e->key) == 0)
			abort();
		if (config_kv_next(kv, e) && config_kv_next(kv, e) <= e)
			abort();
		(void)config_get_bool(kv, e, &b, &err);
		(void)config_get_uint(kv, e, 1, 65535, &v, &err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_kv *kv = NULL;
	struct config_err err;
	unsigned flags;

	if (size == 0)
		return 0;
	flags = (data[0] & 1) ? CONFIG_KV_NO_SECTIONS : 0;
	if (config_kv_load_buffer(&kv, "fuzz.conf", data + 1, size - 1, flags, &err) == 0) {
		if (!kv)
			abort();
		check(kv);
	}
	config_kv_free(kv);
	return 0;
}
