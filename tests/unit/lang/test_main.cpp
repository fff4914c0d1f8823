// The Catch2 main of test_lang_front.
#define CATCH_CONFIG_MAIN
#include "tests/catch.hpp"
