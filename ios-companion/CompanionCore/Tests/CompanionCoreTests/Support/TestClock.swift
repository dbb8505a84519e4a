import Foundation
@testable import CompanionCore

/// A clock that moves only when the test says so; scheduled work runs inside `advance(by:)`.
@MainActor
final class TestClock: ClockProtocol {
    private final class Work: ScheduledWork {
        let due: Date
        let order: Int
        let action: @MainActor @Sendable () -> Void
        var cancelled = false

        init(due: Date, order: Int, action: @escaping @MainActor @Sendable () -> Void) {
            self.due = due
            self.order = order
            self.action = action
        }

        func cancel() { cancelled = true }
    }

    private(set) var now: Date
    private var pending: [Work] = []
    private var counter = 0

    /// 2026-11-25, close to the fixtures' timestamps, so their ring deadlines are in the future.
    init(now: Date = Date(epochMs: 1_795_587_575_000)) {
        self.now = now
    }

    @discardableResult
    func schedule(after delay: Duration, _ action: @escaping @MainActor @Sendable () -> Void) -> any ScheduledWork {
        counter += 1
        let work = Work(due: now.addingTimeInterval(delay.timeInterval), order: counter, action: action)
        pending.append(work)
        return work
    }

    var scheduledCount: Int { pending.filter { !$0.cancelled }.count }

    /// Moves time forward, running every piece of work that falls due, in order, at its due time.
    func advance(by delay: Duration) {
        let target = now.addingTimeInterval(delay.timeInterval)
        while let next = pending
            .filter({ !$0.cancelled && $0.due <= target })
            .min(by: { ($0.due, $0.order) < ($1.due, $1.order) }) {
            pending.removeAll { $0 === next }
            now = max(now, next.due)
            next.action()
        }
        pending.removeAll { $0.cancelled }
        now = target
    }
}
