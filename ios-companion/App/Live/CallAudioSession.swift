@preconcurrency import AVFAudio
import CompanionCore
import Foundation
@preconcurrency import WebRTC

/// The call's audio. CallKit owns the activation of `AVAudioSession`; WebRTC runs in manual audio
/// mode so that its audio unit starts only when `isAudioEnabled` is set, in
/// `provider(_:didActivate:)`, and stops in `provider(_:didDeactivate:)`. Starting it earlier
/// gives silence after answering from the lock screen.
@MainActor
final class CallAudioSession: AudioSessionProtocol {
    private let session = RTCAudioSession.sharedInstance()

    init() {
        session.useManualAudio = true
        session.isAudioEnabled = false
    }

    /// `.playAndRecord` with `.voiceChat` (or `.videoChat` on the speaker while the camera is
    /// on): echo cancellation and call routing. Configured, not activated: activation is CallKit's.
    /// During a call it changes the active session's mode and route, which voice survives.
    func configure(_ configuration: AudioSessionConfiguration) throws {
        let rtcConfiguration = RTCAudioSessionConfiguration.webRTC()
        rtcConfiguration.category = configuration.category.avCategory.rawValue
        rtcConfiguration.mode = configuration.mode.avMode.rawValue
        var options: AVAudioSession.CategoryOptions = [.allowBluetooth, .allowBluetoothA2DP]
        if configuration.speaker { options.insert(.defaultToSpeaker) }
        rtcConfiguration.categoryOptions = options
        // WebRTC re-applies its own configuration when it (re)starts audio: keep them the same.
        RTCAudioSessionConfiguration.setWebRTC(rtcConfiguration)
        session.lockForConfiguration()
        defer { session.unlockForConfiguration() }
        try session.setConfiguration(rtcConfiguration)
        // `.defaultToSpeaker` applies at the next route change only; the override moves a call
        // already on the receiver, and `.none` brings it back when the video ends.
        try session.overrideOutputAudioPort(configuration.speaker ? .speaker : .none)
    }

    func startAudio() {
        session.audioSessionDidActivate(AVAudioSession.sharedInstance())
        session.isAudioEnabled = true
    }

    func stopAudio() {
        session.isAudioEnabled = false
        session.audioSessionDidDeactivate(AVAudioSession.sharedInstance())
    }
}

private extension AudioSessionConfiguration.Category {
    var avCategory: AVAudioSession.Category {
        switch self {
        case .playAndRecord: .playAndRecord
        }
    }
}

private extension AudioSessionConfiguration.Mode {
    var avMode: AVAudioSession.Mode {
        switch self {
        case .voiceChat: .voiceChat
        case .videoChat: .videoChat
        }
    }
}
