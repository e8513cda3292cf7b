// SPDX-License-Identifier: Apache-2.0
/// @file dockimg.hpp
/// @brief The umbrella header: includes every public header of dockimg.
#ifndef DOCKIMG_DOCKIMG_HPP
#define DOCKIMG_DOCKIMG_HPP

#include "analysis.hpp"
#include "arena.hpp"
#include "config.hpp"
#include "context.hpp"
#include "digest.hpp"
#include "dispatch.hpp"
#include "dockerfile.hpp"
#include "dockerignore.hpp"
#include "instructions.hpp"
#include "json.hpp"
#include "layout.hpp"
#include "oci.hpp"
#include "platform.hpp"
#include "reference.hpp"
#include "shell.hpp"
#include "source.hpp"
#include "tar.hpp"
#include "version.hpp"

#endif  // DOCKIMG_DOCKIMG_HPP
