// LD_PRELOAD shim: counts malloc/calloc/realloc calls and prints the total at exit (stderr).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <unistd.h>

static atomic_ulong calls;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static char bootstrap[4096];
static size_t bootstrap_used;

static void report(void) {
    char buf[64];
    int n = snprintf(buf, sizeof buf, "allocations: %lu\n", (unsigned long)atomic_load(&calls));
    write(2, buf, n);
}

__attribute__((constructor)) static void init(void) {
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    atexit(report);
}

void *malloc(size_t n) { atomic_fetch_add(&calls, 1); if (!real_malloc) init(); return real_malloc(n); }
void *realloc(void *p, size_t n) { atomic_fetch_add(&calls, 1); return real_realloc(p, n); }
void *calloc(size_t a, size_t b) {
    if (!real_calloc) { // dlsym itself calls calloc
        void *p = bootstrap + bootstrap_used; bootstrap_used += (a * b + 15) & ~15UL; return p;
    }
    atomic_fetch_add(&calls, 1);
    return real_calloc(a, b);
}
void free(void *p) {
    static void (*real_free)(void *);
    if ((char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap) return;
    if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
    real_free(p);
}
