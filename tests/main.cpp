// The one doctest main shared by every test binary (Debian ships no prebuilt one).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
