import CompanionCore
import Foundation
import UIKit

/// `UIApplication.beginBackgroundTask(withName:expirationHandler:)`: a few seconds for a report
/// made as the phone locks. The expiration handler runs on the main thread, and the task must be
/// ended there, or iOS kills the app.
@MainActor
final class LiveBackgroundTasks: BackgroundTaskProtocol {
    private var tasks: [Int: UIBackgroundTaskIdentifier] = [:]
    private var next = 0

    func begin(name: String, expired: @escaping @MainActor @Sendable () -> Void) -> Int {
        next += 1
        let id = next
        // The handler is `@MainActor @Sendable`: iOS runs it synchronously on the main thread.
        tasks[id] = UIApplication.shared.beginBackgroundTask(withName: name, expirationHandler: expired)
        return id
    }

    func end(_ id: Int) {
        guard let task = tasks.removeValue(forKey: id), task != .invalid else { return }
        UIApplication.shared.endBackgroundTask(task)
    }
}
