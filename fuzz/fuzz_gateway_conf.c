/* SPDX-License-Identifier: ISC */
/*
 * ocserv.conf semantics over arbitrary bytes: the main file's settings and
 * the per-group ones (the first byte picks which), applied and finished as
 * gw_config_load_text does, without the per-group directories it would
 * read from the disk. Every setting must land or be refused, never crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/conf_internal.h"
#include "lib/base/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_paths paths = { 0 };
	bool warned[512] = { false };
	static const char base[] = "auth = \"plain[passwd=/x]\"\nipv4-network = 10.1.0.0/24\n";
	struct gw_config *cfg = NULL;
	struct conf_loader l = { .file = "fuzz.conf", .paths = &paths, .warned = warned };
	char *text;

	if (size == 0 || conf_main_keys_count + conf_net_keys_count > 512)
		return 0;
	/* a valid minimal config gives a cfg to apply the bytes on */
	if (gw_config_load_text(&cfg, base, strlen(base), "base.conf") < 0)
		abort();
	text = malloc(size);
	if (!text)
		abort();
	memcpy(text, data + 1, size - 1);
	l.cfg = cfg;
	l.is_main = !(data[0] & 1);
	l.net = l.is_main ? &cfg->global : &cfg->default_group;
	conf_net_begin(&l);
	conf_load_entries(&l, NULL, text, size - 1);
	conf_net_finish(&l, l.net);
	free(paths.per_group_dir);
	free(paths.per_user_dir);
	free(paths.default_group_file);
	free(paths.default_user_file);
	free(text);
	gw_config_free(cfg);
	return 0;
}
