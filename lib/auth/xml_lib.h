/* SPDX-License-Identifier: ISC */
/*
 * How lib/auth reaches libxml2: through one table of the entry points it
 * calls, bound in one of two ways, chosen by the object a program links.
 *
 * - xml_lib_linked.c, in libsslgate: libxml2's own functions, linked as
 *   usual. The gateway, the tools, the tests and the fuzzers use it.
 * - xml_lib_loaded.c, linked into the client instead (auth_xml_loaded_dep
 *   in meson): libxml2 is dlopen()ed for the first document and closed
 *   again by auth_xml_unload() once the login is over. Debian's libxml2
 *   brings ICU, lzma and zlib along; a client lives for hours in its
 *   tunnel and needs them for the few documents of its login only.
 *
 * Both build their table from AUTH_XML_LIB_SYMBOLS, so they list the same
 * functions, and the linked table, which the compiler checks against
 * libxml2's prototypes, checks the member types for both. Free what
 * libxml2 hands out with auth_xml_free(), never with xmlFree: that global
 * is a data symbol of a library that may be gone.
 */
#ifndef AUTH_XML_LIB_H
#define AUTH_XML_LIB_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#include "lib/auth/xml.h"

struct auth_xml_lib {
	int (*mem_setup)(xmlFreeFunc, xmlMallocFunc, xmlReallocFunc, xmlStrdupFunc);
	void (*init_parser)(void);
	void (*cleanup_parser)(void);
	void (*set_generic_error_func)(void *, xmlGenericErrorFunc);
	void (*thr_def_set_generic_error_func)(void *, xmlGenericErrorFunc);
	void (*set_structured_error_func)(void *, xmlStructuredErrorFunc);
	void (*thr_def_set_structured_error_func)(void *, xmlStructuredErrorFunc);
	xmlParserCtxtPtr (*new_parser_ctxt)(void);
	xmlDocPtr (*ctxt_read_memory)(xmlParserCtxtPtr, const char *, int, const char *,
				      const char *, int);
	void (*stop_parser)(xmlParserCtxtPtr);
	void (*free_parser_ctxt)(xmlParserCtxtPtr);
	void (*free_doc)(xmlDocPtr);
	xmlNodePtr (*doc_get_root_element)(const xmlDoc *);
	long (*get_line_no)(const xmlNode *);
	xmlChar *(*node_get_content)(const xmlNode *);
	xmlChar *(*get_prop)(const xmlNode *, const xmlChar *);
	xmlNodePtr (*doc_copy_node)(xmlNodePtr, xmlDocPtr, int);
	void (*free_node)(xmlNodePtr);
	xmlBufferPtr (*buffer_create)(void);
	int (*node_dump)(xmlBufferPtr, xmlDocPtr, xmlNodePtr, int, int);
	const xmlChar *(*buffer_content)(const xmlBuffer *);
	void (*buffer_free)(xmlBufferPtr);
};

/* X(member, libxml2 function) for every member above. */
#define AUTH_XML_LIB_SYMBOLS(X)                                              \
	X(mem_setup, xmlMemSetup)                                            \
	X(init_parser, xmlInitParser)                                        \
	X(cleanup_parser, xmlCleanupParser)                                  \
	X(set_generic_error_func, xmlSetGenericErrorFunc)                    \
	X(thr_def_set_generic_error_func, xmlThrDefSetGenericErrorFunc)      \
	X(set_structured_error_func, xmlSetStructuredErrorFunc)              \
	X(thr_def_set_structured_error_func, xmlThrDefSetStructuredErrorFunc) \
	X(new_parser_ctxt, xmlNewParserCtxt)                                 \
	X(ctxt_read_memory, xmlCtxtReadMemory)                               \
	X(stop_parser, xmlStopParser)                                        \
	X(free_parser_ctxt, xmlFreeParserCtxt)                               \
	X(free_doc, xmlFreeDoc)                                              \
	X(doc_get_root_element, xmlDocGetRootElement)                        \
	X(get_line_no, xmlGetLineNo)                                         \
	X(node_get_content, xmlNodeGetContent)                               \
	X(get_prop, xmlGetProp)                                              \
	X(doc_copy_node, xmlDocCopyNode)                                     \
	X(free_node, xmlFreeNode)                                            \
	X(buffer_create, xmlBufferCreate)                                    \
	X(node_dump, xmlNodeDump)                                            \
	X(buffer_content, xmlBufferContent)                                  \
	X(buffer_free, xmlBufferFree)

/* The soname the loaded binding opens: the ABI the headers above describe. */
#define AUTH_XML_LIB_SONAME "libxml2.so.2"

/*
 * libxml2, bound and set up (auth_xml_lib_setup), loading it first if this
 * program loads it at run time; the table stays valid until
 * auth_xml_unload(). NULL, with err (may be NULL) saying why, when the
 * library or one of its functions cannot be found.
 */
const struct auth_xml_lib *auth_xml_lib_get(struct auth_xml_error *err);

/*
 * Loaded binding only (tests): loads soname instead of AUTH_XML_LIB_SONAME
 * unless a libxml2 is loaded already. 0, or VPN_ERR_NOT_FOUND with err
 * naming the library or the missing function.
 */
int auth_xml_lib_load(const char *soname, struct auth_xml_error *err);

/*
 * xml_global.c: the process-wide settings every binding applies right
 * after binding and before anything else calls libxml2: the wiping
 * allocator, then the parser, then error printing switched off.
 */
void auth_xml_lib_setup(const struct auth_xml_lib *lib);

/* Frees a string libxml2 returned (its allocator is the wiping one); NULL is fine. */
void auth_xml_free(void *ptr);

#endif
