import Foundation
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
    }

    private(set) weak var delegate: (any MediaEngineDelegate)?
    private(set) var events: [Event] = []

    func setDelegate(_ delegate: any MediaEngineDelegate) { self.delegate = delegate }
    func prepare(callId: CallID, video: Bool) { events.append(.prepare(callId, video: video)) }
    func handle(_ signal: RtcSignal, for callId: CallID) { events.append(.signal(signal, callId)) }
    func setMuted(_ muted: Bool, for callId: CallID) { events.append(.muted(muted, callId)) }
    func setHeld(_ held: Bool, for callId: CallID) { events.append(.held(held, callId)) }
    func close(callId: CallID) { events.append(.close(callId)) }
}
