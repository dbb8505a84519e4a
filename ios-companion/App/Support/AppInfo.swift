import CompanionCore
import Foundation
import UIKit

/// Facts about this build and device, read once at launch.
struct AppInfo: Sendable {
    var bundleId: String
    var appVersion: String
    var osVersion: String
    var model: String
    /// What the pairing form suggests as the phone's name: since iOS 16 `UIDevice.name` is only
    /// "iPhone" (without a special entitlement), so the person names it, from its model's name.
    var suggestedName: String
    /// From the `aps-environment` entitlement the app was signed with: development-signed builds
    /// get sandbox tokens, and sending one to the production gateway fails with BadDeviceToken
    /// (DESIGN lesson 5).
    var apnsEnvironment: ApnsEnvironment
    var appGroupDirectory: URL
    var callDirectoryExtensionId: String
    var iceServers: [String]
    /// Reports not yet acknowledged by the server, kept across a suspended or killed app.
    var outboxFile: URL

    @MainActor
    static var current: AppInfo {
        let bundle = Bundle.main
        let bundleId = bundle.bundleIdentifier ?? "com.example.switchboard"
        let version = bundle.object(forInfoDictionaryKey: "CFBundleShortVersionString") as? String ?? "0"
        let build = bundle.object(forInfoDictionaryKey: "CFBundleVersion") as? String ?? "0"
        let group = bundle.object(forInfoDictionaryKey: "SwitchboardAppGroup") as? String ?? "group.\(bundleId)"
        let container = FileManager.default.containerURL(forSecurityApplicationGroupIdentifier: group)
            ?? FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        // The signed entitlement decides, not the build configuration (a Release build run from
        // Xcode is development-signed and gets sandbox tokens).
        let profile = bundle.url(forResource: "embedded", withExtension: "mobileprovision").flatMap { try? Data(contentsOf: $0) }
        let environment = ApnsEnvironment(provisioningProfile: profile)
        return AppInfo(
            bundleId: bundleId,
            appVersion: "\(version) (\(build))",
            osVersion: UIDevice.current.systemVersion,
            model: hardwareModel(),
            suggestedName: DeviceModelName.name(for: hardwareModel()),
            apnsEnvironment: environment,
            appGroupDirectory: container.appendingPathComponent("CallDirectory", isDirectory: true),
            callDirectoryExtensionId: bundle.object(forInfoDictionaryKey: "SwitchboardCallDirectoryExtension") as? String
                ?? "\(bundleId).CallDirectory",
            iceServers: bundle.object(forInfoDictionaryKey: "SwitchboardICEServers") as? [String]
                ?? ["stun:stun.l.google.com:19302"],
            outboxFile: FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
                .appendingPathComponent("outbox.json")
        )
    }

    /// `iPhone16,2` rather than "iPhone": the console shows the exact model.
    private static func hardwareModel() -> String {
        var system = utsname()
        uname(&system)
        return withUnsafeBytes(of: &system.machine) { buffer in
            String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
