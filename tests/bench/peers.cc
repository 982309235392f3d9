// The template engine against its peers: one flattened article page (flat/article.mustache with
// three partials, no inheritance, which the peers lack; the breadcrumb partial is "crumbs"
// because kainjow looks partials up among the data, which has a "breadcrumb" list) and one JSON
// data set (flat/article.json),
// rendered by our engine, kainjow/mustache and mstch. The three outputs are compared byte for
// byte before anything is timed; the data has no "/" or "'" in escaped values, the only
// characters the three escape differently (mstch writes "/" as &#x2F;, kainjow "'" as &apos;),
// and each partial tag shares its line with the text after it: kainjow keeps the line end of a
// standalone partial tag, the others drop it (the Mustache spec).
// Each peer at its best: kainjow with its template parsed once (its partials are parsed on every
// use, as its API has it); mstch through mstch::render, its public API, which parses the
// template and partials on every call, and also pre-parsed when built with NP_MSTCH_INTERNAL
// (`make bench MSTCH_SRC=DIR`, DIR the src/ folder of mstch's 1.0.2 tag, whose internal headers
// Debian's libmstch-dev does not install; its library has the code).
// Usage: bench_peers [DIR [SECONDS]]  (default tests/bench/flat 2): prints "ENGINE: N us per render".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <jansson.h>
#include <kainjow/mustache.hpp>
#include <mstch/mstch.hpp>
#ifdef NP_MSTCH_INTERNAL
#include "render_context.hpp"
#include "template_type.hpp"
#endif

extern "C" {
#include "np_buf.h"
#include "np_json.h"
#include "np_template.h"
}

static std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::cerr << "bench_peers: cannot read " << path << "\n";
        std::exit(1);
    }
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

static kainjow::mustache::data to_kainjow(const json_t *j)
{
    using kainjow::mustache::data;
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        data d{data::type::object};
        const char *k;
        json_t *v;
        json_object_foreach(const_cast<json_t *>(j), k, v) d.set(k, to_kainjow(v));
        return d;
    }
    case JSON_ARRAY: {
        data d{data::type::list};
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) d.push_back(to_kainjow(v));
        return d;
    }
    case JSON_STRING:
        return data{std::string(json_string_value(j), json_string_length(j))};
    case JSON_TRUE:
        return data{data::type::bool_true};
    case JSON_FALSE:
        return data{data::type::bool_false};
    default:
        return data{data::type::bool_false};
    }
}

static mstch::node to_mstch(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        mstch::map m;
        const char *k;
        json_t *v;
        json_object_foreach(const_cast<json_t *>(j), k, v) m.emplace(k, to_mstch(v));
        return m;
    }
    case JSON_ARRAY: {
        mstch::array a;
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) a.push_back(to_mstch(v));
        return a;
    }
    case JSON_STRING:
        return std::string(json_string_value(j), json_string_length(j));
    case JSON_TRUE:
        return true;
    case JSON_FALSE:
        return false;
    default:
        return false;
    }
}

// Renders in a loop for about `seconds`; returns microseconds per render.
static double timed(double seconds, const std::function<size_t()> &render, long *count)
{
    using clock = std::chrono::steady_clock;
    auto start = clock::now();
    double elapsed = 0;
    long n = 0;
    size_t sink = 0;
    do {
        for (int i = 0; i < 100; i++)
            sink += render();
        n += 100;
        elapsed = std::chrono::duration<double>(clock::now() - start).count();
    } while (elapsed < seconds);
    *count = n;
    if (sink == 0)
        std::cerr << "bench_peers: nothing rendered\n";
    return elapsed * 1e6 / (double)n;
}

