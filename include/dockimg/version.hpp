// SPDX-License-Identifier: Apache-2.0
/// @file version.hpp
/// @brief The library version: the single source of truth (CMake reads it before `project()`).
#ifndef DOCKIMG_VERSION_HPP
#define DOCKIMG_VERSION_HPP

/// Major version: incremented on incompatible API changes.
#define DOCKIMG_VERSION_MAJOR 0
/// Minor version: incremented when features are added.
#define DOCKIMG_VERSION_MINOR 1
/// Patch version: incremented for fixes.
#define DOCKIMG_VERSION_PATCH 0
/// The version as one comparable integer: major * 10000 + minor * 100 + patch.
#define DOCKIMG_VERSION (DOCKIMG_VERSION_MAJOR * 10000 + DOCKIMG_VERSION_MINOR * 100 + DOCKIMG_VERSION_PATCH)
/// The version as text, "major.minor.patch".
#define DOCKIMG_VERSION_STRING "0.1.0"

#endif  // DOCKIMG_VERSION_HPP
