import Foundation

// MARK: - device:update

/// Sent on every PushKit token update (`deviceRequests['device:update']`).
public struct DeviceUpdate: Codable, Equatable, Sendable {
    /// The PushKit token as lowercase hex — not the alert (UNNotification) token.
    public var voipToken: String
    public var apnsEnvironment: ApnsEnvironment
    public var appVersion: String
    public var osVersion: String

    public init(voipToken: String, apnsEnvironment: ApnsEnvironment, appVersion: String, osVersion: String) {
        self.voipToken = voipToken
        self.apnsEnvironment = apnsEnvironment
        self.appVersion = appVersion
        self.osVersion = osVersion
    }

    private enum CodingKeys: String, CodingKey { case voipToken, apnsEnvironment, appVersion, osVersion }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        voipToken = try c.decode(String.self, forKey: .voipToken)
        guard WireFormat.isVoipToken(voipToken) else {
            throw c.fail(.voipToken, "expected the PushKit token as lowercase hex")
        }
        apnsEnvironment = try c.decode(ApnsEnvironment.self, forKey: .apnsEnvironment)
        appVersion = try c.decodeString(.appVersion, min: 1, max: 40)
        osVersion = try c.decodeString(.osVersion, min: 1, max: 40)
    }
}

// MARK: - call:report

/// A state change of one call as this phone saw it (`deviceRequests['call:report']`).
/// The server drops a `seq` it has already applied, so sending the same report again is safe.
public struct CallReport: Codable, Equatable, Sendable {
    public var callId: CallID
    public var event: DeviceReportEvent
    /// Only with `.ended`: `.declined` when the user rejected a ringing call.
    public var reason: EndReason?
    public var at: Int64
    /// Counts from 1 per call on the phone.
    public var seq: Int

    public init(callId: CallID, event: DeviceReportEvent, reason: EndReason? = nil, at: Int64, seq: Int) {
        precondition(reason == nil || event == .ended, "reason is only allowed with event ended")
        precondition(seq > 0, "seq counts from 1")
        self.callId = callId
        self.event = event
        self.reason = reason
        self.at = at
        self.seq = seq
    }

    private enum CodingKeys: String, CodingKey { case callId, event, reason, at, seq }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        callId = try c.decode(CallID.self, forKey: .callId)
        event = try c.decode(DeviceReportEvent.self, forKey: .event)
        reason = try c.decodeOptional(EndReason.self, forKey: .reason)
        at = try c.decodeEpochMs(.at)
        seq = try c.decode(Int.self, forKey: .seq)
        guard seq > 0 else { throw c.fail(.seq, "seq counts from 1") }
        guard reason == nil || event == .ended else {
            throw c.fail(.reason, "reason is only allowed with event \"ended\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(callId, forKey: .callId)
        try c.encode(event, forKey: .event)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(at, forKey: .at)
        try c.encode(seq, forKey: .seq)
    }
}

// MARK: - call:start

/// The phone calls the console (`deviceRequests['call:start']`).
public struct CallStart: Codable, Equatable, Sendable {
    public var video: Bool
    /// The phone's CallKit UUID for the call (`CXStartCallAction.callUUID`), which the server
    /// takes as the call's id: both sides name the call alike from the start, and a `call:start`
    /// sent again with the same id returns the same call instead of placing a second one.
    /// Optional on the wire; this app always sends it (lowercase, as every `CallID`).
    public var callId: CallID?

    public init(video: Bool = false, callId: CallID? = nil) {
        self.video = video
        self.callId = callId
    }

    private enum CodingKeys: String, CodingKey { case video, callId }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        video = try c.decodeOptional(Bool.self, forKey: .video) ?? false
        callId = try c.decodeOptional(CallID.self, forKey: .callId)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(video, forKey: .video)
        try c.encodeIfPresent(callId, forKey: .callId)
    }
}

// MARK: - call:sync

/// On every wake: which of these calls (and of all of mine) are still live?
public struct CallSync: Codable, Equatable, Sendable {
    public var callIds: [CallID]

    public init(callIds: [CallID] = []) {
        precondition(callIds.count <= WireProtocol.maxSyncCallIDs)
        self.callIds = callIds
    }

    private enum CodingKeys: String, CodingKey { case callIds }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        callIds = try c.decodeOptional([CallID].self, forKey: .callIds) ?? []
        guard callIds.count <= WireProtocol.maxSyncCallIDs else {
            throw c.fail(.callIds, "at most \(WireProtocol.maxSyncCallIDs) ids")
        }
    }
}

// MARK: - Handshake

/// The `/device` namespace's handshake (`deviceAuthSchema`): the credentials from pairing and the
/// protocol version this app speaks. The server checks the version first and refuses another one
/// with PROTOCOL_MISMATCH, saying which side to update.
public struct DeviceAuth: Codable, Equatable, Sendable {
    public var deviceId: String
    public var secret: String
    public var `protocol`: Int
    /// What this app can do beyond the base protocol (`DeviceFeature`): all of it, by default.
    /// Optional on the wire (older apps send none).
    public var features: [DeviceFeature]?

    public init(deviceId: String, secret: String, features: [DeviceFeature]? = DeviceFeature.allCases) {
        self.deviceId = deviceId
        self.secret = secret
        self.protocol = WireProtocol.version
        self.features = features
    }

    /// What Socket.IO's `connect(withPayload:)` sends as `socket.handshake.auth`.
    public var socketPayload: [String: Any] {
        var payload: [String: Any] = ["deviceId": deviceId, "secret": secret, "protocol": `protocol`]
        if let features { payload["features"] = features.map(\.rawValue) }
        return payload
    }

    private enum CodingKeys: String, CodingKey { case deviceId, secret, `protocol`, features }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        deviceId = try c.decodeEntityID(.deviceId)
        secret = try c.decodeString(.secret, min: 16, max: 200)
        `protocol` = try c.decode(Int.self, forKey: .protocol)
        guard `protocol` > 0 else { throw c.fail(.protocol, "must be a positive integer") }
        features = try c.decodeOptional([DeviceFeature].self, forKey: .features)
        if let features, features.count > DeviceFeature.allCases.count {
            throw c.fail(.features, "at most \(DeviceFeature.allCases.count) features")
        }
    }
}

// MARK: - permissions:report

/// The microphone permission as iOS reports it (`AVAudioApplication.recordPermission`), the
/// values of `MICROPHONE_PERMISSIONS` in `shared/src/roster.ts`.
public enum MicrophonePermission: String, Codable, Sendable, CaseIterable {
    case granted, denied, undetermined
}

/// `deviceRequests['permissions:report']`: without the microphone a call rings and connects in
/// silence, so the console's roster shows what this phone reports.
public struct PermissionsReport: Codable, Equatable, Sendable {
    public var microphone: MicrophonePermission

    public init(microphone: MicrophonePermission) {
        self.microphone = microphone
    }
}

// MARK: - device:unpair

/// `deviceRequests['device:unpair']`: the phone unpairs itself; the payload is an empty object.
public struct DeviceUnpair: Codable, Equatable, Sendable {
    public init() {}

    private enum CodingKeys: CodingKey {}

    public init(from decoder: any Decoder) throws {
        // An object, as `z.object({})` wants: `null` or an array is refused.
        _ = try decoder.container(keyedBy: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: CodingKeys.self)
    }
}
