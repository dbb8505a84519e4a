import Foundation

/// Runs the coordinator's asynchronous work (server requests) as main-actor tasks and knows when
/// none is left, so tests wait for "everything settled" rather than for a fixed delay.
/// Work waiting on the clock (a backoff, a deadline) is not running: tests drive the clock.
@MainActor
final class WorkTracker {
    private var running = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func spawn(_ work: @escaping @MainActor @Sendable () async -> Void) {
        running += 1
        Task { @MainActor in
            await work()
            self.running -= 1
            self.resumeWaitersIfIdle()
        }
    }

    /// Returns once no spawned work is running (including work spawned while waiting).
    func settle() async {
        while running > 0 {
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func resumeWaitersIfIdle() {
        guard running == 0 else { return }
        let waiting = waiters
        waiters = []
        waiting.forEach { $0.resume() }
    }
}
