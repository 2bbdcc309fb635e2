// System hiredis (Debian: libhiredis-dev), used only to encode commands (redisFormatCommandArgv) and to
// decode replies (redisReader). ParapetRedis does all socket I/O itself, on SwiftNIO.
#include <hiredis/hiredis.h>
