import Foundation

extension ApnsEnvironment {
    /// The gateway this build's VoIP tokens belong to, read from the `aps-environment`
    /// entitlement of the provisioning profile the app was signed with (`embedded.mobileprovision`
    /// in the app bundle): `development` gives sandbox tokens, `production` production ones. Sending
    /// a token to the other gateway fails with BadDeviceToken (DESIGN lesson 5).
    ///
    /// App Store and TestFlight builds carry no profile (the store strips it) and are production;
    /// so is a profile that cannot be read. The profile is a CMS envelope whose signed content is
    /// the XML property list itself, so it is found between `<?xml` and `</plist>`.
    public init(provisioningProfile data: Data?) {
        guard let data,
              let start = data.range(of: Data("<?xml".utf8)),
              let end = data.range(of: Data("</plist>".utf8), in: start.lowerBound..<data.endIndex),
              let plist = try? PropertyListSerialization.propertyList(from: data[start.lowerBound..<end.upperBound], format: nil),
              let entitlements = (plist as? [String: Any])?["Entitlements"] as? [String: Any],
              entitlements["aps-environment"] as? String == "development"
        else {
            self = .production
            return
        }
        self = .sandbox
    }
}
