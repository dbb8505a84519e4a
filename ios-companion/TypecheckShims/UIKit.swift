// UIKit, as far as CallKitProvider (the call screen's icon) and LiveBackgroundTasks use it.
import Foundation

/// https://developer.apple.com/documentation/uikit/uiimage (Sendable since iOS 16)
open class UIImage: NSObject, @unchecked Sendable {
    public init?(named name: String) { nil }
    /// https://developer.apple.com/documentation/uikit/uiimage/pngdata()
    open func pngData() -> Data? { nil }
}

/// https://developer.apple.com/documentation/uikit/uibackgroundtaskidentifier
public struct UIBackgroundTaskIdentifier: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let invalid = UIBackgroundTaskIdentifier(rawValue: 0)
}

/// https://developer.apple.com/documentation/uikit/uiapplication (`@MainActor class UIApplication`)
@MainActor
open class UIApplication: NSObject {
    public static let shared = UIApplication()

    public enum State: Int, Sendable { case active, inactive, background }
    open var applicationState: UIApplication.State { .active }

    /// https://developer.apple.com/documentation/uikit/uiapplication/beginbackgroundtask(withname:expirationhandler:)
    /// "The system calls the handler synchronously on the main thread."
    nonisolated open func beginBackgroundTask(
        withName taskName: String?,
        expirationHandler handler: (@MainActor @Sendable () -> Void)? = nil
    ) -> UIBackgroundTaskIdentifier { .invalid }

    /// https://developer.apple.com/documentation/uikit/uiapplication/endbackgroundtask(_:)
    nonisolated open func endBackgroundTask(_ identifier: UIBackgroundTaskIdentifier) {}
}
