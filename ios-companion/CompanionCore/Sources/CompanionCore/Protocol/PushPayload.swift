import Foundation

// MARK: - Contents

/// `{v: 1, kind: "call", …}`: ring this phone until `ringUntil`.
public struct CallPush: Codable, Equatable, Sendable {
    public var callId: CallID
    public var handle: String
    public var callerName: String
    public var video: Bool
    public var sentAt: Int64
    public var ringUntil: Int64

    public init(callId: CallID, handle: String, callerName: String, video: Bool, sentAt: Int64, ringUntil: Int64) {
        self.callId = callId
        self.handle = handle
        self.callerName = callerName
        self.video = video
        self.sentAt = sentAt
        self.ringUntil = ringUntil
    }

    /// How long the call may ring, in the server's clock alone: `ringUntil − sentAt`.
    public var ringWindowMs: Int64 { ringUntil - sentAt }

    /// A call push whose ring window has passed since it arrived is reported, then ended at once.
    /// The phone's clock is never compared with the server's (`ringUntil` against the phone's
    /// now): a phone running ahead would take every push for stale and never ring. A push held
    /// up on its way (APNs keeps one for an offline phone) is caught by the `call:sync` that
    /// every push triggers, and by the cancel push the server sends when the call ends.
    public func isStale(elapsedSinceArrivalMs: Int64) -> Bool { elapsedSinceArrivalMs >= ringWindowMs }
}

/// `{v: 1, kind: "cancel", …}`: stop ringing (or never ring) this call.
public struct CancelPush: Codable, Equatable, Sendable {
    public var callId: CallID
    /// `nil`: a reason this app does not know (from a newer server). The call is over all the same.
    public var reason: EndReason?

    public init(callId: CallID, reason: EndReason?) {
        self.callId = callId
        self.reason = reason
    }
}

/// `pushContentSchema`: a union keyed on `kind`, carrying the protocol version `v`.
public enum PushContent: Codable, Equatable, Sendable {
    case call(CallPush)
    case cancel(CancelPush)

    public var callId: CallID {
        switch self {
        case let .call(push): push.callId
        case let .cancel(push): push.callId
        }
    }

    private enum CodingKeys: String, CodingKey {
        case v, kind, callId, handle, callerName, video, sentAt, ringUntil, reason
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .v)
        guard version == WireProtocol.version else {
            throw c.fail(.v, "protocol version \(version); this app speaks \(WireProtocol.version)")
        }
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "call":
            self = try .call(CallPush(
                callId: c.decode(CallID.self, forKey: .callId),
                handle: c.decodeString(.handle, max: 64),
                callerName: c.decodeString(.callerName, max: 120),
                video: c.decode(Bool.self, forKey: .video),
                sentAt: c.decodeEpochMs(.sentAt),
                ringUntil: c.decodeEpochMs(.ringUntil)
            ))
        case "cancel":
            self = try .cancel(CancelPush(
                callId: c.decode(CallID.self, forKey: .callId),
                reason: c.decode(EndReason.self, forKey: .reason)
            ))
        default:
            throw c.fail(.kind, "unknown push kind \(kind)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(WireProtocol.version, forKey: .v)
        switch self {
        case let .call(push):
            try c.encode("call", forKey: .kind)
            try c.encode(push.callId, forKey: .callId)
            try c.encode(push.handle, forKey: .handle)
            try c.encode(push.callerName, forKey: .callerName)
            try c.encode(push.video, forKey: .video)
            try c.encode(push.sentAt, forKey: .sentAt)
            try c.encode(push.ringUntil, forKey: .ringUntil)
        case let .cancel(push):
            try c.encode("cancel", forKey: .kind)
            try c.encode(push.callId, forKey: .callId)
            try c.encodeIfPresent(push.reason, forKey: .reason)
        }
    }
}

/// The whole VoIP push body: `{"switchboard": {…}}` (`pushPayloadSchema`).
public struct PushPayload: Codable, Equatable, Sendable {
    public var content: PushContent

    public init(_ content: PushContent) {
        self.content = content
    }

    private enum CodingKeys: String, CodingKey {
        case content = "switchboard"
    }
}

// MARK: - Parsing that never fails

/// What the phone makes of one VoIP push. There is no "ignore" case: iOS terminates an app that
/// does not report a VoIP push to CallKit, so even garbage yields a call to report and end.
public enum ParsedPush: Equatable, Sendable {
    case call(CallPush)
    case cancel(CancelPush)
    /// Still carries the call id when one could be read, so that call is the one reported and ended.
    case malformed(reason: String, callId: CallID?)

    public var callId: CallID? {
        switch self {
        case let .call(push): push.callId
        case let .cancel(push): push.callId
        case let .malformed(_, callId): callId
        }
    }
}

extension PushPayload {
    /// `PKPushPayload.dictionaryPayload` as JSON bytes, or empty data (which `parse` reports as
    /// malformed) when it holds something JSON cannot: `JSONSerialization.data(withJSONObject:)`
    /// raises an Objective-C exception for such a value, which `try?` does not catch, and the app
    /// would die with its push unreported.
    public static func data(fromDictionary dictionary: [AnyHashable: Any]) -> Data {
        guard JSONSerialization.isValidJSONObject(dictionary) else { return Data() }
        return (try? JSONSerialization.data(withJSONObject: dictionary)) ?? Data()
    }

    /// Never throws (mirrors `parsePushPayload` in `shared/src/push.ts`).
    public static func parse(_ data: Data) -> ParsedPush {
        guard data.count <= WireProtocol.voipPayloadLimit else {
            return .malformed(reason: "payload larger than \(WireProtocol.voipPayloadLimit) bytes", callId: nil)
        }
        do {
            switch try JSONDecoder().decode(PushPayload.self, from: data).content {
            case let .call(push): return .call(push)
            case let .cancel(push): return .cancel(push)
            }
        } catch {
            let callId = (try? JSONDecoder().decode(SalvageID.self, from: data))?.switchboard?.callId.flatMap(CallID.init)
            let kind = (try? JSONDecoder().decode(SalvageKind.self, from: data))?.switchboard
            if let callId, kind?.v == WireProtocol.version, kind?.kind == "cancel" {
                // A cancel whose reason this app does not know still ends the call it names.
                return .cancel(CancelPush(callId: callId, reason: nil))
            }
            return .malformed(reason: describe(error), callId: callId)
        }
    }

    private struct SalvageID: Decodable {
        struct Inner: Decodable { var callId: String? }
        var switchboard: Inner?
    }

    private struct SalvageKind: Decodable {
        struct Inner: Decodable {
            var v: Int
            var kind: String
        }
        var switchboard: Inner
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "payload is not JSON" }
        switch error {
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): required"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "\(path(context.codingPath)): wrong type"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "payload is not JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "invalid payload"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map(\.stringValue).joined(separator: ".")
    }
}
