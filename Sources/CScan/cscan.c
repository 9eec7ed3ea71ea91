// CScan is header-only (include/cscan.h); SwiftPM needs one source file per C target.
#include "cscan.h"
