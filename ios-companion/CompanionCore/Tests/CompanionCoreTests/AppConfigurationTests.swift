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
}
