import Foundation

/// The WebRTC side of a call: one peer connection per call with the console, signaled over the
/// server. Nothing it does makes sound; audio follows `AudioSessionProtocol`.
@MainActor
public protocol MediaEngineProtocol: AnyObject {
    func setDelegate(_ delegate: any MediaEngineDelegate)
    /// Creates the peer connection and local tracks for an answered (or placed) call.
    func prepare(callId: CallID, video: Bool)
    func handle(_ signal: RtcSignal, for callId: CallID)
    func setMuted(_ muted: Bool, for callId: CallID)
    func setHeld(_ held: Bool, for callId: CallID)
    func close(callId: CallID)
    /// The answer to `mediaEngineNeedsIce(for:)`: the server's STUN/TURN servers, or nil when it
    /// refused or did not answer in time (the engine goes on with its configured ones).
    func provideIce(_ ice: RtcIce?, for callId: CallID)
    /// Whether the phone's camera goes out in the call (issue 27): the engine attaches its camera
    /// track to the video section of the console's next offer, on the same peer connection, and
    /// detaches it at once when `sends` turns false (no renegotiation needed to stop sending).
    /// `paused`: the track stays negotiated and sends nothing.
    func setVideo(sends: Bool, paused: Bool, for callId: CallID)
    /// The team's cap on the phone's video bitrate (`video:changed.maxKbps`), with WebRTC's
    /// degradation preference kept at maintain-framerate.
    func setVideoBitrate(maxKbps: Int, for callId: CallID)
}

@MainActor
public protocol MediaEngineDelegate: AnyObject {
    func mediaEngine(produced signal: RtcSignal, for callId: CallID)
    func mediaEngineDidConnect(callId: CallID)
    func mediaEngineDidFail(callId: CallID, reason: String)
    /// The engine needs the call's ICE servers (before its peer connection, and again before an
    /// ICE restart: TURN credentials expire). Answered with `provideIce(_:for:)`.
    func mediaEngineNeedsIce(for callId: CallID)
    /// How the call sounded so far (its `QualityMeter` said it is time), or its last word when the
    /// media closed: sent to the server as `quality:report`.
    func mediaEngine(measured summary: QualitySummary, for callId: CallID)
    /// An answer went out with (`sending`) or without the camera attached to a video section.
    func mediaEngine(videoNegotiated sending: Bool, for callId: CallID)
    /// The console's video (the agent turned their camera on or off) reaches the phone or stops.
    func mediaEngine(remoteVideo: Bool, for callId: CallID)
}
