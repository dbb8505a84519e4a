import CompanionCore
import Foundation
import WebRTC

/// One WebRTC peer connection per call with the console's renderer, signaled over `rtc:signal`.
/// The console makes every offer (once the call is answered, and again to restart ICE); what the
/// phone does about each signal is decided by CompanionCore's `AnswererState` (the shared answerer
/// rules, pinned by `shared/fixtures/rtc-sequence`); this adapter only carries its effects out.
/// Video (issue 27) is the same peer connection renegotiated: `WebRTCMediaEngine+Video.swift`.
/// Sound follows `CallAudioSession` (manual audio), not this engine.
/// Once a second it reads the peer's statistics for the call's quality (issue 25 item 8): what
/// they mean, and when to report, is CompanionCore's (`StatsReading`, `QualityMeter`).
///
/// Threads: this engine lives on the main actor. WebRTC calls its delegate and its completion
/// blocks on its signalling thread (webrtc `api/peer_connection_interface.h`: "the observer
/// callbacks are invoked on the signaling thread"). Every one of them is a `@Sendable` closure or
/// a nonisolated method that turns what WebRTC gave into Sendable values and hops to the main actor
/// explicitly: a closure written here without `@Sendable` would be inferred main-actor isolated,
/// and Swift 6 traps when WebRTC runs it on the signalling thread.
@MainActor
final class WebRTCMediaEngine: NSObject, MediaEngineProtocol {
    static let factory: RTCPeerConnectionFactory = {
        RTCInitializeSSL()
        return RTCPeerConnectionFactory(
            encoderFactory: RTCDefaultVideoEncoderFactory(),
            decoderFactory: RTCDefaultVideoDecoderFactory()
        )
    }()

    private let iceServers: [String]
    weak var delegate: (any MediaEngineDelegate)?
    var sessions: [CallID: MediaSession] = [:]

    /// `iceServers`: the app's own, used when the server's (`rtc:ice`, asked by the coordinator)
    /// cannot be had.
    init(iceServers: [String]) {
        self.iceServers = iceServers
    }

    func setDelegate(_ delegate: any MediaEngineDelegate) {
        self.delegate = delegate
    }

    // MARK: - MediaEngineProtocol

    func prepare(callId: CallID, video: Bool) {
        guard sessions[callId] == nil else { return }
        sessions[callId] = MediaSession()
        apply(.answered, to: callId)
    }

    func handle(_ signal: RtcSignal, for callId: CallID) {
        apply(.signal(signal), to: callId)
    }

    func setMuted(_ muted: Bool, for callId: CallID) {
        guard let session = sessions[callId] else { return }
        session.muted = muted
        session.applyTrackState()
    }

    func setHeld(_ held: Bool, for callId: CallID) {
        guard let session = sessions[callId] else { return }
        session.held = held
        session.applyTrackState()
    }

    func close(callId: CallID) {
        apply(.ended, to: callId)
        guard let session = sessions.removeValue(forKey: callId) else { return }
        session.statsTimer?.invalidate()
        if let last = session.meter.finish() { delegate?.mediaEngine(measured: last, for: callId) }
    }

    func provideIce(_ ice: RtcIce?, for callId: CallID) {
        apply(.ice(ice ?? fallbackIce), to: callId)
    }

    // MARK: - The answerer's effects (main actor)

    func apply(_ input: AnswererInput, to callId: CallID) {
        guard let session = sessions[callId] else { return }
        for effect in session.answerer.step(input) {
            perform(effect, session, callId)
        }
    }

