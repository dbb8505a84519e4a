import AVFoundation
import CompanionCore
import CoreMedia
import Foundation
@preconcurrency import WebRTC

/// One WebRTC peer connection per call with the console's renderer, signaled over `rtc:signal`.
/// The console makes the offer once the call is answered; the phone answers it. Sound follows
/// `CallAudioSession` (manual audio), not this engine.
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
    private weak var delegate: (any MediaEngineDelegate)?
    private var sessions: [CallID: MediaSession] = [:]

    init(iceServers: [String]) {
        self.iceServers = iceServers
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
        let configuration = RTCConfiguration()
        configuration.iceServers = iceServers.isEmpty ? [] : [RTCIceServer(urlStrings: iceServers)]
        configuration.sdpSemantics = .unifiedPlan
        configuration.continualGatheringPolicy = .gatherContinually
        let constraints = RTCMediaConstraints(
            mandatoryConstraints: nil,
            optionalConstraints: ["DtlsSrtpKeyAgreement": kRTCMediaConstraintsValueTrue]
        )
        let observer = PeerObserver(callId: callId, engine: self)
        guard let peer = Self.factory.peerConnection(with: configuration, constraints: constraints, delegate: observer) else {
            delegate?.mediaEngineDidFail(callId: callId, reason: "could not create a peer connection")
            return
        }
        let session = MediaSession(peer: peer, observer: observer)
        let audioSource = Self.factory.audioSource(with: RTCMediaConstraints(mandatoryConstraints: nil, optionalConstraints: nil))
        let audioTrack = Self.factory.audioTrack(with: audioSource, trackId: "audio-\(callId)")
        _ = peer.add(audioTrack, streamIds: ["switchboard"])
        session.audioTrack = audioTrack
        if video {
            let videoSource = Self.factory.videoSource()
            let capturer = RTCCameraVideoCapturer(delegate: videoSource)
            let videoTrack = Self.factory.videoTrack(with: videoSource, trackId: "video-\(callId)")
            _ = peer.add(videoTrack, streamIds: ["switchboard"])
            session.capturer = capturer
            startFrontCamera(capturer)
        }
        sessions[callId] = session
    }

    func handle(_ signal: RtcSignal, for callId: CallID) {
        guard let session = sessions[callId] else { return }
        switch signal {
        case let .offer(sdp):
            let offer = RTCSessionDescription(type: .offer, sdp: sdp)
            session.peer.setRemoteDescription(offer) { [weak self] error in
                let failure = error?.localizedDescription
                Task { @MainActor in self?.didSetRemoteOffer(callId, failure: failure) }
            }
        case let .answer(sdp):
            let answer = RTCSessionDescription(type: .answer, sdp: sdp)
            session.peer.setRemoteDescription(answer) { [weak self] error in
                let failure = error?.localizedDescription
                Task { @MainActor in self?.didSetRemoteDescription(callId, failure: failure) }
            }
        case let .candidate(candidate, sdpMid, sdpMLineIndex):
            let ice = RTCIceCandidate(sdp: candidate, sdpMLineIndex: Int32(sdpMLineIndex ?? 0), sdpMid: sdpMid)
            if session.hasRemoteDescription {
                session.peer.add(ice) { _ in }
            } else {
                // Candidates can overtake their offer on the relay; apply them once it is set.
                session.pendingCandidates.append(ice)
            }
        case .bye:
            close(callId: callId)
        }
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
        guard let session = sessions.removeValue(forKey: callId) else { return }
        session.capturer?.stopCapture()
        session.peer.close()
    }

    // MARK: - Negotiation steps (main actor)

    private func didSetRemoteOffer(_ callId: CallID, failure: String?) {
        guard let session = sessions[callId] else { return }
        if let failure { return fail(callId, "remote offer refused: \(failure)") }
        session.hasRemoteDescription = true
        session.flushCandidates()
        let constraints = RTCMediaConstraints(
            mandatoryConstraints: [
                kRTCMediaConstraintsOfferToReceiveAudio: kRTCMediaConstraintsValueTrue,
                kRTCMediaConstraintsOfferToReceiveVideo: session.capturer == nil ? kRTCMediaConstraintsValueFalse : kRTCMediaConstraintsValueTrue,
            ],
            optionalConstraints: nil
        )
        session.peer.answer(for: constraints) { [weak self] description, error in
            let sdp = description?.sdp
            let failure = error?.localizedDescription
            Task { @MainActor in self?.didCreateAnswer(callId, sdp: sdp, failure: failure) }
        }
    }

    private func didCreateAnswer(_ callId: CallID, sdp: String?, failure: String?) {
        guard let session = sessions[callId] else { return }
        guard let sdp else { return fail(callId, "could not answer: \(failure ?? "no SDP")") }
        session.peer.setLocalDescription(RTCSessionDescription(type: .answer, sdp: sdp)) { [weak self] error in
            let failure = error?.localizedDescription
            Task { @MainActor in
                guard let self else { return }
                if let failure { return self.fail(callId, "local answer refused: \(failure)") }
                self.delegate?.mediaEngine(produced: .answer(sdp: sdp), for: callId)
            }
        }
    }

    private func didSetRemoteDescription(_ callId: CallID, failure: String?) {
        guard let session = sessions[callId] else { return }
        if let failure { return fail(callId, "remote answer refused: \(failure)") }
        session.hasRemoteDescription = true
        session.flushCandidates()
    }

    // MARK: - Peer events (hopped to the main actor by PeerObserver)

    fileprivate func peer(_ callId: CallID, generated candidate: RtcSignal) {
        guard sessions[callId] != nil else { return }
        delegate?.mediaEngine(produced: candidate, for: callId)
    }

    fileprivate func peer(_ callId: CallID, iceStateChanged state: RTCIceConnectionState) {
        guard sessions[callId] != nil else { return }
        switch state {
        case .connected, .completed:
            delegate?.mediaEngineDidConnect(callId: callId)
        case .failed:
            fail(callId, "ICE failed")
        default:
            break
        }
    }

    fileprivate func peer(_ callId: CallID, addedRemoteVideo track: RTCVideoTrack) {
        sessions[callId]?.remoteVideoTrack = track
    }

    private func fail(_ callId: CallID, _ reason: String) {
        AppLog.media.error("\(callId.wireValue, privacy: .public): \(reason, privacy: .public)")
        close(callId: callId)
        delegate?.mediaEngineDidFail(callId: callId, reason: reason)
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
    let peer: RTCPeerConnection
    /// Retained here: the peer connection holds its delegate weakly.
    let observer: PeerObserver
    var audioTrack: RTCAudioTrack?
    var capturer: RTCCameraVideoCapturer?
    var remoteVideoTrack: RTCVideoTrack?
    var hasRemoteDescription = false
    var pendingCandidates: [RTCIceCandidate] = []
    var muted = false
    var held = false

    init(peer: RTCPeerConnection, observer: PeerObserver) {
        self.peer = peer
        self.observer = observer
    }

    func flushCandidates() {
        for candidate in pendingCandidates {
            peer.add(candidate) { _ in }
        }
        pendingCandidates = []
    }

    /// Mute silences the microphone; hold silences both directions.
    func applyTrackState() {
        audioTrack?.isEnabled = !muted && !held
        for receiver in peer.receivers {
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
        let signal = RtcSignal.candidate(
            candidate: candidate.sdp,
            sdpMid: candidate.sdpMid,
            sdpMLineIndex: Int(candidate.sdpMLineIndex)
        )
        let callId = callId
        Task { @MainActor [weak engine] in engine?.peer(callId, generated: signal) }
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
