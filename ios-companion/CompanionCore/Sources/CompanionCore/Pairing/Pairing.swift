import Foundation

// MARK: - POST /api/devices/pair

/// The pairing request body (`pairRequestSchema`).
public struct PairRequest: Codable, Equatable, Sendable {
    /// Normalized: spaces and dashes removed, uppercase (people type codes as `k7q2m-9x4pd`).
    public var code: String
    public var name: String
    public var model: String
    public var osVersion: String
    public var appVersion: String
    /// APNs refuses a push whose topic is not `<bundleId>.voip`, so the server needs the real one.
    public var bundleId: String
    public var apnsEnvironment: ApnsEnvironment

    public init(
        code: String,
        name: String,
        model: String,
        osVersion: String,
        appVersion: String,
        bundleId: String,
        apnsEnvironment: ApnsEnvironment
    ) {
        self.code = PairRequest.normalize(code: code)
        let name = PairRequest.sanitize(name: name)
        self.name = name.isEmpty ? model : name
        self.model = model
        self.osVersion = osVersion
        self.appVersion = appVersion
        self.bundleId = bundleId
        self.apnsEnvironment = apnsEnvironment
    }

    /// As the server does: `\s` and dashes removed, uppercase.
    public static func normalize(code: String) -> String {
        String(code.unicodeScalars.filter { !WireFormat.isJavaScriptWhitespace($0) && $0 != "-" }).uppercased()
    }

    /// The phone's name (the user's own, from Settings) as the server accepts it: without the
    /// control and text-direction override characters it refuses, trimmed, at most 120 characters.
    /// A name that ends up empty is the model's.
    public static func sanitize(name: String) -> String {
        let kept = String(String.UnicodeScalarView(name.unicodeScalars.filter { !WireFormat.isUnsafeInName($0) }))
        return String(String.UnicodeScalarView(WireFormat.trim(kept).unicodeScalars.prefix(120)))
    }

    /// Whether a typed code can be a pairing code at all, before asking the server.
    public static func isPlausible(code: String) -> Bool {
        WireFormat.isPairingCode(normalize(code: code))
    }

    private enum CodingKeys: String, CodingKey {
        case code, name, model, osVersion, appVersion, bundleId, apnsEnvironment
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = PairRequest.normalize(code: try c.decode(String.self, forKey: .code))
        guard WireFormat.isPairingCode(code) else { throw c.fail(.code, "a pairing code is 10 letters and digits") }
        name = try c.checkLength(WireFormat.trim(c.decode(String.self, forKey: .name)), .name, min: 1, max: 120)
        guard !name.unicodeScalars.contains(where: WireFormat.isUnsafeInName) else {
            throw c.fail(.name, "names cannot hold control or text-direction override characters")
        }
        model = try c.decodeString(.model, min: 1, max: 120)
        osVersion = try c.decodeString(.osVersion, min: 1, max: 40)
        appVersion = try c.decodeString(.appVersion, min: 1, max: 40)
        bundleId = try c.decode(String.self, forKey: .bundleId)
        guard WireFormat.isBundleID(bundleId) else {
            throw c.fail(.bundleId, "expected a bundle id such as com.example.app")
        }
        apnsEnvironment = try c.decode(ApnsEnvironment.self, forKey: .apnsEnvironment)
    }
}

/// The pairing response (`pairResponseSchema`): the secret goes straight to the Keychain.
public struct PairResponse: Codable, Equatable, Sendable {
    public var deviceId: String
    public var deviceSecret: String
    public var staffId: String

    public init(deviceId: String, deviceSecret: String, staffId: String) {
        self.deviceId = deviceId
        self.deviceSecret = deviceSecret
        self.staffId = staffId
    }

    private enum CodingKeys: String, CodingKey { case deviceId, deviceSecret, staffId }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        deviceId = try c.decodeEntityID(.deviceId)
        deviceSecret = try c.decode(String.self, forKey: .deviceSecret)
        staffId = try c.decodeEntityID(.staffId)
    }
}
