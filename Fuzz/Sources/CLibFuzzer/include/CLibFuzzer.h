#ifndef PARAPET_CLIBFUZZER_H
#define PARAPET_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's own entry point (compiler-rt FuzzerInterface.h): parses the command line and runs `callback` on
/// every input. Linked in by `-sanitize=fuzzer`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
