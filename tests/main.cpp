// The doctest runner of dockimg_tests: every tests/*_test.cpp links into this one executable.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
