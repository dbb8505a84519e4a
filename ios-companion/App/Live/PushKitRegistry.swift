import CompanionCore
import Foundation
@preconcurrency import PushKit

/// `PKPushRegistry` for VoIP pushes, on the main queue. Created in `didFinishLaunching` at every
/// launch (never lazily): when iOS relaunches the app for a VoIP push, the push goes to the
/// registry that exists by the end of launch, and an unreported push gets the app terminated.
@MainActor
final class PushKitRegistry: NSObject, PushRegistryProtocol {
    private let registry = PKPushRegistry(queue: .main)
    private weak var delegate: (any PushRegistryDelegate)?

    func register(delegate: any PushRegistryDelegate) {
        self.delegate = delegate
        registry.delegate = self
        registry.desiredPushTypes = [.voIP]
    }
}

extension PushKitRegistry: PKPushRegistryDelegate {
    /// Every update is passed on: the token can change at any time, and the server must have the
    /// current one or pushes fail silently.
    nonisolated func pushRegistry(_ registry: PKPushRegistry, didUpdate pushCredentials: PKPushCredentials, for type: PKPushType) {
        guard type == .voIP else { return }
        let token = pushCredentials.token
        MainActor.assumeIsolated { delegate?.pushRegistry(didUpdateToken: token) }
    }

    nonisolated func pushRegistry(_ registry: PKPushRegistry, didInvalidatePushTokenFor type: PKPushType) {
        guard type == .voIP else { return }
        MainActor.assumeIsolated { delegate?.pushRegistryDidInvalidateToken() }
    }

    /// The coordinator reports a call to CallKit inside this call, whatever the payload, and runs
    /// `completion` once CallKit has answered.
    nonisolated func pushRegistry(
        _ registry: PKPushRegistry,
        didReceiveIncomingPushWith payload: PKPushPayload,
        for type: PKPushType,
        completion: @escaping () -> Void
    ) {
        let done = PushCompletion(completion)
        guard type == .voIP else { return done.run() }
        // An unserialisable payload becomes empty data, which the coordinator reports and ends.
        let json = (try? JSONSerialization.data(withJSONObject: payload.dictionaryPayload)) ?? Data()
        MainActor.assumeIsolated {
            guard let delegate else { return done.run() }
            delegate.pushRegistry(didReceivePush: json) { done.run() }
        }
    }
}

/// PushKit's completion handler, called back on the main queue it was delivered on.
private struct PushCompletion: @unchecked Sendable {
    private let completion: () -> Void
    init(_ completion: @escaping () -> Void) { self.completion = completion }
    func run() { completion() }
}
