// System libbrotli encoder (Debian: libbrotli-dev), for the br content coding.
#include <brotli/encode.h>
