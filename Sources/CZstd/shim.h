// System libzstd (Debian: libzstd-dev), for the zstd content coding.
#include <zstd.h>