    private func perform(_ effect: AnswererEffect, _ session: MediaSession, _ callId: CallID) {
        switch effect {
        case .fetchIce:
            // The coordinator asks the server over a connected socket and answers with provideIce.
            delegate?.mediaEngineNeedsIce(for: callId)
        case let .createPeer(ice):
            createPeer(session, callId, ice)
        case let .configure(ice):
            _ = session.peer?.setConfiguration(Self.configuration(ice))
        case let .setRemoteOffer(sdp):
            session.offerSendsVideo = AnswererState.offerSendsVideo(sdp)
            session.peer?.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: sdp)) { @Sendable [weak self] error in
                let input = error.map { AnswererInput.negotiationFailed(reason: "remote offer refused: \($0.localizedDescription)") }
                    ?? .remoteSet
                Task { @MainActor in self?.apply(input, to: callId) }
            }
        case let .addCandidate(candidate):
            let ice = RTCIceCandidate(sdp: candidate.candidate, sdpMLineIndex: Int32(candidate.sdpMLineIndex ?? 0), sdpMid: candidate.sdpMid)
            session.peer?.add(ice) { @Sendable _ in }
        case .createAnswer:
            followRemoteVideo(session, callId)
            createAnswer(session, callId)
        case let .camera(send):
            attachCamera(send, session, callId)
        case let .send(signal):
            delegate?.mediaEngine(produced: signal, for: callId)
            if case .answer = signal, let sent = session.answerCarriesCamera {
                session.answerCarriesCamera = nil
                delegate?.mediaEngine(videoNegotiated: sent, for: callId)
            }
        case .closePeer:
            session.peer?.close()
            session.peer = nil
        case let .endCall(reason):
            AppLog.media.error("\(callId.wireValue, privacy: .public): \(reason, privacy: .public)")
            delegate?.mediaEngineDidFail(callId: callId, reason: reason)
        }
    }

    /// The app's configured servers, when the server's could not be had.
    private var fallbackIce: RtcIce {
        RtcIce(iceServers: iceServers.isEmpty ? [] : [IceServer(urls: iceServers)], iceTransportPolicy: .all, expiresAt: nil)
    }

    private static func configuration(_ ice: RtcIce) -> RTCConfiguration {
        let configuration = RTCConfiguration()
        configuration.iceServers = ice.iceServers.map {
            RTCIceServer(urlStrings: $0.urls, username: $0.username, credential: $0.credential)
        }
        configuration.iceTransportPolicy = ice.iceTransportPolicy == .relay ? .relay : .all
        configuration.sdpSemantics = .unifiedPlan
        configuration.continualGatheringPolicy = .gatherContinually
        return configuration
    }

    private func createPeer(_ session: MediaSession, _ callId: CallID, _ ice: RtcIce) {
        let constraints = RTCMediaConstraints(
            mandatoryConstraints: nil,
            optionalConstraints: ["DtlsSrtpKeyAgreement": kRTCMediaConstraintsValueTrue]
        )
        let observer = PeerObserver(callId: callId) { [weak self] event in
            Task { @MainActor in self?.peer(callId, event) }
        }
        guard let peer = Self.factory.peerConnection(with: Self.configuration(ice), constraints: constraints, delegate: observer) else {
            return apply(.negotiationFailed(reason: "could not create a peer connection"), to: callId)
        }
        session.peer = peer
        session.observer = observer
        let audioSource = Self.factory.audioSource(with: RTCMediaConstraints(mandatoryConstraints: nil, optionalConstraints: nil))
        let audioTrack = Self.factory.audioTrack(with: audioSource, trackId: "audio-\(callId)")
        _ = peer.add(audioTrack, streamIds: ["switchboard"])
        session.audioTrack = audioTrack
        session.applyTrackState()
        // One timer per call, whichever peer carries it (a new session replaces the peer).
        if session.statsTimer == nil {
            session.statsTimer = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { @Sendable [weak self] _ in
                Task { @MainActor in self?.readStatistics(callId) }
            }
        }
    }

    // MARK: - Quality (issue 25 item 8)

    private func readStatistics(_ callId: CallID) {
        sessions[callId]?.peer?.statistics { @Sendable [weak self] report in
            // On WebRTC's thread: copied into Sendable values before the hop.
            let entries = report.statistics.values.map { stat in
                StatsEntry(id: stat.id, type: stat.type, values: stat.values.mapValues(Self.value))
            }
            Task { @MainActor in self?.measured(callId, entries) }
        }
    }

    private func measured(_ callId: CallID, _ entries: [StatsEntry]) {
        guard let session = sessions[callId] else { return }
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        if let summary = session.meter.read(StatsReading.sample(from: entries), at: now) {
            delegate?.mediaEngine(measured: summary, for: callId)
        }
    }

    private nonisolated static func value(_ object: NSObject) -> StatsEntry.Value {
        if let string = object as? NSString { return .string(string as String) }
        if let number = object as? NSNumber { return .number(number.doubleValue) }
        return .other
    }

    private func createAnswer(_ session: MediaSession, _ callId: CallID) {
        guard let peer = session.peer else { return }
        let constraints = RTCMediaConstraints(
            mandatoryConstraints: [
                kRTCMediaConstraintsOfferToReceiveAudio: kRTCMediaConstraintsValueTrue,
                // The console's offer decides whether there is a video section; the phone
                // receives the agent's camera when it is in it.
                kRTCMediaConstraintsOfferToReceiveVideo: kRTCMediaConstraintsValueTrue,
            ],
            optionalConstraints: nil
        )
        peer.answer(for: constraints) { @Sendable [weak self] description, error in
            let sdp = description?.sdp
            let failure = error?.localizedDescription
            Task { @MainActor in self?.didCreateAnswer(callId, sdp: sdp, failure: failure) }
        }
    }

    private func didCreateAnswer(_ callId: CallID, sdp: String?, failure: String?) {
        guard let peer = sessions[callId]?.peer else { return }
        guard let sdp else { return apply(.negotiationFailed(reason: "could not answer: \(failure ?? "no SDP")"), to: callId) }
        peer.setLocalDescription(RTCSessionDescription(type: .answer, sdp: sdp)) { @Sendable [weak self] error in
            let input = error.map { AnswererInput.negotiationFailed(reason: "local answer refused: \($0.localizedDescription)") }
                ?? .localAnswer(sdp: sdp)
            Task { @MainActor in self?.apply(input, to: callId) }
        }
    }

    // MARK: - Peer events (hopped to the main actor by PeerObserver's `forward`)

    private func peer(_ callId: CallID, _ event: PeerEvent) {
        switch event {
        case let .candidate(candidate):
            apply(.localCandidate(candidate), to: callId)
        case .iceConnected:
            guard sessions[callId] != nil else { return }
            delegate?.mediaEngineDidConnect(callId: callId)
        case .iceFailed:
            // The console restarts ICE (it makes every offer); a console that is gone for good
            // ends the call on the server after its reconnect grace.
            AppLog.media.error("\(callId.wireValue, privacy: .public): ICE failed, waiting for the console's restart")
        }
    }
}

// MARK: - Per-call state

@MainActor
final class MediaSession {
    var answerer = AnswererState()
    var peer: RTCPeerConnection?
    /// Retained here: the peer connection holds its delegate weakly.
    var observer: PeerObserver?
    var audioTrack: RTCAudioTrack?
    var meter = QualityMeter()
    var statsTimer: Timer?
    var muted = false
    var held = false
    // Video (WebRTCMediaEngine+Video.swift)
    var videoSource: RTCVideoSource?
    var videoTrack: RTCVideoTrack?
    var videoPaused = false
    var maxBitrateBps: Int?
    var offerSendsVideo = false
    var remoteVideo = false
    /// A `camera` effect in the negotiation under way: told to the coordinator with its answer.
    var answerCarriesCamera: Bool?

    /// Mute silences the microphone; hold silences both directions; a paused video sends nothing.
    func applyTrackState() {
        audioTrack?.isEnabled = !muted && !held
        videoTrack?.isEnabled = !videoPaused && !held
        for receiver in peer?.receivers ?? [] {
            receiver.track?.isEnabled = !held
        }
    }
}
