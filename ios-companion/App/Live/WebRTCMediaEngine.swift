import AVFoundation
import CompanionCore
import CoreMedia
import Foundation
@preconcurrency import WebRTC

/// One WebRTC peer connection per call with the console's renderer, signaled over `rtc:signal`.
/// The console makes every offer (once the call is answered, and to restart ICE); what the phone
/// does about each signal is decided by CompanionCore's `AnswererState` (the shared answerer
/// rules, pinned by `shared/fixtures/rtc-sequence`); this adapter only carries its effects out.
/// Sound follows `CallAudioSession` (manual audio), not this engine.
@MainActor
final class WebRTCMediaEngine: NSObject, MediaEngineProtocol {
    private static let factory: RTCPeerConnectionFactory = {
        RTCInitializeSSL()
        return RTCPeerConnectionFactory(
            encoderFactory: RTCDefaultVideoEncoderFactory(),
            decoderFactory: RTCDefaultVideoDecoderFactory()
        )
    }()

    private let iceServers: [String]
    /// `rtc:ice` for a call (RtcIceClient); nil falls back to the app's own `iceServers`.
    private let fetchIce: @MainActor (CallID) async -> RtcIce?
    private weak var delegate: (any MediaEngineDelegate)?
    private var sessions: [CallID: MediaSession] = [:]

    init(iceServers: [String], fetchIce: @escaping @MainActor (CallID) async -> RtcIce? = { _ in nil }) {
        self.iceServers = iceServers
        self.fetchIce = fetchIce
    }

    func setDelegate(_ delegate: any MediaEngineDelegate) {
        self.delegate = delegate
    }

    /// The remote video track of a video call, for an in-call video view.
    func remoteVideoTrack(for callId: CallID) -> RTCVideoTrack? {
        sessions[callId]?.remoteVideoTrack
    }

    // MARK: - MediaEngineProtocol

    func prepare(callId: CallID, video: Bool) {
        guard sessions[callId] == nil else { return }
        sessions[callId] = MediaSession(video: video)
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
        sessions.removeValue(forKey: callId)
    }

    // MARK: - The answerer's effects (main actor)

    private func apply(_ input: AnswererInput, to callId: CallID) {
        guard let session = sessions[callId] else { return }
        for effect in session.answerer.step(input) {
            perform(effect, session, callId)
        }
    }

    private func perform(_ effect: AnswererEffect, _ session: MediaSession, _ callId: CallID) {
        switch effect {
        case .fetchIce:
            Task { @MainActor [weak self] in
                guard let self else { return }
                let ice = await self.fetchIce(callId) ?? self.fallbackIce
                self.apply(.ice(ice), to: callId)
            }
        case let .createPeer(ice):
            createPeer(session, callId, ice)
        case let .configure(ice):
            _ = session.peer?.setConfiguration(Self.configuration(ice))
        case let .setRemoteOffer(sdp):
            session.peer?.setRemoteDescription(RTCSessionDescription(type: .offer, sdp: sdp)) { [weak self] error in
                let failure = error?.localizedDescription
                Task { @MainActor in
                    self?.apply(failure.map { AnswererInput.negotiationFailed(reason: "remote offer refused: \($0)") } ?? .remoteSet, to: callId)
                }
            }
        case let .addCandidate(candidate):
            let ice = RTCIceCandidate(sdp: candidate.candidate, sdpMLineIndex: Int32(candidate.sdpMLineIndex ?? 0), sdpMid: candidate.sdpMid)
            session.peer?.add(ice) { _ in }
        case .createAnswer:
            createAnswer(session, callId)
        case let .send(signal):
            delegate?.mediaEngine(produced: signal, for: callId)
        case .closePeer:
            session.capturer?.stopCapture()
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
        let observer = PeerObserver(callId: callId, engine: self)
        guard let peer = Self.factory.peerConnection(with: Self.configuration(ice), constraints: constraints, delegate: observer) else {
            return apply(.negotiationFailed(reason: "could not create a peer connection"), to: callId)
        }
        session.peer = peer
        session.observer = observer
        let audioSource = Self.factory.audioSource(with: RTCMediaConstraints(mandatoryConstraints: nil, optionalConstraints: nil))
        let audioTrack = Self.factory.audioTrack(with: audioSource, trackId: "audio-\(callId)")
        _ = peer.add(audioTrack, streamIds: ["switchboard"])
        session.audioTrack = audioTrack
        if session.video {
            let videoSource = Self.factory.videoSource()
            let capturer = RTCCameraVideoCapturer(delegate: videoSource)
            let videoTrack = Self.factory.videoTrack(with: videoSource, trackId: "video-\(callId)")
            _ = peer.add(videoTrack, streamIds: ["switchboard"])
            session.capturer = capturer
            startFrontCamera(capturer)
        }
        session.applyTrackState()
    }

    private func createAnswer(_ session: MediaSession, _ callId: CallID) {
        guard let peer = session.peer else { return }
        let constraints = RTCMediaConstraints(
            mandatoryConstraints: [
                kRTCMediaConstraintsOfferToReceiveAudio: kRTCMediaConstraintsValueTrue,
                kRTCMediaConstraintsOfferToReceiveVideo: session.video ? kRTCMediaConstraintsValueTrue : kRTCMediaConstraintsValueFalse,
            ],
            optionalConstraints: nil
        )
        peer.answer(for: constraints) { [weak self] description, error in
            let sdp = description?.sdp
            let failure = error?.localizedDescription
            Task { @MainActor in self?.didCreateAnswer(callId, sdp: sdp, failure: failure) }
        }
    }

    private func didCreateAnswer(_ callId: CallID, sdp: String?, failure: String?) {
        guard let peer = sessions[callId]?.peer else { return }
        guard let sdp else { return apply(.negotiationFailed(reason: "could not answer: \(failure ?? "no SDP")"), to: callId) }
        peer.setLocalDescription(RTCSessionDescription(type: .answer, sdp: sdp)) { [weak self] error in
            let failure = error?.localizedDescription
            Task { @MainActor in
                self?.apply(failure.map { AnswererInput.negotiationFailed(reason: "local answer refused: \($0)") } ?? .localAnswer(sdp: sdp), to: callId)
            }
        }
    }

    // MARK: - Peer events (hopped to the main actor by PeerObserver)

    fileprivate func peer(_ callId: CallID, generated candidate: RtcCandidate) {
        apply(.localCandidate(candidate), to: callId)
    }

    fileprivate func peer(_ callId: CallID, iceStateChanged state: RTCIceConnectionState) {
        guard sessions[callId] != nil else { return }
        switch state {
        case .connected, .completed:
            delegate?.mediaEngineDidConnect(callId: callId)
        case .failed:
            // The console restarts ICE (it makes every offer); a console that is gone for good
            // ends the call on the server after its reconnect grace.
            AppLog.media.error("\(callId.wireValue, privacy: .public): ICE failed, waiting for the console's restart")
        default:
            break
        }
    }

    fileprivate func peer(_ callId: CallID, addedRemoteVideo track: RTCVideoTrack) {
        sessions[callId]?.remoteVideoTrack = track
    }

    private func startFrontCamera(_ capturer: RTCCameraVideoCapturer) {
        guard let camera = RTCCameraVideoCapturer.captureDevices().first(where: { $0.position == .front }) else { return }
        // A modest format: the console shows a small tile, and the phone may be on cellular.
        let formats = RTCCameraVideoCapturer.supportedFormats(for: camera)
        let format = formats.first { CMVideoFormatDescriptionGetDimensions($0.formatDescription).width >= 640 } ?? formats.last
        guard let format else { return }
        let fps = min(30, Int(format.videoSupportedFrameRateRanges.map(\.maxFrameRate).max() ?? 30))
        capturer.startCapture(with: camera, format: format, fps: fps)
    }
}

// MARK: - Per-call state

@MainActor
private final class MediaSession {
    let video: Bool
    var answerer = AnswererState()
    var peer: RTCPeerConnection?
    /// Retained here: the peer connection holds its delegate weakly.
    var observer: PeerObserver?
    var audioTrack: RTCAudioTrack?
    var capturer: RTCCameraVideoCapturer?
    var remoteVideoTrack: RTCVideoTrack?
    var muted = false
    var held = false

