#!/usr/bin/env bash
# Writes a small OCI image layout into DIR with coreutils only (sha256sum names the blobs), for the
# CLI tests of `dockimg inspect` / `diff` / `validate`. VARIANT changes the second layer's bytes.
# Prints what was written, one "key value" a line: manifest, config, layer0/layer1 digests and sizes.
set -euo pipefail
d=$1
variant=$2
mkdir -p "$d/blobs/sha256"
cd "$d"
blob() {
  local h
  h=$(sha256sum "$1" | cut -d' ' -f1)
  mv "$1" "blobs/sha256/$h"
  echo "$h"
}
head -c 300000 /dev/zero | gzip -n -c > l0
L0=$(blob l0)
S0=$(stat -c %s "blobs/sha256/$L0")
head -c $((4000 + variant * 1000)) /dev/urandom > l1
L1=$(blob l1)
S1=$(stat -c %s "blobs/sha256/$L1")
printf '{"architecture":"amd64","os":"linux","created":"2024-01-02T03:04:05Z","rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]},"history":[{"created_by":"/bin/sh -c #(nop) ADD file:abc in / "},{"created_by":"/bin/sh -c #(nop)  ENV A=b","empty_layer":true},{"created_by":"RUN /bin/sh -c apt-get install -y curl # buildkit","comment":"buildkit.dockerfile.v0"}]}' "$L0" "$L1" > cfg
C=$(blob cfg)
CS=$(stat -c %s "blobs/sha256/$C")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' "$C" "$CS" "$L0" "$S0" "$L1" "$S1" > man
M=$(blob man)
MS=$(stat -c %s "blobs/sha256/$M")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}]}' "$M" "$MS" "$M" "$MS" > index.json
printf '{"imageLayoutVersion":"1.0.0"}' > oci-layout
echo "manifest sha256:$M"
echo "config sha256:$C"
echo "layer0 sha256:$L0 $S0"
echo "layer1 sha256:$L1 $S1"
