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
        guard case .offer = signal else { return }
        Lines.send(["type": "media", "event": "offer", "callId": callId.wireValue])
        offered.insert(callId)
        connectIfReady(callId)
    }

    func setMuted(_ muted: Bool, for callId: CallID) {}
    func setHeld(_ held: Bool, for callId: CallID) {}

    func close(callId: CallID) {
        prepared.remove(callId)
        iced.remove(callId)
        offered.remove(callId)
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
