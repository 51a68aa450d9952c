#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: builds build/altdma-dkms_VERSION_all.deb the Debian way (dh with
# dh-dkms), from a copy of the tree in build/deb, so that nothing is written
# next to the checkout. debian/changelog is written from ./VERSION, the one
# version source.
#
#   scripts/deb.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$root/VERSION")
work=$root/build/deb
tree=$work/altdma-$version

for tool in dpkg-buildpackage dh dh_dkms; do
	command -v "$tool" > /dev/null ||
		{ echo "altdma deb: $tool is missing (apt install dpkg-dev debhelper dh-dkms)" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$tree"
git -C "$root" ls-files -z -- debian tools Documentation VERSION README.md dkms.conf Kbuild Makefile \
	core shim nvme_demo scripts/Kbuild.cxx scripts/check-module.sh \
	scripts/module-symbols.allow scripts/dkms.sh |
	while IFS= read -r -d '' f; do
		mkdir -p "$tree/$(dirname "$f")"
		cp -p "$root/$f" "$tree/$f"
	done
cat > "$tree/debian/changelog" <<CHANGES
altdma ($version) unstable; urgency=medium

  * altdma $version (see README.md).

 -- altdma developers <altdma-devel@localhost.localdomain>  $(date -R)
CHANGES
(cd "$tree" && dpkg-buildpackage -b -us -uc --no-sign) > "$work/build.log" 2>&1 || {
	tail -n 30 "$work/build.log" >&2
	echo "altdma deb: dpkg-buildpackage failed (log: $work/build.log)" >&2
	exit 1
}
cp "$work/altdma-dkms_${version}_all.deb" "$root/build/"
echo "$root/build/altdma-dkms_${version}_all.deb"
