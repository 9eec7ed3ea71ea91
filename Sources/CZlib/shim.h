#ifndef STATUSD_CZLIB_SHIM_H
#define STATUSD_CZLIB_SHIM_H
#include <zlib.h>
#endif
