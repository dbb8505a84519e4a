import Foundation

/// WebRTC signaling, relayed by the server only between a call's own parties (`rtcSignalSchema`).
public enum RtcSignal: Codable, Equatable, Sendable {
    case offer(sdp: String)
    case answer(sdp: String)
    case candidate(candidate: String, sdpMid: String?, sdpMLineIndex: Int?)
    case bye

    private enum CodingKeys: String, CodingKey { case type, sdp, candidate, sdpMid, sdpMLineIndex }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "offer": self = try .offer(sdp: c.decodeString(.sdp, max: 20_000))
        case "answer": self = try .answer(sdp: c.decodeString(.sdp, max: 20_000))
        case "candidate":
            let index = try c.decodeNullable(Int.self, forKey: .sdpMLineIndex)
            if let index, index < 0 { throw c.fail(.sdpMLineIndex, "must not be negative") }
            self = try .candidate(
                candidate: c.decodeString(.candidate, max: 2_000),
                sdpMid: c.decodeNullableString(.sdpMid, max: 64),
                sdpMLineIndex: index
            )
        case "bye": self = .bye
        default: throw c.fail(.type, "unknown signal type \(type)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .offer(sdp):
            try c.encode("offer", forKey: .type)
            try c.encode(sdp, forKey: .sdp)
        case let .answer(sdp):
            try c.encode("answer", forKey: .type)
            try c.encode(sdp, forKey: .sdp)
        case let .candidate(candidate, sdpMid, sdpMLineIndex):
            try c.encode("candidate", forKey: .type)
            try c.encode(candidate, forKey: .candidate)
            try c.encode(sdpMid, forKey: .sdpMid)
            try c.encode(sdpMLineIndex, forKey: .sdpMLineIndex)
        case .bye:
            try c.encode("bye", forKey: .type)
        }
    }
}

/// `rtc:signal` from the phone (`rtcSignalRequestSchema`).
public struct RtcSignalRequest: Codable, Equatable, Sendable {
    public var callId: CallID
    public var signal: RtcSignal

    public init(callId: CallID, signal: RtcSignal) {
        self.callId = callId
        self.signal = signal
    }
}

/// `rtc:signal` to the phone (`rtcSignalBroadcastSchema`): who sent it travels with it.
public struct RtcSignalBroadcast: Codable, Equatable, Sendable {
    public var callId: CallID
    public var from: String
    public var signal: RtcSignal

    public init(callId: CallID, from: String, signal: RtcSignal) {
        self.callId = callId
        self.from = from
        self.signal = signal
    }

    private enum CodingKeys: String, CodingKey { case callId, from, signal }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        callId = try c.decode(CallID.self, forKey: .callId)
        from = try c.decodeEntityID(.from)
        signal = try c.decode(RtcSignal.self, forKey: .signal)
    }
}
