#!/usr/bin/env bash
# Type-checks ios-companion/App/Live in Swift 6 language mode (complete concurrency checking)
# against the declaration shims in this folder (issue 21 item 8). Run by scripts/swift-test.sh
# after `swift test`, on Linux (inside the toolchain chroot there), where the real frameworks
# do not exist. Arguments: the ios-companion folder, the folder holding CompanionCore.swiftmodule,
# a scratch folder for the shim modules.
set -euo pipefail
COMPANION="$1"
CORE_MODULES="$2"
OUT="$3"
SHIMS="$COMPANION/TypecheckShims"
LIVE="$COMPANION/App/Live"

mkdir -p "$OUT"
# The Objective-C frameworks are imported as pre-concurrency modules: Swift 5 mode, as they are.
for module in Security os AVFAudio AVFoundation UIKit UserNotifications CallKit PushKit Starscream SocketIO WebRTC; do
  swiftc -emit-module -parse-as-library -swift-version 5 -module-name "$module" \
    -I "$OUT" -o "$OUT/$module.swiftmodule" "$SHIMS/$module.swift"
done

# An escape hatch turns the check below off where it matters most: a delegate WebRTC calls on its
# signalling thread that reaches main-actor state. Refused here, with the place.
hatches="$(grep -nE '@unchecked[[:space:]]+Sendable|nonisolated\(unsafe\)' "$LIVE"/*.swift | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)"
if [ -n "$hatches" ]; then
  printf 'App/Live opts out of Swift 6 isolation checking (use Sendable values and an explicit hop to the main actor):\n%s\n' \
    "$hatches" >&2
  exit 1
fi

mapfile -t files < <(find "$LIVE" -name '*.swift' | LC_ALL=C sort)
files+=("$COMPANION/App/Support/AppLog.swift" "$COMPANION/App/Support/DeviceCredentials.swift")
swiftc -typecheck -swift-version 6 -I "$OUT" -I "$CORE_MODULES" "${files[@]}"
echo "App/Live type-checks in Swift 6 mode: ${#files[@]} files"
