/* Logging from the core without httpd: the glue supplies a function that forwards to the
 * error log, the command-line tool one that prints to stderr. Levels match syslog/APLOG. */
#ifndef NP_LOG_H
#define NP_LOG_H

enum { NP_LOG_ERR = 3, NP_LOG_WARNING = 4, NP_LOG_NOTICE = 5, NP_LOG_INFO = 6, NP_LOG_DEBUG = 7 };

typedef struct np_logger {
    void (*fn)(void *baton, int level, const char *msg);
    void *baton;
    int max_level; /* messages above this level are not even formatted */
} np_logger;

/* Safe with lg == NULL (logs nothing). */
void np_log(const np_logger *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
