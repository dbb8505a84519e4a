// UserNotifications, as far as LiveVideoViews uses it: a local notification for the agent's video
// request while the app is in the background, withdrawn once answered.
import Foundation

/// https://developer.apple.com/documentation/usernotifications/unauthorizationoptions
public struct UNAuthorizationOptions: OptionSet, Sendable {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }
    public static let sound = UNAuthorizationOptions(rawValue: 1 << 1)
    public static let alert = UNAuthorizationOptions(rawValue: 1 << 2)
}

/// https://developer.apple.com/documentation/usernotifications/unnotificationsound (Sendable)
open class UNNotificationSound: NSObject, @unchecked Sendable {
    open class var `default`: UNNotificationSound { UNNotificationSound() }
}

/// https://developer.apple.com/documentation/usernotifications/unnotificationcontent (Sendable)
open class UNNotificationContent: NSObject, @unchecked Sendable {}

/// https://developer.apple.com/documentation/usernotifications/unmutablenotificationcontent
open class UNMutableNotificationContent: UNNotificationContent, @unchecked Sendable {
    override public init() {}
    open var title = ""
    open var body = ""
    open var sound: UNNotificationSound?
    /// https://developer.apple.com/documentation/usernotifications/unnotificationinterruptionlevel
    open var interruptionLevel: UNNotificationInterruptionLevel = .active
}

public enum UNNotificationInterruptionLevel: UInt, Sendable { case passive, active, timeSensitive, critical }

/// https://developer.apple.com/documentation/usernotifications/unnotificationtrigger (Sendable)
open class UNNotificationTrigger: NSObject, @unchecked Sendable {}

/// https://developer.apple.com/documentation/usernotifications/unnotificationrequest (Sendable)
open class UNNotificationRequest: NSObject, @unchecked Sendable {
    public init(identifier: String, content: UNNotificationContent, trigger: UNNotificationTrigger?) {}
}

/// https://developer.apple.com/documentation/usernotifications/unusernotificationcenter (Sendable)
open class UNUserNotificationCenter: NSObject, @unchecked Sendable {
    open class func current() -> UNUserNotificationCenter { UNUserNotificationCenter() }
    /// `func requestAuthorization(options:) async throws -> Bool`
    open func requestAuthorization(options: UNAuthorizationOptions = []) async throws -> Bool { false }
    /// `func add(_ request: UNNotificationRequest, withCompletionHandler completionHandler: (@Sendable ((any Error)?) -> Void)? = nil)`
    open func add(_ request: UNNotificationRequest, withCompletionHandler completionHandler: (@Sendable ((any Error)?) -> Void)? = nil) {}
    open func removePendingNotificationRequests(withIdentifiers identifiers: [String]) {}
    open func removeDeliveredNotifications(withIdentifiers identifiers: [String]) {}
}
