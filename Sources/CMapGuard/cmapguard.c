#define _GNU_SOURCE
#include "cmapguard.h"
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SLOTS 64

// Slot k guards [start, end) when start < end; both 0 when free. `owner` claims a free slot.
static _Atomic uintptr_t slot_start[SLOTS];
static _Atomic uintptr_t slot_end[SLOTS];
static _Atomic long slot_faults[SLOTS];
static atomic_flag slot_owner[SLOTS];
static atomic_int installed;
// The handler before this one (the Swift runtime's backtracer, or the default): faults that are
// not on a guarded mapping go to it.
static struct sigaction previous;

static void on_sigbus(int sig, siginfo_t *info, void *context) {
    (void)context;
    uintptr_t addr = (uintptr_t)info->si_addr;
    for (int k = 0; k < SLOTS; k++) {
        uintptr_t start = atomic_load(&slot_start[k]), end = atomic_load(&slot_end[k]);
        if (start < end && addr >= start && addr < end) {
            // The lost page becomes a page of newlines: the parsers' scans stop at the next '\n'
            // (a span of lines once found ends with one), and the reader sees empty lines, not
            // bytes to take for a line. One page per fault: the reader stops at its next slice.
            uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
            uintptr_t from = addr & ~(page - 1);
            int saved = errno;
            void *p = mmap((void *)from, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (p != MAP_FAILED) {
                memset(p, '\n', page);
                mprotect(p, page, PROT_READ);
            }
            errno = saved;
            if (p != MAP_FAILED) {
                atomic_fetch_add(&slot_faults[k], 1);
                return;
            }
            break;
        }
    }
    // Not ours (or no page could be mapped): the handler before, as without the guard;
    // the faulting access runs again and faults into it.
    (void)sig;
    sigaction(SIGBUS, &previous, NULL);
}

int cmapguard_install(void) {
    if (atomic_exchange(&installed, 1)) return 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, &previous) != 0) {
        atomic_store(&installed, 0);
        return -1;
    }
    return 0;
}

int cmapguard_add(const void *base, size_t length) {
    for (int k = 0; k < SLOTS; k++) {
        if (atomic_flag_test_and_set(&slot_owner[k])) continue;
        atomic_store(&slot_faults[k], 0);
        atomic_store(&slot_end[k], (uintptr_t)base + length);
        atomic_store(&slot_start[k], (uintptr_t)base);
        return k;
    }
    return -1;
}

long cmapguard_faults(int slot) {
    return slot >= 0 && slot < SLOTS ? atomic_load(&slot_faults[slot]) : 0;
}

void cmapguard_remove(int slot) {
    if (slot < 0 || slot >= SLOTS) return;
    atomic_store(&slot_start[slot], 0);
    atomic_store(&slot_end[slot], 0);
    atomic_flag_clear(&slot_owner[slot]);
}
