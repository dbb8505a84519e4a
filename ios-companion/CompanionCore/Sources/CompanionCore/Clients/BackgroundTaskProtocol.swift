import Foundation

/// `UIApplication.beginBackgroundTask(withName:expirationHandler:)` / `endBackgroundTask(_:)`:
/// a report that goes out as the user locks the phone (a decline, a hang-up) would otherwise die
/// with the suspended app. iOS grants a few seconds; the expiration handler must end the task.
@MainActor
public protocol BackgroundTaskProtocol: AnyObject {
    /// Returns an id for `end`; `expired` runs if iOS is about to suspend the app first.
    func begin(name: String, expired: @escaping @MainActor @Sendable () -> Void) -> Int
    func end(_ id: Int)
}

/// Where nothing suspends the process (tests' default, the Linux harness): no background time to ask for.
@MainActor
public final class NoBackgroundTasks: BackgroundTaskProtocol {
    private var next = 0
    public init() {}
    public func begin(name: String, expired: @escaping @MainActor @Sendable () -> Void) -> Int {
        next += 1
        return next
    }

    public func end(_ id: Int) {}
}