    init(video: Bool) {
        self.video = video
    }

    /// Mute silences the microphone; hold silences both directions.
    func applyTrackState() {
        audioTrack?.isEnabled = !muted && !held
        for receiver in peer?.receivers ?? [] {
            receiver.track?.isEnabled = !held
        }
    }
}

// MARK: - RTCPeerConnectionDelegate

/// WebRTC calls its delegate on its signaling thread: only Sendable values cross to the main actor.
private final class PeerObserver: NSObject, RTCPeerConnectionDelegate, @unchecked Sendable {
    private let callId: CallID
    private weak var engine: WebRTCMediaEngine?

    init(callId: CallID, engine: WebRTCMediaEngine) {
        self.callId = callId
        self.engine = engine
    }

    func peerConnection(_ peerConnection: RTCPeerConnection, didGenerate candidate: RTCIceCandidate) {
        let generated = RtcCandidate(candidate: candidate.sdp, sdpMid: candidate.sdpMid, sdpMLineIndex: Int(candidate.sdpMLineIndex))
        let callId = callId
        Task { @MainActor [weak engine] in engine?.peer(callId, generated: generated) }
    }

    func peerConnection(_ peerConnection: RTCPeerConnection, didChange newState: RTCIceConnectionState) {
        let callId = callId
        Task { @MainActor [weak engine] in engine?.peer(callId, iceStateChanged: newState) }
    }

    func peerConnection(_ peerConnection: RTCPeerConnection, didAdd rtpReceiver: RTCRtpReceiver, streams mediaStreams: [RTCMediaStream]) {
        guard let track = rtpReceiver.track as? RTCVideoTrack else { return }
        let callId = callId
        nonisolated(unsafe) let videoTrack = track
        Task { @MainActor [weak engine] in engine?.peer(callId, addedRemoteVideo: videoTrack) }
    }

    func peerConnection(_ peerConnection: RTCPeerConnection, didChange stateChanged: RTCSignalingState) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didAdd stream: RTCMediaStream) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didRemove stream: RTCMediaStream) {}
    func peerConnectionShouldNegotiate(_ peerConnection: RTCPeerConnection) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didChange newState: RTCIceGatheringState) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didRemove candidates: [RTCIceCandidate]) {}
    func peerConnection(_ peerConnection: RTCPeerConnection, didOpen dataChannel: RTCDataChannel) {}
}
