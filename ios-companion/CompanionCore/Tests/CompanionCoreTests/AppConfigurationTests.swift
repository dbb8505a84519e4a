import Foundation
import Testing

/// The app target cannot be built off Apple platforms, but its property lists can be read: these
/// pin the checklist items that live in configuration rather than code.
@Suite("App target configuration")
struct AppConfigurationTests {
    static func plist(_ path: String) throws -> [String: Any] {
        let root = try #require(Fixtures.repositoryRoot, "repository root not found")
        let data = try Data(contentsOf: root.appendingPathComponent(path))
        let value = try PropertyListSerialization.propertyList(from: data, format: nil)
        return try #require(value as? [String: Any], "\(path) is not a dictionary")
    }

    @Test("VoIP and audio background modes are enabled")
    func backgroundModes() throws {
        let info = try Self.plist("ios-companion/App/Info.plist")
        let modes = info["UIBackgroundModes"] as? [String] ?? []
        #expect(modes.contains("voip"))
        #expect(modes.contains("audio"))
    }

    @Test("microphone and camera usage are explained; the call screen's name is set")
    func usageDescriptions() throws {
        let info = try Self.plist("ios-companion/App/Info.plist")
        #expect((info["NSMicrophoneUsageDescription"] as? String)?.isEmpty == false)
        #expect((info["NSCameraUsageDescription"] as? String)?.isEmpty == false)
        // Since iOS 14 CallKit shows CFBundleDisplayName (CXProviderConfiguration.localizedName is read-only).
        #expect(info["CFBundleDisplayName"] as? String == "Switchboard")
    }

    @Test("calls from the Phone app's Recents and switchboard:// pairing links reach the app")
    func activitiesAndLinks() throws {
        let info = try Self.plist("ios-companion/App/Info.plist")
        #expect((info["NSUserActivityTypes"] as? [String] ?? []).contains("INStartCallIntent"))
        let schemes = (info["CFBundleURLTypes"] as? [[String: Any]] ?? []).flatMap { $0["CFBundleURLSchemes"] as? [String] ?? [] }
        #expect(schemes.contains("switchboard"))
    }

    @Test("push entitlement, and one app group shared by the app and its Call Directory extension")
    func entitlements() throws {
        let app = try Self.plist("ios-companion/App/Switchboard.entitlements")
        let ext = try Self.plist("ios-companion/CallDirectory/CallDirectory.entitlements")
        #expect(app["aps-environment"] as? String != nil)
        let appGroups = app["com.apple.security.application-groups"] as? [String] ?? []
        #expect(!appGroups.isEmpty)
        #expect(appGroups == ext["com.apple.security.application-groups"] as? [String])
        let info = try Self.plist("ios-companion/App/Info.plist")
        #expect(appGroups.contains(info["SwitchboardAppGroup"] as? String ?? "-"))
    }

    @Test("the extension is a Call Directory extension")
    func extensionPoint() throws {
        let info = try Self.plist("ios-companion/CallDirectory/Info.plist")
        let ext = info["NSExtension"] as? [String: Any]
        #expect(ext?["NSExtensionPointIdentifier"] as? String == "com.apple.callkit.call-directory")
    }

    // MARK: - App Store and TestFlight

    static func file(_ path: String) throws -> Data {
        let root = try #require(Fixtures.repositoryRoot, "repository root not found")
        return try Data(contentsOf: root.appendingPathComponent(path))
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try file(path), as: UTF8.self)
    }

    @Test("an AppIcon asset catalog with the 1024 pt marketing icon, opaque as the App Store requires")
    func appIcon() throws {
        let contents = try JSONSerialization.jsonObject(with: Self.file("ios-companion/App/Assets.xcassets/AppIcon.appiconset/Contents.json"))
        let images = try #require((contents as? [String: Any])?["images"] as? [[String: Any]])
        let marketing = try #require(images.first { $0["size"] as? String == "1024x1024" && $0["idiom"] as? String == "universal" })
        let name = try #require(marketing["filename"] as? String)
        let png = try Self.file("ios-companion/App/Assets.xcassets/AppIcon.appiconset/\(name)")
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let header = [UInt8](png[16..<26])
        #expect(header[0..<4] == [0, 0, 4, 0] && header[4..<8] == [0, 0, 4, 0], "1024 × 1024 pixels")
        #expect(header[9] == 2, "colour type 2: RGB, no alpha channel")
        let project = try Self.text("ios-companion/project.yml")
        #expect(project.contains("ASSETCATALOG_COMPILER_APPICON_NAME: AppIcon"))
    }

    @Test("PrivacyInfo.xcprivacy: no tracking, and the reason for UserDefaults (a required-reason API)")
    func privacyManifest() throws {
        let manifest = try Self.plist("ios-companion/App/PrivacyInfo.xcprivacy")
        #expect(manifest["NSPrivacyTracking"] as? Bool == false)
        #expect((manifest["NSPrivacyTrackingDomains"] as? [String])?.isEmpty == true)
        let apis = manifest["NSPrivacyAccessedAPITypes"] as? [[String: Any]] ?? []
        let defaults = apis.first { $0["NSPrivacyAccessedAPIType"] as? String == "NSPrivacyAccessedAPICategoryUserDefaults" }
        #expect(defaults?["NSPrivacyAccessedAPITypeReasons"] as? [String] == ["CA92.1"])
        let collected = manifest["NSPrivacyCollectedDataTypes"] as? [[String: Any]] ?? []
        #expect(!collected.isEmpty)
        #expect(collected.allSatisfy { $0["NSPrivacyCollectedDataTypeTracking"] as? Bool == false })
        // Bundled as a resource of the app target, not compiled or left out.
        #expect(try Self.text("ios-companion/project.yml").contains("path: App/PrivacyInfo.xcprivacy\n        buildPhase: resources"))
    }

    @Test("iPad: all four orientations, as multitasking requires")
    func iPadOrientations() throws {
        let info = try Self.plist("ios-companion/App/Info.plist")
        let iPad = Set(info["UISupportedInterfaceOrientations~ipad"] as? [String] ?? [])
        #expect(iPad == [
            "UIInterfaceOrientationPortrait", "UIInterfaceOrientationPortraitUpsideDown",
            "UIInterfaceOrientationLandscapeLeft", "UIInterfaceOrientationLandscapeRight",
        ] || info["UIRequiresFullScreen"] as? Bool == true)
    }

    @Test("the app and its extension build in Swift 6 language mode, strict concurrency complete")
    func swift6() throws {
        let project = try Self.text("ios-companion/project.yml")
        #expect(project.contains("SWIFT_VERSION: \"6.0\""))
        #expect(!project.contains("SWIFT_VERSION: \"5"))
        #expect(project.contains("SWIFT_STRICT_CONCURRENCY: complete"))
    }

    @Test("PushKit's completion is @Sendable, as Apple declares it")
    func pushKitCompletion() throws {
        let source = try Self.text("ios-companion/App/Live/PushKitRegistry.swift")
        #expect(source.contains("completion: @escaping @Sendable () -> Void"))
    }
}
