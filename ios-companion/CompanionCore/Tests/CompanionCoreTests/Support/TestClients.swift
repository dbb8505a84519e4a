import Foundation
import Testing
@testable import CompanionCore

@MainActor
final class TestPushRegistry: PushRegistryProtocol {
    private(set) weak var delegate: (any PushRegistryDelegate)?
    private(set) var registrations = 0
    /// Set by the harness: what the provider had seen when the registry was registered.
    var onRegister: (() -> Void)?

    func register(delegate: any PushRegistryDelegate) {
        registrations += 1
        self.delegate = delegate
        onRegister?()
    }
}

@MainActor
final class TestAudioSession: AudioSessionProtocol {
    enum Event: Equatable {
        case configure(AudioSessionConfiguration)
        case start
        case stop
    }

    private(set) var events: [Event] = []
    var failConfiguration = false

    struct ConfigurationFailed: Error {}

    func configure(_ configuration: AudioSessionConfiguration) throws {
        events.append(.configure(configuration))
        if failConfiguration { throw ConfigurationFailed() }
    }

    func startAudio() { events.append(.start) }
    func stopAudio() { events.append(.stop) }
}

@MainActor
final class TestMediaEngine: MediaEngineProtocol {
    enum Event: Equatable {
        case prepare(CallID, video: Bool)
        case signal(RtcSignal, CallID)
        case muted(Bool, CallID)
        case held(Bool, CallID)
        case close(CallID)
        case ice(RtcIce?, CallID)
        case video(sends: Bool, paused: Bool, CallID)
        case bitrate(Int, CallID)
    }

    private(set) weak var delegate: (any MediaEngineDelegate)?
    private(set) var events: [Event] = []

    func setDelegate(_ delegate: any MediaEngineDelegate) { self.delegate = delegate }
    func prepare(callId: CallID, video: Bool) { events.append(.prepare(callId, video: video)) }
    func handle(_ signal: RtcSignal, for callId: CallID) { events.append(.signal(signal, callId)) }
    func setMuted(_ muted: Bool, for callId: CallID) { events.append(.muted(muted, callId)) }
    func setHeld(_ held: Bool, for callId: CallID) { events.append(.held(held, callId)) }
    func close(callId: CallID) { events.append(.close(callId)) }
    func provideIce(_ ice: RtcIce?, for callId: CallID) { events.append(.ice(ice, callId)) }
    func setVideo(sends: Bool, paused: Bool, for callId: CallID) { events.append(.video(sends: sends, paused: paused, callId)) }
    func setVideoBitrate(maxKbps: Int, for callId: CallID) { events.append(.bitrate(maxKbps, callId)) }

    /// What the engine was given for `callId`'s ICE servers (nil: nothing yet; .some(nil): told to
    /// use its configured ones).
    func ice(for callId: CallID) -> RtcIce?? {
        for case let .ice(ice, id) in events.reversed() where id == callId { return .some(ice) }
        return nil
    }
}

@MainActor
final class TestMicrophone: MicrophoneProtocol {
    var permission: MicrophonePermission
    /// What iOS answers when asked (the person's choice).
    var answer: MicrophonePermission = .granted
    private(set) var requests = 0

    init(_ permission: MicrophonePermission = .granted) {
        self.permission = permission
    }

    func requestPermission() async -> MicrophonePermission {
        requests += 1
        if permission == .undetermined { permission = answer }
        return permission
    }
}

/// `beginBackgroundTask`: which tasks are open, and a way to make iOS expire them.
@MainActor
final class TestBackgroundTasks: BackgroundTaskProtocol {
    private var next = 0
    private(set) var open: [Int: @MainActor @Sendable () -> Void] = [:]
    private(set) var begun = 0
    private(set) var ended: [Int] = []

    func begin(name: String, expired: @escaping @MainActor @Sendable () -> Void) -> Int {
        next += 1
        begun += 1
        open[next] = expired
        return next
    }

    func end(_ id: Int) {
        if open.removeValue(forKey: id) == nil { Issue.record("background task \(id) ended twice or never begun") }
        ended.append(id)
    }

    /// iOS is about to suspend the app.
    func expireAll() {
        for handler in open.values { handler() }
    }
}

/// The camera: its permission as iOS would answer, and what runs.
@MainActor
final class TestCamera: CameraProtocol {
    enum Event: Equatable {
        case start(CameraPosition, CallID)
        case stop
    }

    var permission: CameraPermission
    /// What the person answers iOS's prompt.
    var answer: CameraPermission = .granted
    private(set) var requests = 0
    private(set) var events: [Event] = []
    /// The position capturing now; nil when off.
    private(set) var running: CameraPosition?

    init(_ permission: CameraPermission = .granted) {
        self.permission = permission
    }

    func requestPermission() async -> CameraPermission {
        requests += 1
        if permission == .undetermined { permission = answer }
        return permission
    }

    func start(_ position: CameraPosition, for callId: CallID) {
        events.append(.start(position, callId))
        running = position
    }

    func stop() {
        events.append(.stop)
        running = nil
    }
}

/// The video screen: what it was told to show, and the notifications posted in the background.
@MainActor
final class TestVideoViews: VideoViewsProtocol {
    private(set) var presented: [VideoPresentation?] = []
    private(set) var notified: [CallID] = []
    private(set) var withdrawn: [CallID] = []

    var current: VideoPresentation? { presented.last ?? nil }

    func present(_ presentation: VideoPresentation?) { presented.append(presentation) }
    func notify(_ prompt: VideoPrompt, for callId: CallID) { notified.append(callId) }
    func withdrawNotification(for callId: CallID) { withdrawn.append(callId) }
}
