import CompanionCore
import Foundation

/// The media engine as far as the coordinator can tell: it asks for the call's ICE servers when
/// the call is prepared (as the WebRTC engine does), writes out what it was given, and says the
/// media connected once it has both those servers and the console's offer, as ICE would.
@MainActor
final class ScriptedMedia: MediaEngineProtocol {
    private weak var delegate: (any MediaEngineDelegate)?
    private var prepared: Set<CallID> = []
    private var iced: Set<CallID> = []
    private var offered: Set<CallID> = []
    private var videoWanted: [CallID: Bool] = [:]

    func setDelegate(_ delegate: any MediaEngineDelegate) { self.delegate = delegate }

    func prepare(callId: CallID, video: Bool) {
        guard prepared.insert(callId).inserted else { return }
        Lines.send(["type": "media", "event": "prepared", "callId": callId.wireValue])
        delegate?.mediaEngineNeedsIce(for: callId)
    }

    func provideIce(_ ice: RtcIce?, for callId: CallID) {
        let urls = ice?.iceServers.flatMap(\.urls) ?? []
        Lines.send(["type": "media", "event": "ice", "callId": callId.wireValue, "urls": urls, "fromServer": ice != nil])
        iced.insert(callId)
        connectIfReady(callId)
    }

    func handle(_ signal: RtcSignal, for callId: CallID) {
        guard case let .offer(sdp) = signal else { return }
        Lines.send(["type": "media", "event": "offer", "callId": callId.wireValue])
        let renegotiation = !offered.insert(callId).inserted
        connectIfReady(callId)
        // A re-offer with a video section: the answer carries the camera if the video is on.
        if renegotiation, AnswererState.hasVideoSection(sdp) {
            delegate?.mediaEngine(videoNegotiated: videoWanted[callId] ?? false, for: callId)
        }
    }

    /// The camera track as the answerer would carry it: said at once, and negotiated with the
    /// console's next offer (the adapter's `camera` effect then the answer).
    func setVideo(sends: Bool, paused: Bool, for callId: CallID) {
        Lines.send(["type": "media", "event": "video", "callId": callId.wireValue, "sends": sends, "paused": paused])
        videoWanted[callId] = sends
    }

    func setVideoBitrate(maxKbps: Int, for callId: CallID) {}
    func setMuted(_ muted: Bool, for callId: CallID) {}
    func setHeld(_ held: Bool, for callId: CallID) {}

    func close(callId: CallID) {
        prepared.remove(callId)
        iced.remove(callId)
        offered.remove(callId)
        videoWanted[callId] = nil
    }

    private func connectIfReady(_ callId: CallID) {
        guard prepared.contains(callId), iced.contains(callId), offered.contains(callId) else { return }
        Lines.send(["type": "media", "event": "connected", "callId": callId.wireValue])
        delegate?.mediaEngineDidConnect(callId: callId)
    }
}

@MainActor
final class ScriptedAudio: AudioSessionProtocol {
    func configure(_ configuration: AudioSessionConfiguration) throws {}
    func startAudio() {}
    func stopAudio() {}
}

/// PushKit: the bridge hands over what the APNs emulator delivered to this phone's token.
@MainActor
final class BridgePushRegistry: PushRegistryProtocol {
    private(set) weak var delegate: (any PushRegistryDelegate)?

    func register(delegate: any PushRegistryDelegate) { self.delegate = delegate }

    func deliver(_ payload: Data) {
        delegate?.pushRegistry(didReceivePush: payload) {
            Lines.send(["type": "pushCompleted"])
        }
    }
}

@MainActor
final class ScriptedMicrophone: MicrophoneProtocol {
    var permission: MicrophonePermission = .granted
    func requestPermission() async -> MicrophonePermission { permission }
}

/// The camera: allowed, as a person who shares it would have allowed it; what runs is written out.
@MainActor
final class ScriptedCamera: CameraProtocol {
    var permission: CameraPermission = .granted
    func requestPermission() async -> CameraPermission { permission }

    func start(_ position: CameraPosition, for callId: CallID) {
        Lines.send(["type": "camera", "event": "start", "position": position.rawValue, "callId": callId.wireValue])
    }

    func stop() {
        Lines.send(["type": "camera", "event": "stop"])
    }
}

/// The video screen, written out for the scenario to read: the prompt and the marker.
@MainActor
final class ScriptedVideoViews: VideoViewsProtocol {
    /// The prompt appeared: the person may answer it (`Behaviour.video`).
    var onPrompt: (@MainActor (CallID) -> Void)?
    private var prompted: CallID?

    func present(_ presentation: VideoPresentation?) {
        let prompting = presentation?.prompt != nil ? presentation?.callId : nil
        if let prompting, prompting != prompted { onPrompt?(prompting) }
        prompted = prompting
        var line: [String: Any] = ["type": "video", "event": "present", "shown": presentation != nil]
        if let presentation {
            line["callId"] = presentation.callId.wireValue
            line["prompt"] = presentation.prompt != nil
            line["preview"] = presentation.localPreview
            line["paused"] = presentation.paused
            if let marker = presentation.marker { line["marker"] = ["x": marker.x, "y": marker.y] }
        }
        Lines.send(line)
    }

    func notify(_ prompt: VideoPrompt, for callId: CallID) {
        Lines.send(["type": "video", "event": "notified", "callId": callId.wireValue])
    }

    func withdrawNotification(for callId: CallID) {}
}
