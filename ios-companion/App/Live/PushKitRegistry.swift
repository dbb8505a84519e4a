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
    /// `completion` once CallKit has answered. `@Sendable`, as Apple declares it: PushKit may run
    /// it from any thread, and it is only ever called, never shared state.
    nonisolated func pushRegistry(
        _ registry: PKPushRegistry,
        didReceiveIncomingPushWith payload: PKPushPayload,
        for type: PKPushType,
        completion: @escaping @Sendable () -> Void
    ) {
        guard type == .voIP else { return completion() }
        // Validated before serialising (an invalid object raises an exception `try?` cannot catch);
        // an unserialisable payload becomes empty data, which the coordinator reports and ends.
        let json = PushPayload.data(fromDictionary: payload.dictionaryPayload)
        MainActor.assumeIsolated {
            guard let delegate else { return completion() }
            delegate.pushRegistry(didReceivePush: json, completion: completion)
        }
    }
}
