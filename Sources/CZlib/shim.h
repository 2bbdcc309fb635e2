// System zlib (Debian: zlib1g-dev), for gzip and deflate content codings.
#include <zlib.h>
