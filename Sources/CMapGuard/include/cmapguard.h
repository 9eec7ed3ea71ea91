#ifndef CMAPGUARD_H
#define CMAPGUARD_H
// A mapped file that may shrink while it is read (truncated, rewritten by copytruncate) no longer
// kills the process with SIGBUS: a fault on a registered mapping maps a page of newlines over the
// lost page and is counted, so the reader finishes its chunk and then reports that the file shrank.
// A SIGBUS anywhere else gets the default action, as before.

#include <stddef.h>

/// Installs the SIGBUS handler (once; later calls do nothing). Returns 0, or -1 with errno.
int cmapguard_install(void);

/// Registers the mapping [base, base + length). Returns its slot, or -1 when all slots are taken
/// (the mapping is then unguarded: the caller should read the file instead).
int cmapguard_add(const void *base, size_t length);

/// The faults on the slot's mapping so far: 0 while the file has kept its size.
long cmapguard_faults(int slot);

/// Unregisters the slot (before the mapping is unmapped).
void cmapguard_remove(int slot);

#endif
