// swift-tools-version: 6.0
import PackageDescription

/// The iOS companion's logic, free of Apple-only frameworks so that it builds and is tested on
/// Linux too (`scripts/swift-test.sh`). CallKit, PushKit, AVFAudio, WebRTC and Socket.IO sit
/// behind the protocols in `Clients/`; only the app target (`../App`) picks the live ones.
let package = Package(
    name: "CompanionCore",
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "CompanionCore", targets: ["CompanionCore"]),
        .executable(name: "CompanionHarness", targets: ["CompanionHarness"]),
    ],
    targets: [
        .target(
            name: "CompanionCore",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        /// The real CallCoordinator on Linux, driven over JSON lines on stdio by the companion
        /// scenarios (`npm run test:companion`, tools/swift-companion): a Node bridge carries its
        /// socket, HTTP and pushes; CallKit and the media engine are scripted.
        .executableTarget(
            name: "CompanionHarness",
            dependencies: ["CompanionCore"],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .testTarget(
            name: "CompanionCoreTests",
            dependencies: ["CompanionCore"],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
