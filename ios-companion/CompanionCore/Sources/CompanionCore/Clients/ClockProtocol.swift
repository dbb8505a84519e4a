import Foundation

// MARK: - Interface

/// Work scheduled on a clock; cancelling it after it ran does nothing.
public protocol ScheduledWork: AnyObject {
    func cancel()
}

/// Time as the coordinator sees it: report timestamps, ring deadlines, retry backoff. Injected so
/// that tests move time by hand (`TestClock`) instead of sleeping.
@MainActor
public protocol ClockProtocol: AnyObject {
    var now: Date { get }

    /// Runs `action` on the main actor once `delay` has passed, unless cancelled first.
    @discardableResult
    func schedule(after delay: Duration, _ action: @escaping @MainActor @Sendable () -> Void) -> any ScheduledWork
}

extension ClockProtocol {
    /// Epoch milliseconds, the only time format on the wire.
    public var nowMs: Int64 { now.epochMs }
}

extension Date {
    public var epochMs: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    public init(epochMs: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(epochMs) / 1000)
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

// MARK: - Live

/// The wall clock. Foundation-only, so it lives here rather than in the app target.
@MainActor
public final class SystemClock: ClockProtocol {
    public init() {}

    public var now: Date { Date() }

    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping @MainActor @Sendable () -> Void) -> any ScheduledWork {
        let task = Task { @MainActor in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled else { return }
            action()
        }
        return TaskWork(task: task)
    }

    private final class TaskWork: ScheduledWork {
        let task: Task<Void, Never>
        init(task: Task<Void, Never>) { self.task = task }
        func cancel() { task.cancel() }
    }
}
