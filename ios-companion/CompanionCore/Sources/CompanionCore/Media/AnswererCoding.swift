import Foundation

// The answerer's inputs and effects as JSON, `{type, …}` like `shared/src/rtc-answerer.ts`: how
// the recorded sequences in `shared/fixtures/rtc-sequence` are read on this side.

extension AnswererInput: Codable {
    private enum CodingKeys: String, CodingKey { case type, ice, signal, sdp, reason, candidate, send }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "answered": self = .answered
        case "ice": self = try .ice(c.decode(RtcIce.self, forKey: .ice))
        case "iceUnavailable": self = .iceUnavailable
        case "signal": self = try .signal(c.decode(RtcSignal.self, forKey: .signal))
        case "remoteSet": self = .remoteSet
        case "localAnswer": self = try .localAnswer(sdp: c.decode(String.self, forKey: .sdp))
        case "negotiationFailed": self = try .negotiationFailed(reason: c.decode(String.self, forKey: .reason))
        case "localCandidate": self = try .localCandidate(c.decode(RtcCandidate.self, forKey: .candidate))
        case "hangup": self = .hangup
        case "ended": self = .ended
        case "video": self = try .video(send: c.decode(Bool.self, forKey: .send))
        default: throw c.fail(.type, "unknown answerer input \(type)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .answered: try c.encode("answered", forKey: .type)
        case let .ice(ice):
            try c.encode("ice", forKey: .type)
            try c.encode(ice, forKey: .ice)
        case .iceUnavailable: try c.encode("iceUnavailable", forKey: .type)
        case let .signal(signal):
            try c.encode("signal", forKey: .type)
            try c.encode(signal, forKey: .signal)
        case .remoteSet: try c.encode("remoteSet", forKey: .type)
        case let .localAnswer(sdp):
            try c.encode("localAnswer", forKey: .type)
            try c.encode(sdp, forKey: .sdp)
        case let .negotiationFailed(reason):
            try c.encode("negotiationFailed", forKey: .type)
            try c.encode(reason, forKey: .reason)
        case let .localCandidate(candidate):
            try c.encode("localCandidate", forKey: .type)
            try c.encode(candidate, forKey: .candidate)
        case .hangup: try c.encode("hangup", forKey: .type)
        case .ended: try c.encode("ended", forKey: .type)
        case let .video(send):
            try c.encode("video", forKey: .type)
            try c.encode(send, forKey: .send)
        }
    }
}

extension AnswererEffect: Codable {
    private enum CodingKeys: String, CodingKey { case type, ice, sdp, candidate, signal, reason, send }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "fetchIce": self = .fetchIce
        case "createPeer": self = try .createPeer(c.decode(RtcIce.self, forKey: .ice))
        case "configure": self = try .configure(c.decode(RtcIce.self, forKey: .ice))
        case "setRemoteOffer": self = try .setRemoteOffer(sdp: c.decode(String.self, forKey: .sdp))
        case "addCandidate": self = try .addCandidate(c.decode(RtcCandidate.self, forKey: .candidate))
        case "createAnswer": self = .createAnswer
        case "send": self = try .send(c.decode(RtcSignal.self, forKey: .signal))
        case "closePeer": self = .closePeer
        case "endCall": self = try .endCall(reason: c.decode(String.self, forKey: .reason))
        case "camera": self = try .camera(send: c.decode(Bool.self, forKey: .send))
        default: throw c.fail(.type, "unknown answerer effect \(type)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .fetchIce: try c.encode("fetchIce", forKey: .type)
        case let .createPeer(ice):
            try c.encode("createPeer", forKey: .type)
            try c.encode(ice, forKey: .ice)
        case let .configure(ice):
            try c.encode("configure", forKey: .type)
            try c.encode(ice, forKey: .ice)
        case let .setRemoteOffer(sdp):
            try c.encode("setRemoteOffer", forKey: .type)
            try c.encode(sdp, forKey: .sdp)
        case let .addCandidate(candidate):
            try c.encode("addCandidate", forKey: .type)
            try c.encode(candidate, forKey: .candidate)
        case .createAnswer: try c.encode("createAnswer", forKey: .type)
        case let .send(signal):
            try c.encode("send", forKey: .type)
            try c.encode(signal, forKey: .signal)
        case .closePeer: try c.encode("closePeer", forKey: .type)
        case let .endCall(reason):
            try c.encode("endCall", forKey: .type)
            try c.encode(reason, forKey: .reason)
        case let .camera(send):
            try c.encode("camera", forKey: .type)
            try c.encode(send, forKey: .send)
        }
    }
}
