// System libxcrypt (Debian: libcrypt-dev), used only for `crypt_r` to check htpasswd hashes (bcrypt `$2y$`,
// SHA-crypt `$5$`/`$6$`). It adds nothing to the build: the library is the one the system already ships.
#include <crypt.h>
