#include <doctest/doctest.h>
#include <dockimg/version.hpp>
TEST_CASE("smoke") { CHECK(DOCKIMG_VERSION_MAJOR == 0); }
