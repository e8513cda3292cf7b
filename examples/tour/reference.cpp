// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/reference.hpp>: image references as distribution/reference parses them, with
// Docker Hub normalisation, familiar forms, composition and upstream's error texts.
#include <cstdio>
#include <dockimg/reference.hpp>
#include <string_view>

namespace ref = dockimg::reference;

static void show(const char* label, std::string_view s) {
  std::printf("%s%.*s\n", label, static_cast<int>(s.size()), s.data());
}

int main() {
  // [tour]
  char memory[1024];
  dockimg::arena storage(memory, sizeof memory);

  // ParseDockerRef: normalised, with the default tag.
  const ref::result r = ref::parse_docker_ref("ubuntu", storage);
  show("full:     ", r.value.string);             // docker.io/library/ubuntu:latest
  show("familiar: ", r.value.familiar_string());  // ubuntu:latest

  // The parts of a fully qualified reference (Parse: no normalisation, views into the input).
  const ref::result q = ref::parse(
      "registry.example.com:5000/team/app:1.4@sha256:"
      "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  show("domain:   ", q.value.domain);
  show("path:     ", q.value.path);
  show("tag:      ", q.value.tag);
  show("digest:   ", q.value.digest.substr(0, 19));

  // Composition writes new strings into the arena.
  const ref::result named = ref::parse_normalized_named("bitnami/redis", storage);
  show("with tag: ", ref::with_tag(named.value, "7.2", storage).value.string);

  // Errors carry upstream's message.
  for (std::string_view bad : {"Ubuntu:22.04", "ubuntu:-latest"}) {
    const ref::result e = ref::parse_normalized_named(bad, storage);
    if (!e.ok())
      std::printf("%.*s: %s\n", static_cast<int>(bad.size()), bad.data(),
                  ref::message(e.err).c_str());
  }
  // [/tour]
  return r.ok() && q.ok() ? 0 : 1;
}
