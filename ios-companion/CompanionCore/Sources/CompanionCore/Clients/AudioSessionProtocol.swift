import Foundation

/// `AVAudioSession` category and mode, as far as calls go.
public struct AudioSessionConfiguration: Equatable, Sendable {
    public enum Category: Equatable, Sendable { case playAndRecord }
    public enum Mode: Equatable, Sendable { case voiceChat, videoChat }

    public var category: Category
    public var mode: Mode
    /// Sound from the loudspeaker (`.defaultToSpeaker` and the port override) rather than the
    /// receiver: a phone held out to film is not at the ear.
    public var speaker = false

    /// `.playAndRecord` with `.voiceChat`: echo cancellation and the receiver/speaker routing of a call.
    public static let voiceCall = AudioSessionConfiguration(category: .playAndRecord, mode: .voiceChat)
    /// While the camera is on: `.videoChat` (tuned for the speaker and the camera's microphone),
    /// on the speaker. Back to `voiceCall` when the video ends, and the receiver with it.
    public static let videoCall = AudioSessionConfiguration(category: .playAndRecord, mode: .videoChat, speaker: true)
}

/// The call's audio: the `AVAudioSession` set-up and WebRTC's manual audio switch.
@MainActor
public protocol AudioSessionProtocol: AnyObject {
    /// Configures the session for a call, without activating it: CallKit activates it. During a
    /// call (video on or off) it changes the mode and route of the active session.
    func configure(_ configuration: AudioSessionConfiguration) throws
    /// Called only from `provider(_:didActivate:)`: audio started earlier is silent or cut off.
    func startAudio()
    /// Called from `provider(_:didDeactivate:)`.
    func stopAudio()
}
