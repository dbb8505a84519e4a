import Foundation

/// `AVAudioApplication`'s record permission. Without it CallKit still rings and connects the
/// call, but the agent hears silence: the app asks during onboarding, shows a warning while it is
/// denied, and reports it to the server for the console's roster.
@MainActor
public protocol MicrophoneProtocol: AnyObject {
    /// `AVAudioApplication.shared.recordPermission`.
    var permission: MicrophonePermission { get }
    /// `AVAudioApplication.requestRecordPermission()`: iOS asks once; later calls answer at once.
    func requestPermission() async -> MicrophonePermission
}
