import CompanionCore
import Foundation

/// How the scripted person and CallKit behave: when CallKit completes a report, and whether the
/// person answers or declines, counted from the moment the call was reported (so that an answer
/// can come before the report's completion).
struct Behaviour {
    var reportDelay: Duration = .zero
    var answerAfter: Duration?
    var declineAfter: Duration?
    /// What the person does when the agent asks for the camera: "accept", "decline", or nothing.
    var video: String?

    init(_ line: Lines.Object) {
        if let ms = line["reportDelayMs"] as? Int { reportDelay = .milliseconds(ms) }
        answerAfter = (line["answerAfterMs"] as? Int).map { .milliseconds($0) }
        declineAfter = (line["declineAfterMs"] as? Int).map { .milliseconds($0) }
        video = line["video"] as? String
    }

    init() {}
}

/// A `CXAction` the harness resolves and reports.
final class ScriptedAction: CallActionProtocol, Sendable {
    let name: String
    let uuid: UUID
    init(_ name: String, _ uuid: UUID) {
        self.name = name
        self.uuid = uuid
    }

    func fulfill() { resolved("fulfilled") }
    func fail() { resolved("failed") }

    /// CallKit resolves actions on the provider's queue, the main queue here as in the app.
    private func resolved(_ event: String) {
        let action = name, id = uuid.uuidString.lowercased()
        MainActor.assumeIsolated { Lines.send(["type": "callkit", "event": event, "action": action, "uuid": id]) }
    }
}

/// `CXProvider` as CallKit behaves where the coordinator can tell: a UUID it already knows is
/// refused with `callUUIDAlreadyExists`, completions come after `reportDelay`, and the person acts
/// on the call screen as the behaviour says. Every report and end is written out for the scenario.
@MainActor
final class ScriptedProvider: CallProviderProtocol {
    private weak var delegate: (any CallProviderDelegate)?
    private let clock: any ClockProtocol
    private var known: Set<UUID> = []
    private(set) var live: Set<UUID> = []
    var behaviour = Behaviour()

    init(clock: any ClockProtocol) {
        self.clock = clock
    }

    func setDelegate(_ delegate: any CallProviderDelegate) { self.delegate = delegate }

    func reportNewIncomingCall(_ update: CallUpdate, completion: @escaping @MainActor @Sendable (IncomingCallError?) -> Void) {
        let uuid = update.uuid
        let error: IncomingCallError? = known.contains(uuid) ? .callUUIDAlreadyExists : nil
        known.insert(uuid)
        if error == nil { live.insert(uuid) }
        Lines.send(["type": "callkit", "event": "reported", "uuid": uuid.uuidString.lowercased(), "video": update.hasVideo, "duplicate": error != nil])
        let person: (ProviderAction.Kind, Duration)? =
            error != nil ? nil
            : behaviour.declineAfter.map { (.end, $0) } ?? behaviour.answerAfter.map { (.answer, $0) }
        let reportDelay = behaviour.reportDelay
        // Two timers due at the same moment may fire in either order (each is a sleeping task), so
        // a person who acts no sooner than the completion acts after it, as on a real call screen,
        // and only one who acts sooner is timed from the report.
        if let (kind, after) = person, after < reportDelay {
            act(kind, on: uuid, after: after)
        }
        clock.schedule(after: reportDelay) { [weak self] in
            completion(error)
            guard let (kind, after) = person, after >= reportDelay else { return }
            self?.act(kind, on: uuid, after: after - reportDelay)
        }
    }

    private func act(_ kind: ProviderAction.Kind, on uuid: UUID, after delay: Duration) {
        clock.schedule(after: delay) { [weak self] in self?.userAction(kind, on: uuid) }
    }

    /// The person on the call screen (or CallKit's controller, for the app's own requests).
    func userAction(_ kind: ProviderAction.Kind, on uuid: UUID) {
        guard live.contains(uuid) || kind.isStart else { return }
        if kind == .end { live.remove(uuid) }
        if kind.isStart {
            known.insert(uuid)
            live.insert(uuid)
        }
        delegate?.provider(perform: ProviderAction(callUUID: uuid, kind: kind, action: ScriptedAction(kind.name, uuid)))
    }

    func reportCall(updated update: CallUpdate) {
        Lines.send(["type": "callkit", "event": "updated", "uuid": update.uuid.uuidString.lowercased(), "video": update.hasVideo])
    }

    func reportCall(_ uuid: UUID, endedAt: Date?, reason: CallEndedReason) {
        live.remove(uuid)
        Lines.send(["type": "callkit", "event": "ended", "uuid": uuid.uuidString.lowercased(), "reason": "\(reason)"])
    }

    func reportOutgoingCall(_ uuid: UUID, startedConnectingAt: Date?) {
        Lines.send(["type": "callkit", "event": "startedConnecting", "uuid": uuid.uuidString.lowercased()])
    }

    func reportOutgoingCall(_ uuid: UUID, connectedAt: Date?) {
        Lines.send(["type": "callkit", "event": "connected", "uuid": uuid.uuidString.lowercased()])
    }
}

/// `CXCallController`: the app's requests come back as provider actions, as CallKit does it.
@MainActor
final class ScriptedController: CallControllerProtocol {
    weak var provider: ScriptedProvider?

    func request(_ transaction: CallTransaction, completion: @escaping @MainActor @Sendable ((any Error)?) -> Void) {
        switch transaction {
        case let .start(uuid, handle, video): provider?.userAction(.start(handle: handle, video: video), on: uuid)
        case let .end(uuid): provider?.userAction(.end, on: uuid)
        case let .setHeld(uuid, onHold): provider?.userAction(.setHeld(onHold), on: uuid)
        case let .setMuted(uuid, muted): provider?.userAction(.setMuted(muted), on: uuid)
        }
        completion(nil)
    }
}

extension ProviderAction.Kind {
    var isStart: Bool { if case .start = self { true } else { false } }
    var name: String {
        switch self {
        case .answer: "answer"
        case .end: "end"
        case .start: "start"
        case .setHeld: "setHeld"
        case .setMuted: "setMuted"
        }
    }
}
