import Foundation

/// Emits a request and waits for its ack at most `timeout` on the coordinator's clock, whatever
/// the connection does. The connection's own timeout (Socket.IO's `timingOut(after:)`) stays as a
/// backstop, but the decision "no ack in time" is taken here, on the injected clock, so that a
/// half-dead socket is detected (and replaced) when the core says, and tests can see it happen.
@MainActor
enum ClockedRequest {
    /// Throws `.timedOut` once `timeout` has passed on `clock` without an ack; a late ack is
    /// dropped. The emit itself runs on, as a tracked task, until the connection answers or drops.
    static func emit(
        _ event: DeviceRequestName,
        payload: Data,
        timeout: Duration,
        server: any ServerConnectionProtocol,
        clock: any ClockProtocol,
        tracker: WorkTracker
    ) async throws -> Data {
        let outcome = Outcome()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            outcome.continuation = continuation
            let timer = clock.schedule(after: timeout) {
                outcome.resolve(.failure(ServerConnectionError.timedOut))
            }
            outcome.timer = timer
            // The connection's own timeout only as a backstop: a little longer than ours.
            let backstop = timeout + .milliseconds(500)
            tracker.spawn {
                do {
                    outcome.resolve(.success(try await server.emit(event, payload: payload, timeout: backstop)))
                } catch {
                    outcome.resolve(.failure(error))
                }
            }
        }
    }

    /// Whichever comes first, the ack or the deadline, resumes the caller; the other is ignored.
    @MainActor
    private final class Outcome {
        var continuation: CheckedContinuation<Data, any Error>?
        var timer: (any ScheduledWork)?

        func resolve(_ result: Result<Data, any Error>) {
            guard let continuation else { return }
            self.continuation = nil
            timer?.cancel()
            timer = nil
            continuation.resume(with: result)
        }
    }
}
