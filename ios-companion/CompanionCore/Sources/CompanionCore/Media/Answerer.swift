import Foundation

/// One ICE candidate as it travels in `rtc:signal` (without the signal's `type`).
public struct RtcCandidate: Codable, Equatable, Sendable {
    public var candidate: String
    public var sdpMid: String?
    public var sdpMLineIndex: Int?

    public init(candidate: String, sdpMid: String?, sdpMLineIndex: Int?) {
        self.candidate = candidate
        self.sdpMid = sdpMid
        self.sdpMLineIndex = sdpMLineIndex
    }

    private enum CodingKeys: String, CodingKey { case candidate, sdpMid, sdpMLineIndex }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        candidate = try c.decodeString(.candidate, max: 2_000)
        sdpMid = try c.decodeNullableString(.sdpMid, max: 64)
        sdpMLineIndex = try c.decodeNullable(Int.self, forKey: .sdpMLineIndex)
        if let index = sdpMLineIndex, index < 0 { throw c.fail(.sdpMLineIndex, "must not be negative") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(candidate, forKey: .candidate)
        try c.encode(sdpMid, forKey: .sdpMid)
        try c.encode(sdpMLineIndex, forKey: .sdpMLineIndex)
    }

    var signal: RtcSignal { .candidate(candidate: candidate, sdpMid: sdpMid, sdpMLineIndex: sdpMLineIndex) }
}

/// What happens to the phone's side of a call's media (`answererInputSchema`).
public enum AnswererInput: Equatable, Sendable {
    /// The call is answered (this phone answered it, or an agent accepted the phone's call).
    case answered
    /// `rtc:ice` answered.
    case ice(RtcIce)
    /// `rtc:ice` refused or unanswered.
    case iceUnavailable
    /// A signal from the console.
    case signal(RtcSignal)
    /// setRemoteDescription(offer) completed.
    case remoteSet
    /// createAnswer and setLocalDescription completed.
    case localAnswer(sdp: String)
    case negotiationFailed(reason: String)
    case localCandidate(RtcCandidate)
    /// The person hung up on the phone.
    case hangup
    /// The call ended on the server (or the console's hang-up arrived first).
    case ended
    /// `video:changed`: whether the phone's camera should be sent (state `on` or `paused`).
    case video(send: Bool)
}

/// What the WebRTC adapter must do, in order (`answererEffectSchema`).
public enum AnswererEffect: Equatable, Sendable {
    case fetchIce
    case createPeer(RtcIce)
    case configure(RtcIce)
    case setRemoteOffer(sdp: String)
    case addCandidate(RtcCandidate)
    case createAnswer
    case send(RtcSignal)
    case closePeer
    /// End the call on the phone (the console said bye, or negotiation failed).
    case endCall(reason: String)
    /// Attach the camera track to the offer's video section and send on it (`send`), or detach it
    /// and only receive: after `setRemoteOffer` completed, before `createAnswer`; or at once when
    /// video goes off.
    case camera(send: Bool)
}

/// The phone's side of a call's WebRTC signaling as a pure step function, the Swift copy of
/// `shared/src/rtc-answerer.ts`; both suites replay `shared/fixtures/rtc-sequence` against it.
/// The console always offers (once the call is answered, and again to restart ICE); the phone:
/// - gets its ICE servers from the server (`rtc:ice`) before the peer connection exists, and again
///   for a restart offer (TURN credentials expire), then reconfigures the same peer;
/// - holds a candidate that arrives before its offer has been applied;
/// - negotiates one offer at a time, the latest one winning;
/// - replaces its peer when an offer comes from a new SDP session (the console was reloaded);
/// - ends the call on `bye`, and says `bye` when the person hangs up;
/// - attaches its camera to a re-offer's video section from the same session while the call's
///   video is on (or paused), detaches it otherwise, before the answer: voice is untouched; and
///   detaches it at once when the video goes off, without waiting for the console's re-offer.
public struct AnswererState: Equatable, Sendable {
    public private(set) var ice: RtcIce?
    public private(set) var fetching = false
    public private(set) var peer = false
    /// An offer has been applied: candidates may be added.
    public private(set) var remoteDescription = false
    public private(set) var negotiating = false
    /// The offer waiting for ICE servers or for the negotiation in progress.
    public private(set) var offer: String?
    /// The SDP session id of the console's peer connection this peer talks to.
    public private(set) var session: String?
    public private(set) var candidates: [RtcCandidate] = []
    public private(set) var closed = false
    /// The call's video is on or paused: the camera belongs in the next answer.
    public private(set) var video = false
    /// The offer being negotiated has a video section.
    public private(set) var offerVideo = false
    /// The camera is attached to the peer.
    public private(set) var cameraSent = false

    public init() {}

    private enum Close { case hangup, ended, bye, failed }

