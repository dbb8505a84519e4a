import Foundation
import Testing
@testable import CompanionCore

/// A `CXProvider` stand-in that behaves as CallKit does where it matters: a UUID it already shows
/// is refused with `callUUIDAlreadyExists`, an ended call is gone, and reporting before a
/// delegate is set is recorded as a test failure.
@MainActor
final class TestCallProvider: CallProviderProtocol {
    enum Event: Equatable {
        case setDelegate
        case reportIncoming(CallUpdate)
        case ended(UUID, CallEndedReason)
        case startedConnecting(UUID)
        case connected(UUID)
        case updated(CallUpdate)
    }

    private(set) var events: [Event] = []
    private(set) weak var delegate: (any CallProviderDelegate)?
    /// The calls the system call UI shows.
    private(set) var live: Set<UUID> = []
    /// Every UUID CallKit has had: like CallKit, a UUID it ended is not taken for a new call again.
    private(set) var known: Set<UUID> = []
    /// CallKit's answer to each `reportNewIncomingCall`, in order.
    private(set) var answers: [IncomingCallError?] = []
    /// The next new call is refused with this error (Do Not Disturb, block list…).
    var refuseNext: IncomingCallError?
    /// Hold CallKit's answers until `completePending()`, as the real one answers later.
    var holdCompletions = false
    private var pending: [@MainActor () -> Void] = []

    func setDelegate(_ delegate: any CallProviderDelegate) {
        self.delegate = delegate
        events.append(.setDelegate)
    }

    func reportNewIncomingCall(
        _ update: CallUpdate,
        completion: @escaping @MainActor @Sendable (IncomingCallError?) -> Void
    ) {
        if delegate == nil { Issue.record("a call was reported before the provider delegate was set") }
        events.append(.reportIncoming(update))
        let error: IncomingCallError?
        if known.contains(update.uuid) {
            error = .callUUIDAlreadyExists
        } else if let refused = refuseNext {
            refuseNext = nil
            error = refused
        } else {
            live.insert(update.uuid)
            error = nil
        }
        known.insert(update.uuid)
        answers.append(error)
        if holdCompletions {
            pending.append { completion(error) }
        } else {
            completion(error)
        }
    }

    func completePending() {
        let answers = pending
        pending = []
        answers.forEach { $0() }
    }

    func reportCall(_ uuid: UUID, endedAt: Date?, reason: CallEndedReason) {
        events.append(.ended(uuid, reason))
        live.remove(uuid)
    }

    func reportOutgoingCall(_ uuid: UUID, startedConnectingAt: Date?) {
        events.append(.startedConnecting(uuid))
    }

    func reportCall(updated update: CallUpdate) {
        events.append(.updated(update))
    }

    func reportOutgoingCall(_ uuid: UUID, connectedAt: Date?) {
        events.append(.connected(uuid))
    }

    // MARK: - Queries

    var reportedIncoming: [CallUpdate] {
        events.compactMap { if case let .reportIncoming(update) = $0 { update } else { nil } }
    }

    var endedCalls: [(uuid: UUID, reason: CallEndedReason)] {
        events.compactMap { if case let .ended(uuid, reason) = $0 { (uuid, reason) } else { nil } }
    }

    func endReason(of uuid: UUID) -> CallEndedReason? {
        endedCalls.last { $0.uuid == uuid }?.reason
    }

    // MARK: - The system asking for actions

    /// Performs an action as CallKit would, and returns it to check how it was resolved.
    @discardableResult
    func perform(_ kind: ProviderAction.Kind, on uuid: UUID) -> TestCallAction {
        let action = TestCallAction()
        switch kind {
        case .end: action.onFulfill = { [weak self] in self?.live.remove(uuid) }
        case .start: action.onFulfill = { [weak self] in
                self?.live.insert(uuid)
                self?.known.insert(uuid)
            }
        default: break
        }
        delegate?.provider(perform: ProviderAction(callUUID: uuid, kind: kind, action: action))
        return action
    }

    @discardableResult
    func timeOut(_ kind: ProviderAction.Kind, on uuid: UUID) -> TestCallAction {
        let action = TestCallAction(timedOut: true)
        delegate?.provider(timedOutPerforming: ProviderAction(callUUID: uuid, kind: kind, action: action))
        return action
    }
}

/// A `CXAction`: resolving it twice is a failure, as CallKit would complain.
final class TestCallAction: CallActionProtocol {
    enum Outcome: Equatable { case pending, fulfilled, failed }

    private(set) var outcome = Outcome.pending
    var onFulfill: (() -> Void)?
    /// CallKit has failed it already (`timedOutPerforming`): any answer now is a second one.
    let timedOut: Bool

    init(timedOut: Bool = false) {
        self.timedOut = timedOut
    }

    func fulfill() {
        check()
        outcome = .fulfilled
        onFulfill?()
    }

    func fail() {
        check()
        outcome = .failed
    }

    private func check() {
        if timedOut { Issue.record("a timed-out action was resolved") }
        if outcome != .pending { Issue.record("action resolved twice (was \(outcome))") }
    }
}

@MainActor
final class TestCallController: CallControllerProtocol {
    private(set) var transactions: [CallTransaction] = []
    var error: (any Error)?

    func request(_ transaction: CallTransaction, completion: @escaping @MainActor @Sendable ((any Error)?) -> Void) {
        transactions.append(transaction)
        completion(error)
    }
}
