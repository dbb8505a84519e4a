@preconcurrency import AVFAudio
import CompanionCore
import Foundation

/// `AVAudioApplication`'s record permission (iOS 17). Without it a call connects in silence.
@MainActor
final class LiveMicrophone: MicrophoneProtocol {
    var permission: MicrophonePermission {
        switch AVAudioApplication.shared.recordPermission {
        case .granted: .granted
        case .denied: .denied
        default: .undetermined
        }
    }

    /// iOS shows its alert once; afterwards the answer comes at once and only Settings changes it.
    func requestPermission() async -> MicrophonePermission {
        _ = await AVAudioApplication.requestRecordPermission()
        return permission
    }
}