    /// One input in; returns what to do. Nothing happens after the end.
    public mutating func step(_ input: AnswererInput) -> [AnswererEffect] {
        if closed { return [] }
        var effects: [AnswererEffect] = []
        switch input {
        case .answered:
            if ice == nil { fetchIce(&effects) }
        case let .ice(servers):
            fetching = false
            if peer { effects.append(.configure(servers)) }
            ice = servers
        case .iceUnavailable:
            // The servers of before (or none) are better than no call.
            fetching = false
            if ice == nil { ice = .hostOnly }
        case let .signal(signal):
            switch signal {
            case .bye:
                return close(.bye, reason: "the console hung up", effects)
            case let .offer(sdp):
                receiveOffer(sdp, &effects)
            case let .candidate(candidate, sdpMid, sdpMLineIndex):
                let received = RtcCandidate(candidate: candidate, sdpMid: sdpMid, sdpMLineIndex: sdpMLineIndex)
                if remoteDescription, !negotiating, offer == nil {
                    effects.append(.addCandidate(received))
                } else {
                    candidates.append(received)
                }
            case .answer:
                break
            }
        case .remoteSet:
            // A completion that belongs to no negotiation (a replaced peer's) changes nothing.
            guard negotiating else { break }
            remoteDescription = true
            effects += candidates.map(AnswererEffect.addCandidate)
            candidates = []
            if offerVideo {
                effects.append(.camera(send: video))
                cameraSent = video
            }
            effects.append(.createAnswer)
        case let .localAnswer(sdp):
            guard negotiating else { break }
            negotiating = false
            effects.append(.send(.answer(sdp: sdp)))
            // An offer that came during this negotiation is a restart: fresh ICE servers first.
            if offer != nil { fetchIce(&effects) }
        case let .negotiationFailed(reason):
            return close(.failed, reason: "media negotiation failed: \(reason)", effects)
        case let .localCandidate(candidate):
            effects.append(.send(candidate.signal))
        case .hangup:
            return close(.hangup, reason: "", effects)
        case .ended:
            return close(.ended, reason: "", effects)
        case let .video(send):
            video = send
            if !send, cameraSent {
                effects.append(.camera(send: false))
                cameraSent = false
            }
        }
        negotiateIfReady(&effects)
        return effects
    }

    /// The session id of an SDP's origin line (`o=<user> <session id> <version> …`, RFC 4566 5.2).
    public static func sdpSession(_ sdp: String) -> String? {
        // `isNewline`: in Swift "\r\n" is one Character, equal to neither "\r" nor "\n".
        for line in sdp.split(omittingEmptySubsequences: true, whereSeparator: { $0.isNewline }) {
            guard line.hasPrefix("o=") else { continue }
            // As `/^o=\S+ (\S+) /m`: a user, one space, the id, one more space.
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 2, !fields[0].isEmpty, !fields[1].isEmpty else { continue }
            return String(fields[1])
        }
        return nil
    }

    /// `/^m=video /m`: the SDP has a video media section (RFC 4566 5.14).
    public static func hasVideoSection(_ sdp: String) -> Bool {
        sdp.split(whereSeparator: { $0.isNewline }).contains { $0.hasPrefix("m=video ") }
    }

    /// Whether the console sends video in this offer (its camera is on: two-way video): a video
    /// section with a port (0 rejects it) whose direction is `sendrecv` (the default) or `sendonly`
    /// (RFC 3264 5.1, RFC 8866 6.7).
    public static func offerSendsVideo(_ sdp: String) -> Bool {
        var inVideo = false
        var sends = false
        for line in sdp.split(whereSeparator: { $0.isNewline }) {
            if line.hasPrefix("m=") {
                if inVideo, sends { return true }
                let fields = line.dropFirst(2).split(separator: " ")
                inVideo = fields.first == "video" && fields.count > 1 && fields[1] != "0"
                sends = inVideo
            } else if inVideo, line == "a=recvonly" || line == "a=inactive" {
                sends = false
            }
        }
        return inVideo && sends
    }

    // MARK: - Steps

    private mutating func receiveOffer(_ sdp: String, _ effects: inout [AnswererEffect]) {
        offer = sdp
        if peer, let session, Self.sdpSession(sdp) != session {
            // The console's peer connection is a new one: so is ours, and what the old one waited for goes.
            effects.append(.closePeer)
            peer = false
            remoteDescription = false
            negotiating = false
            candidates = []
            cameraSent = false
            fetchIce(&effects)
        } else if peer, !negotiating {
            // A restart offer: TURN credentials may have expired since the call began.
            fetchIce(&effects)
        } else if ice == nil {
            fetchIce(&effects)
        }
    }

    private mutating func negotiateIfReady(_ effects: inout [AnswererEffect]) {
        guard let pending = offer, let ice, !fetching, !negotiating else { return }
        if !peer {
            effects.append(.createPeer(ice))
            peer = true
        }
        effects.append(.setRemoteOffer(sdp: pending))
        session = Self.sdpSession(pending)
        offerVideo = Self.hasVideoSection(pending)
        offer = nil
        negotiating = true
    }

    private mutating func fetchIce(_ effects: inout [AnswererEffect]) {
        guard !fetching else { return }
        fetching = true
        effects.append(.fetchIce)
    }

    private mutating func close(_ why: Close, reason: String, _ effects: [AnswererEffect]) -> [AnswererEffect] {
        var effects = effects
        if why == .hangup, peer { effects.append(.send(.bye)) }
        if peer { effects.append(.closePeer) }
        if why == .bye || why == .failed { effects.append(.endCall(reason: reason)) }
        self = AnswererState()
        closed = true
        return effects
    }
}
