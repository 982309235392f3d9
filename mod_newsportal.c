/* mod_newsportal: serves a news site from a folder of XML articles.
 * This file is the only one that includes httpd headers; the work is done in src/. */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

module AP_MODULE_DECLARE_DATA newsportal_module;

static int np_handler(request_rec *r)
{
    if (!r->handler || strcmp(r->handler, "newsportal") != 0)
        return DECLINED;
    if (r->method_number != M_GET) {
        r->allowed = (AP_METHOD_BIT << M_GET);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    ap_set_content_type(r, "text/html; charset=utf-8");
    if (!r->header_only)
        ap_rputs("<!doctype html><title>News</title><h1>News</h1>\n", r);
    return OK;
}

static void np_register_hooks(apr_pool_t *p)
{
    ap_hook_handler(np_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(newsportal) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, np_register_hooks, AP_MODULE_FLAG_NONE,
};