int main(int argc, char **argv)
{
    std::string dir = argc > 1 ? argv[1] : "tests/bench/flat";
    double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
    static const char *const partial_names[] = {"crumbs", "share", "article-list"};

    std::string tpl = slurp(dir + "/article.mustache");
    std::string json = slurp(dir + "/article.json");
    std::map<std::string, std::string> partials;
    for (auto name : partial_names)
        partials[name] = slurp(dir + "/" + name + ".mustache");

    json_error_t jerr;
    json_t *root = json_loadb(json.data(), json.size(), 0, &jerr);
    if (!root) {
        std::cerr << "bench_peers: article.json:" << jerr.line << ": " << jerr.text << "\n";
        return 1;
    }

    // Ours: the template set compiled once, data from the same JSON.
    apr_initialize();
    apr_pool_t *pool;
    apr_pool_create(&pool, nullptr);
    np_tpl_set *set = np_tpl_set_create(pool);
    np_tpl_error err;
    if (np_tpl_set_load_dir(set, dir.c_str(), ".mustache", &err) != APR_SUCCESS) {
        std::cerr << "bench_peers: " << err.text << "\n";
        return 1;
    }
    const np_tpl *ours = np_tpl_get(set, "article");
    np_value *ours_data = np_json_value(pool, root);
    np_buf buf;
    np_buf_init(&buf, 64 * 1024);
    auto render_ours = [&]() -> size_t {
        buf.len = 0;
        if (np_tpl_render(set, ours, ours_data, &buf, nullptr, &err) != APR_SUCCESS) {
            std::cerr << "bench_peers: " << err.text << "\n";
            std::exit(1);
        }
        return buf.len;
    };

    // kainjow: the template parsed once; partials are data.
    kainjow::mustache::mustache ktpl{tpl};
    if (!ktpl.is_valid()) {
        std::cerr << "bench_peers: kainjow: " << ktpl.error_message() << "\n";
        return 1;
    }
    kainjow::mustache::data kdata = to_kainjow(root);
    for (auto &p : partials) {
        std::string text = p.second;
        kdata.set(p.first, kainjow::mustache::partial{[text]() { return text; }});
    }
    std::string kout;
    auto render_kainjow = [&]() -> size_t {
        kout = ktpl.render(kdata);
        return kout.size();
    };

    // mstch: its public API.
    mstch::node mdata = to_mstch(root);
    std::string mout;
    auto render_mstch = [&]() -> size_t {
        mout = mstch::render(tpl, mdata, partials);
        return mout.size();
    };

#ifdef NP_MSTCH_INTERNAL
    // mstch with the template and partials parsed once, as mstch::render does inside.
    mstch::template_type mtpl{tpl};
    std::map<std::string, mstch::template_type> mpartials;
    for (auto &p : partials)
        mpartials.insert({p.first, {p.second}});
    std::string mpout;
    auto render_mstch_parsed = [&]() -> size_t {
        mpout = mstch::render_context(mdata, mpartials).render(mtpl);
        return mpout.size();
    };
#endif

    // Byte for byte the same page from all of them, before any timing.
    render_ours();
    std::string ours_out(buf.data, buf.len);
    render_kainjow();
    render_mstch();
    int bad = 0;
    std::vector<std::pair<const char *, std::string *>> outs = {{"kainjow", &kout},
                                                                {"mstch", &mout}};
#ifdef NP_MSTCH_INTERNAL
    render_mstch_parsed();
    outs.push_back({"mstch-parsed", &mpout});
#endif
    for (auto &o : outs) {
        if (*o.second != ours_out) {
            size_t i = 0;
            while (i < ours_out.size() && i < o.second->size() && ours_out[i] == (*o.second)[i])
                i++;
            std::cerr << "bench_peers: " << o.first << "'s output differs from ours at byte " << i
                      << ": ours \"" << ours_out.substr(i, 40) << "\", " << o.first << " \""
                      << o.second->substr(i, 40) << "\"\n";
            bad = 1;
        }
    }
    if (bad || std::getenv("BENCH_SHOW")) {
        if (bad)
            return 1;
        std::cout << ours_out;
    }

    long n;
    double us = timed(seconds, render_ours, &n);
    std::printf("newsportal: %.2f us per render (%ld renders, %zu bytes; template compiled once)\n",
                us, n, ours_out.size());
    us = timed(seconds, render_kainjow, &n);
    std::printf("kainjow: %.2f us per render (%ld renders; kainjow/mustache, template parsed "
                "once, partials on every use)\n",
                us, n);
#ifdef NP_MSTCH_INTERNAL
    us = timed(seconds, render_mstch_parsed, &n);
    std::printf("mstch: %.2f us per render (%ld renders; template and partials parsed once, "
                "through mstch's internal headers)\n",
                us, n);
    us = timed(seconds, render_mstch, &n);
    std::printf("mstch-public: %.2f us per render (%ld renders; mstch::render, its public API, "
                "parses on every call)\n",
                us, n);
#else
    us = timed(seconds, render_mstch, &n);
    std::printf("mstch: %.2f us per render (%ld renders; mstch::render, its public API, parses the "
                "template and partials on every call: NOT pre-parsed, which needs headers Debian's "
                "libmstch-dev does not install; make bench MSTCH_SRC=DIR times that too)\n",
                us, n);
#endif
    np_buf_free(&buf);
    json_decref(root);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
