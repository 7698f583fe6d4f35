/* SPDX-License-Identifier: ISC */
/*
 * The cipher negotiation carried by CONNECT headers (PROTOCOL.md §8.2): the
 * client's offer, the gateway's choice, and the client reading the answer.
 * No DTLS packet is involved; the result feeds struct dtls_params.
 */
#include <string.h>

#include "lib/base/buf.h"
#include "lib/tls/tls_internal.h"

/* A suite whose cipher and MAC are the CSTP session's ranks above all others. */
#define RANK_TLS_MATCH 1000

static bool matches_tls(const struct dtls_suite *s, const struct tls_conn *tls)
{
	if (tls == NULL || !tls->is_handshake_done)
		return false;
	return gnutls_cipher_get(tls->session) == s->cipher && gnutls_mac_get(tls->session) == s->mac;
}

static unsigned rank(const struct dtls_suite *s, const struct tls_conn *tls)
{
	return (matches_tls(s, tls) ? RANK_TLS_MATCH : 0) + s->server_prio;
}

static const struct dtls_suite *best_of(enum dtls_list list, const struct str_view *names,
					size_t count, const struct dtls_policy *policy,
					const struct tls_conn *tls)
{
	const struct dtls_suite *best = NULL;

	for (size_t i = 0; i < count; i++) {
		const struct dtls_suite *s = dtls_suite_find(list, names[i]);

		if (s == NULL || (s->is_weak && !policy->is_weak_allowed))
			continue;
		if (best == NULL || rank(s, tls) > rank(best, tls))
			best = s;
	}
	return best;
}

static bool has_name(const struct str_view *names, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (names[i].ptr != NULL && str_view_eq(names[i], name))
			return true;
	return false;
}

int dtls_choose(struct dtls_choice *out, const struct dtls_policy *policy,
		const struct dtls_offer_view *offer, const struct tls_conn *tls)
{
	const struct dtls_suite *s = NULL;

	memset(out, 0, sizeof(*out));
	out->mode = DTLS_MODE_NONE;
	if (policy->is_psk_enabled &&
	    has_name(offer->legacy, offer->legacy_count, DTLS_PSK_NEGOTIATE)) {
		out->mode = DTLS_MODE_PSK;
		out->header = DTLS_LIST_LEGACY;
		out->name = DTLS_PSK_NEGOTIATE;
		return 0;
	}
	if (!policy->is_legacy_enabled)
		return VPN_ERR_NOT_FOUND;
	s = best_of(DTLS_LIST_DTLS12, offer->dtls12, offer->dtls12_count, policy, tls);
	if (s == NULL)
		s = best_of(DTLS_LIST_LEGACY, offer->legacy, offer->legacy_count, policy, tls);
	if (s == NULL)
		return VPN_ERR_NOT_FOUND;
	out->mode = DTLS_MODE_RESUME;
	out->suite = s;
	out->header = s->list;
	out->name = s->name;
	return 0;
}

/* Next colon-separated token of *rest; false at the end. */
static bool next_token(const char **rest, struct str_view *out)
{
	const char *p = *rest;
	size_t n;

	if (p == NULL)
		return false;
	n = strcspn(p, ":");
	out->ptr = p;
	out->len = n;
	*rest = p[n] == ':' ? p + n + 1 : NULL;
	return true;
}

static bool is_known(enum dtls_list list, struct str_view name)
{
	if (list == DTLS_LIST_LEGACY && str_view_eq(name, DTLS_PSK_NEGOTIATE))
		return true;
	return dtls_suite_find(list, name) != NULL;
}

/* The user's list, checked name by name. */
static int copy_list(char *out, enum dtls_list list, const char *names)
{
	struct buf_writer w;
	struct str_view tok;
	const char *rest = names;

	if (names[0] == '\0')
		return VPN_ERR_INVALID;
	buf_writer_init(&w, out, DTLS_OFFER_MAX);
	while (next_token(&rest, &tok)) {
		if (tok.len == 0)
			return VPN_ERR_INVALID;
		if (!is_known(list, tok))
			return VPN_ERR_NOT_FOUND;
		if (w.len > 0)
			buf_write_u8(&w, ':');
		buf_write_bytes(&w, tok.ptr, tok.len);
	}
	buf_write_u8(&w, '\0');
	return buf_writer_error(&w) ? VPN_ERR_INVALID : 0;
}

/* Our defaults: every suite of the list but the weak ones, in table order. */
static void default_list(char *out, enum dtls_list list)
{
	struct buf_writer w;
	const struct dtls_suite *s;

	buf_writer_init(&w, out, DTLS_OFFER_MAX);
	if (list == DTLS_LIST_LEGACY)
		buf_write_str(&w, DTLS_PSK_NEGOTIATE);
	for (size_t i = 0; (s = dtls_suite_at(i)) != NULL; i++) {
		if (s->list != list || s->is_weak)
			continue;
		if (w.len > 0)
			buf_write_u8(&w, ':');
		buf_write_str(&w, s->name);
	}
	buf_write_u8(&w, '\0'); /* the table fits: checked by the unit test */
}

int dtls_offer_build(struct dtls_offer *out, const char *legacy_names,
		     const char *dtls12_names)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (legacy_names == NULL && dtls12_names == NULL) {
		default_list(out->legacy, DTLS_LIST_LEGACY);
		default_list(out->dtls12, DTLS_LIST_DTLS12);
		return 0;
	}
	if (legacy_names != NULL)
		ret = copy_list(out->legacy, DTLS_LIST_LEGACY, legacy_names);
	if (ret == 0 && dtls12_names != NULL)
		ret = copy_list(out->dtls12, DTLS_LIST_DTLS12, dtls12_names);
	if (ret != 0)
		memset(out, 0, sizeof(*out));
	return ret;
}

static bool offered(const char *list, struct str_view name)
{
	struct str_view tok;
	const char *rest = list[0] != '\0' ? list : NULL;

	while (next_token(&rest, &tok))
		if (tok.len == name.len && memcmp(tok.ptr, name.ptr, name.len) == 0)
			return true;
	return false;
}

int dtls_answer_read(struct dtls_choice *out, const struct dtls_offer *offered_by_us,
		     struct str_view legacy, struct str_view dtls12)
{
	bool is_dtls12 = dtls12.ptr != NULL;
	struct str_view name = is_dtls12 ? dtls12 : legacy;
	enum dtls_list list = is_dtls12 ? DTLS_LIST_DTLS12 : DTLS_LIST_LEGACY;
	const struct dtls_suite *s;

	memset(out, 0, sizeof(*out));
	out->mode = DTLS_MODE_NONE;
	if (name.ptr == NULL)
		return VPN_ERR_NOT_FOUND;
	/* a DTLS12 answer replaces the legacy one: the gateway should send only one */
	if (!offered(is_dtls12 ? offered_by_us->dtls12 : offered_by_us->legacy, name))
		return VPN_ERR_INVALID;
	out->header = list;
	if (!is_dtls12 && str_view_eq(name, DTLS_PSK_NEGOTIATE)) {
		out->mode = DTLS_MODE_PSK;
		out->name = DTLS_PSK_NEGOTIATE;
		return 0;
	}
	s = dtls_suite_find(list, name);
	if (s == NULL)
		return VPN_ERR_INVALID;
	out->mode = DTLS_MODE_RESUME;
	out->suite = s;
	out->name = s->name;
	return 0;
}
