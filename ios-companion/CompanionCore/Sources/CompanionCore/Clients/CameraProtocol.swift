import Foundation

/// `AVCaptureDevice.authorizationStatus(for: .video)`, as far as video calls go.
public enum CameraPermission: String, Codable, Equatable, Sendable {
    case undetermined, denied, restricted, granted
}

/// The phone's camera, feeding the call's video track. The app's adapter captures with WebRTC's
/// `RTCCameraVideoCapturer` into the media engine's video source; the coordinator only says which
/// camera runs, and when.
@MainActor
public protocol CameraProtocol: AnyObject {
    /// Read again before each use: the person may have changed it in Settings meanwhile.
    var permission: CameraPermission { get }
    /// `AVCaptureDevice.requestAccess(for: .video)`: iOS asks once, with Info.plist's
    /// `NSCameraUsageDescription` as the reason; later calls answer at once.
    func requestPermission() async -> CameraPermission
    /// Starts capturing from `position` for the call (or moves the running capture to it).
    func start(_ position: CameraPosition, for callId: CallID)
    func stop()
}

/// What the call's video screen shows, decided in the core: the app's views draw it.
public struct VideoPresentation: Equatable, Sendable {
    public var callId: CallID
    /// The agent's request is waiting for the person's answer.
    public var prompt: VideoPrompt?
    /// The local preview runs (the camera is on, or paused: then `paused` says so over it).
    public var localPreview = false
    /// The front camera's preview is mirrored, as the Camera app shows it.
    public var mirrored = false
    public var paused = false
    /// The call is on hold: the camera is off until it resumes.
    public var held = false
    /// The agent's camera reaches the phone.
    public var remoteVideo = false
    /// Where the agent points on the preview.
    public var marker: VideoMarker?
    /// Why the last video ended, when the person should be told.
    public var notice: String?

    public init(callId: CallID) {
        self.callId = callId
    }
}

/// The agent's request, as the prompt words it.
public struct VideoPrompt: Equatable, Sendable {
    public var title: String
    public var message: String
}

/// The video views (local preview, the agent's video, the marker overlay, the prompt). The app's
/// adapter binds WebRTC's renderers to the engine's tracks; the coordinator only says what shows.
@MainActor
public protocol VideoViewsProtocol: AnyObject {
    /// nil: no call has video to show.
    func present(_ presentation: VideoPresentation?)
    /// The app is in the background: the prompt goes out as a local notification instead
    /// (`UNUserNotificationCenter`), withdrawn when the request is answered or withdrawn.
    func notify(_ prompt: VideoPrompt, for callId: CallID)
    func withdrawNotification(for callId: CallID)
}
