import Foundation

/// `AVAudioSession` category and mode, as far as calls go.
public struct AudioSessionConfiguration: Equatable, Sendable {
    public enum Category: Equatable, Sendable { case playAndRecord }
    public enum Mode: Equatable, Sendable { case voiceChat }

    public var category: Category
    public var mode: Mode

    /// `.playAndRecord` with `.voiceChat`: echo cancellation and the receiver/speaker routing of a call.
    public static let voiceCall = AudioSessionConfiguration(category: .playAndRecord, mode: .voiceChat)
}

/// The call's audio: the `AVAudioSession` set-up and WebRTC's manual audio switch.
@MainActor
public protocol AudioSessionProtocol: AnyObject {
    /// Configures the session for a call, without activating it: CallKit activates it.
    func configure(_ configuration: AudioSessionConfiguration) throws
    /// Called only from `provider(_:didActivate:)`: audio started earlier is silent or cut off.
    func startAudio()
    /// Called from `provider(_:didDeactivate:)`.
    func stopAudio()
}
