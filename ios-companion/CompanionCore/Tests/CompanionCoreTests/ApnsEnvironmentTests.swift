import Foundation
import Testing
@testable import CompanionCore

/// Which APNs gateway the phone's token belongs to is decided by how the app was signed (the
/// `aps-environment` entitlement of its provisioning profile), not by the build configuration: a
/// Release build run from Xcode still gets sandbox tokens, an ad-hoc Debug build production ones.
@Suite("APNs environment from the signed entitlement")
struct ApnsEnvironmentTests {
    /// `embedded.mobileprovision`: a CMS envelope (binary) around an XML property list.
    static func profile(apsEnvironment: String?) -> Data {
        let entitlement = apsEnvironment.map { "<key>aps-environment</key><string>\($0)</string>" } ?? ""
        let plist = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0"><dict><key>Name</key><string>Switchboard Dev</string>
        <key>Entitlements</key><dict>\(entitlement)<key>application-identifier</key><string>T.com.example</string></dict>
        </dict></plist>
        """
        return Data([0x30, 0x82, 0x4E, 0x12, 0x06, 0x09, 0x2A, 0x86, 0xFF]) + Data(plist.utf8) + Data([0xA0, 0x82, 0x00, 0x31])
    }

    @Test("a development profile means sandbox tokens")
    func development() {
        #expect(ApnsEnvironment(provisioningProfile: Self.profile(apsEnvironment: "development")) == .sandbox)
    }

    @Test("an ad-hoc or enterprise profile means production tokens")
    func production() {
        #expect(ApnsEnvironment(provisioningProfile: Self.profile(apsEnvironment: "production")) == .production)
    }

    @Test("no profile (App Store and TestFlight builds carry none) means production")
    func noProfile() {
        #expect(ApnsEnvironment(provisioningProfile: nil) == .production)
    }

    @Test("a profile without the entitlement, or unreadable, means production")
    func unreadable() {
        #expect(ApnsEnvironment(provisioningProfile: Self.profile(apsEnvironment: nil)) == .production)
        #expect(ApnsEnvironment(provisioningProfile: Data("not a profile".utf8)) == .production)
        #expect(ApnsEnvironment(provisioningProfile: Data([0x3C, 0x3F, 0x78, 0x6D, 0x6C])) == .production)
    }
}
