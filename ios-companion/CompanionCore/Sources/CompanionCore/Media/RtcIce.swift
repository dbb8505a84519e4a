import Foundation

/// `rtc:ice {callId}` (`rtcIceRequestSchema`): the phone asks for its ICE servers once the call is
/// answered, and again before it answers an ICE restart (TURN credentials expire).
public struct RtcIceRequest: Codable, Equatable, Sendable {
    public var callId: CallID

    public init(callId: CallID) {
        self.callId = callId
    }
}

/// One STUN or TURN server (`iceServerSchema`). TURN ones carry credentials the server minted for
/// this phone and this request (the TURN REST scheme): never stored, never logged.
public struct IceServer: Codable, Equatable, Sendable {
    public var urls: [String]
    public var username: String?
    public var credential: String?

    public init(urls: [String], username: String? = nil, credential: String? = nil) {
        self.urls = urls
        self.username = username
        self.credential = credential
    }

    private enum CodingKeys: String, CodingKey { case urls, username, credential }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let urls = try c.decode([String].self, forKey: .urls)
        guard (1...10).contains(urls.count) else { throw c.fail(.urls, "must hold 1 to 10 URLs") }
        self.urls = try urls.map { try c.checkLength($0, .urls, min: 1, max: 500) }
        username = try c.decodeOptional(String.self, forKey: .username).map { try c.checkLength($0, .username, min: 0, max: 200) }
        credential = try c.decodeOptional(String.self, forKey: .credential)
            .map { try c.checkLength($0, .credential, min: 0, max: 200) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(urls, forKey: .urls)
        try c.encodeIfPresent(username, forKey: .username)
        try c.encodeIfPresent(credential, forKey: .credential)
    }
}

/// The `rtc:ice` answer (`rtcIceSchema`).
public struct RtcIce: Codable, Equatable, Sendable {
    public enum TransportPolicy: String, Codable, Sendable {
        case all
        /// The server's operator sends every call through TURN.
        case relay
    }

    public var iceServers: [IceServer]
    public var iceTransportPolicy: TransportPolicy
    /// When the TURN credentials stop working (epoch ms); nil when the server has no TURN.
    public var expiresAt: Int64?

    /// What a phone uses when the server cannot be asked: host candidates only.
    public static let hostOnly = RtcIce(iceServers: [], iceTransportPolicy: .all, expiresAt: nil)

    public init(iceServers: [IceServer], iceTransportPolicy: TransportPolicy, expiresAt: Int64?) {
        self.iceServers = iceServers
        self.iceTransportPolicy = iceTransportPolicy
        self.expiresAt = expiresAt
    }

    private enum CodingKeys: String, CodingKey { case iceServers, iceTransportPolicy, expiresAt }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        iceServers = try c.decode([IceServer].self, forKey: .iceServers)
        guard iceServers.count <= 10 else { throw c.fail(.iceServers, "must hold at most 10 servers") }
        iceTransportPolicy = try c.decode(TransportPolicy.self, forKey: .iceTransportPolicy)
        expiresAt = try c.decodeNullableEpochMs(.expiresAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(iceServers, forKey: .iceServers)
        try c.encode(iceTransportPolicy, forKey: .iceTransportPolicy)
        try c.encode(expiresAt, forKey: .expiresAt)
    }
}
