// PushKit, as far as PushKitRegistry uses it. No type here is Sendable or actor-isolated: the
// delegate is called on the queue given to init(queue:).
import Foundation

/// https://developer.apple.com/documentation/pushkit/pkpushtype
public struct PKPushType: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let voIP = PKPushType(rawValue: "PKPushTypeVoIP")
}

/// https://developer.apple.com/documentation/pushkit/pkpushcredentials
open class PKPushCredentials: NSObject {
    open var token: Data { Data() }
    open var type: PKPushType { .voIP }
}

/// https://developer.apple.com/documentation/pushkit/pkpushpayload
open class PKPushPayload: NSObject {
    open var dictionaryPayload: [AnyHashable: Any] { [:] }
    open var type: PKPushType { .voIP }
}

/// https://developer.apple.com/documentation/pushkit/pkpushregistry
open class PKPushRegistry: NSObject {
    /// https://developer.apple.com/documentation/pushkit/pkpushregistry/init(queue:)
    public init(queue: DispatchQueue?) {}
    /// Weak in PushKit.
    open weak var delegate: (any PKPushRegistryDelegate)?
    open var desiredPushTypes: Set<PKPushType>?
}

/// https://developer.apple.com/documentation/pushkit/pkpushregistrydelegate
/// (`protocol PKPushRegistryDelegate : NSObjectProtocol`; the two below are optional in PushKit:
/// defaults do nothing).
public protocol PKPushRegistryDelegate: NSObjectProtocol {
    /// https://developer.apple.com/documentation/pushkit/pkpushregistrydelegate/pushregistry(_:didupdate:for:)
    func pushRegistry(_ registry: PKPushRegistry, didUpdate pushCredentials: PKPushCredentials, for type: PKPushType)
    /// https://developer.apple.com/documentation/pushkit/pkpushregistrydelegate/pushregistry(_:didinvalidatepushtokenfor:)
    func pushRegistry(_ registry: PKPushRegistry, didInvalidatePushTokenFor type: PKPushType)
    /// https://developer.apple.com/documentation/pushkit/pkpushregistrydelegate/pushregistry(_:didreceiveincomingpushwith:for:completion:)
    func pushRegistry(
        _ registry: PKPushRegistry,
        didReceiveIncomingPushWith payload: PKPushPayload,
        for type: PKPushType,
        completion: @escaping @Sendable () -> Void
    )
}

extension PKPushRegistryDelegate {
    public func pushRegistry(_ registry: PKPushRegistry, didInvalidatePushTokenFor type: PKPushType) {}
    public func pushRegistry(
        _ registry: PKPushRegistry,
        didReceiveIncomingPushWith payload: PKPushPayload,
        for type: PKPushType,
        completion: @escaping @Sendable () -> Void
    ) {}
}
