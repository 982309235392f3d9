#include "np_log.h"

#include <stdarg.h>
#include <stdio.h>

void np_log(const np_logger *lg, int level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    if (!lg || !lg->fn || level > lg->max_level)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    lg->fn(lg->baton, level, msg);
}
