import CompanionCore
import Foundation
import WebRTC

/// Video on the call's own peer connection (issue 27). The console makes every offer: an upgrade
/// is its re-offer with a video section, and CompanionCore's answerer says when the camera track
/// goes on that section (`camera` effect, after the offer is applied and before the answer) and
/// when it comes off (at once when the video ends). Voice is never touched: no new peer, no new
/// audio track, so the call does not drop across an upgrade or a downgrade.
extension WebRTCMediaEngine {
    /// `.maintainFramerate`: a hand-held camera moves; a sharp picture a second is useless to
    /// someone guiding a hand, a fluid one at a lower resolution is not (issue 27 item 3).
    static let degradation = RTCDegradationPreference.maintainFramerate

    func setVideo(sends: Bool, paused: Bool, for callId: CallID) {
        guard let session = sessions[callId] else { return }
        session.videoPaused = paused
        session.applyTrackState()
        apply(.video(send: sends), to: callId)
    }

    /// The source the camera captures into, one per call, made when first asked.
    func cameraSource(for callId: CallID) -> RTCVideoSource? {
        guard let session = sessions[callId] else { return nil }
        if let source = session.videoSource { return source }
        let source = Self.factory.videoSource()
        // 640×480 at 30 fps whatever the camera's format: what the console and the bandwidth
        // caps are sized for.
        source.adaptOutputFormat(toWidth: 640, height: 480, fps: 30)
        session.videoSource = source
        return source
    }

    /// The phone's own picture (the local preview) and the agent's camera, for the video views.
    func localVideoTrack(for callId: CallID) -> RTCVideoTrack? { sessions[callId]?.videoTrack }

    func remoteVideoTrack(for callId: CallID) -> RTCVideoTrack? {
        videoTransceiver(of: sessions[callId])?.receiver.track as? RTCVideoTrack
    }

    func setVideoBitrate(maxKbps kbps: Int, for callId: CallID) {
        guard let session = sessions[callId] else { return }
        session.maxBitrateBps = kbps * 1000
        if let sender = videoTransceiver(of: session)?.sender, sender.track != nil { configure(sender, session) }
    }

    // MARK: - The answerer's `camera` effect

    func attachCamera(_ send: Bool, _ session: MediaSession, _ callId: CallID) {
        guard let transceiver = videoTransceiver(of: session) else { return }
        // In a negotiation, the coordinator hears of it with the answer that carries it.
        if session.answerer.negotiating { session.answerCarriesCamera = send }
        var error: NSError?
        if send {
            let track = session.videoTrack ?? makeVideoTrack(session, callId)
            transceiver.sender.track = track
            transceiver.setDirection(.sendRecv, error: &error)
            configure(transceiver.sender, session)
        } else {
            transceiver.sender.track = nil
            transceiver.setDirection(.recvOnly, error: &error)
        }
        if let error {
            AppLog.media.error("\(callId.wireValue, privacy: .public): video direction: \(error.localizedDescription, privacy: .public)")
        }
        session.applyTrackState()
    }

    /// After the offer is applied: whether the agent's camera reaches the phone now.
    func followRemoteVideo(_ session: MediaSession, _ callId: CallID) {
        let receiving = session.offerSendsVideo && videoTransceiver(of: session) != nil
        guard receiving != session.remoteVideo else { return }
        session.remoteVideo = receiving
        delegate?.mediaEngine(remoteVideo: receiving, for: callId)
    }

    // MARK: - Helpers

    private func videoTransceiver(of session: MediaSession?) -> RTCRtpTransceiver? {
        session?.peer?.transceivers.first { $0.mediaType == .video }
    }

    private func makeVideoTrack(_ session: MediaSession, _ callId: CallID) -> RTCVideoTrack? {
        guard let source = cameraSource(for: callId) else { return nil }
        let track = Self.factory.videoTrack(with: source, trackId: "video-\(callId)")
        session.videoTrack = track
        return track
    }

    private func configure(_ sender: RTCRtpSender, _ session: MediaSession) {
        let parameters = sender.parameters
        parameters.degradationPreference = NSNumber(value: Self.degradation.rawValue)
        if let cap = session.maxBitrateBps {
            for encoding in parameters.encodings { encoding.maxBitrateBps = NSNumber(value: cap) }
        }
        // `parameters` is a copy: it takes effect when set back.
        sender.parameters = parameters
    }
}
