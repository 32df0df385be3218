/* The C side of cross_language_test.go, shared with the other bindings' tests. */
#include "../../../../c-tests/cross_language.c"
