import Foundation

/// `PKPushRegistry` for the `.voIP` type.
@MainActor
public protocol PushRegistryProtocol: AnyObject {
    /// Sets the delegate and `desiredPushTypes = [.voIP]`. Called at every launch, never lazily:
    /// a VoIP push that relaunches the app is delivered only to a registry that exists by then.
    func register(delegate: any PushRegistryDelegate)
}

/// `PKPushRegistryDelegate`, reduced to values.
@MainActor
public protocol PushRegistryDelegate: AnyObject {
    /// `didUpdate pushCredentials`: the token can change at any time; send it every time.
    func pushRegistry(didUpdateToken token: Data)
    /// `didInvalidatePushTokenFor`.
    func pushRegistryDidInvalidateToken()
    /// `didReceiveIncomingPushWith`: `payload` is the push's JSON. A call must be reported to
    /// CallKit before `completion` runs, whatever the payload holds.
    func pushRegistry(didReceivePush payload: Data, completion: @escaping @MainActor @Sendable () -> Void)
}
