import Foundation

/// Runs the coordinator's asynchronous work (server requests) as main-actor tasks and knows when
/// none is left, so tests wait for "everything settled" rather than for a fixed delay.
/// Work waiting on the clock or on a connection is not running: the clock, which tests drive,
/// or the connection event resumes it.
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

    /// Suspends spawned work (only call it from inside `spawn`) until the `resume` handed to
    /// `register` is called, without counting it as running meanwhile. `resume` marks it running
    /// again before it continues, so `settle()` cannot slip in between.
    func parked<T: Sendable>(_ register: (@escaping @MainActor (T) -> Void) -> Void) async -> T {
        running -= 1
        resumeWaitersIfIdle()
        return await withCheckedContinuation { continuation in
            var resumed = false
            register { value in
                guard !resumed else { return }
                resumed = true
                self.running += 1
                continuation.resume(returning: value)
            }
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
