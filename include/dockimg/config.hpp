// SPDX-License-Identifier: Apache-2.0
/// @file config.hpp
/// @brief Compiler detection, the versioned namespace and the few macros every header shares.
#ifndef DOCKIMG_CONFIG_HPP
#define DOCKIMG_CONFIG_HPP

#include "version.hpp"

/// Opens `namespace dockimg { inline namespace v0 {`: two major versions can coexist in one program.
#define DOCKIMG_BEGIN_NAMESPACE \
  namespace dockimg {           \
  inline namespace v0 {
/// Closes what DOCKIMG_BEGIN_NAMESPACE opened.
#define DOCKIMG_END_NAMESPACE \
  }                           \
  }

#if defined(__clang__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::lifetimebound)
/// Marks a parameter whose lifetime bounds the returned view (clang only; nothing elsewhere).
#define DOCKIMG_LIFETIMEBOUND [[clang::lifetimebound]]
#endif
#endif
#ifndef DOCKIMG_LIFETIMEBOUND
#define DOCKIMG_LIFETIMEBOUND
#endif

#ifndef DOCKIMG_ASSERT
#include <cassert>
/// Internal precondition check; define it before including dockimg to route it elsewhere.
#define DOCKIMG_ASSERT(cond) assert(cond)
#endif

#endif  // DOCKIMG_CONFIG_HPP
